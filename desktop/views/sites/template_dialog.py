"""评分模板 editor: the checklist items (with maximum points, bonus flag) and the rules of
each star level (minimum points, minimum area, minimum seats, facilities that must be in
use). The office edits these to its own rules; old evaluations keep the items as scored.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import SITE_KIND
from desktop.services.sites import evaluations
from desktop.services.sites.evaluations import ItemSpec, LevelSpec, TemplateRecord
from desktop.views.context import AppContext
from desktop.views.sites.common import star_text
from desktop.views.sites.facility_picker import FacilityPicker
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage

ITEM_TITLE, ITEM_MAX, ITEM_BONUS = 0, 1, 2
LEVEL_ON, LEVEL_POINTS, LEVEL_AREA, LEVEL_SEATS, LEVEL_FACILITIES = 0, 1, 2, 3, 4
NO_LIMIT = "不限"
ItemIdRole = Qt.ItemDataRole.UserRole + 1


class TemplateDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        template: TemplateRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.template = template
        self.saved: TemplateRecord | None = None
        self.setWindowTitle("编辑评分模板" if template else "新建评分模板")
        self.setMinimumSize(760, 620)

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("如 职工服务站星级评定（2026 版）")
        self.kind = CodeCombo(SITE_KIND, self, blank="（各类阵地通用）")

        self.items = QTableWidget(0, 3, self)
        self.items.setHorizontalHeaderLabels(["评分项", "满分", "加分项"])
        self.items.verticalHeader().setDefaultSectionSize(30)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(ITEM_TITLE, QHeaderView.ResizeMode.Stretch)
        self.items.setColumnWidth(ITEM_MAX, 90)
        self.items.setColumnWidth(ITEM_BONUS, 70)
        self.add_item_button = QPushButton("添加评分项", self)
        self.remove_item_button = QPushButton("删除所选评分项", self)

        self.levels = QTableWidget(5, 5, self)
        self.levels.setHorizontalHeaderLabels(
            ["星级", "最低得分", "最小面积（㎡）", "最少座位", "必须配备的设施（可用）"]
        )
        self.levels.verticalHeader().setVisible(False)
        self.levels.verticalHeader().setDefaultSectionSize(30)
        self.levels.horizontalHeader().setSectionResizeMode(
            LEVEL_FACILITIES, QHeaderView.ResizeMode.Stretch
        )
        for col, width in ((LEVEL_ON, 110), (LEVEL_POINTS, 90), (LEVEL_AREA, 110)):
            self.levels.setColumnWidth(col, width)
        self.level_widgets: list[
            tuple[QCheckBox, QDoubleSpinBox, QDoubleSpinBox, QSpinBox, FacilityPicker]
        ] = []
        for row in range(5):
            on = QCheckBox(star_text(row + 1), self.levels)
            points = QDoubleSpinBox(self.levels)
            points.setRange(0, 1000)
            points.setDecimals(1)
            area = QDoubleSpinBox(self.levels)
            area.setRange(0, 100_000)
            area.setDecimals(0)
            area.setSpecialValueText(NO_LIMIT)
            seats = QSpinBox(self.levels)
            seats.setRange(0, 100_000)
            seats.setSpecialValueText(NO_LIMIT)
            picker = FacilityPicker(self.levels)
            for col, w in enumerate((on, points, area, seats, picker)):
                self.levels.setCellWidget(row, col, w)
            on.toggled.connect(lambda checked, r=row: self._enable_level(r, checked))
            self.level_widgets.append((on, points, area, seats, picker))
            self._enable_level(row, False)

        self.message = FieldMessage(self)
        head = QFormLayout()
        head.addRow("模板名称＊", self.name)
        head.addRow("适用阵地", self.kind)
        item_box = QGroupBox("评分项（基础项合计为基础满分，加分项另计）", self)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.remove_item_button)
        item_buttons.addStretch(1)
        item_layout = QVBoxLayout(item_box)
        item_layout.addWidget(self.items, 1)
        item_layout.addLayout(item_buttons)
        level_box = QGroupBox("星级条件（勾选启用；逐级判定，达到全部条件才评为该星级）", self)
        level_layout = QVBoxLayout(level_box)
        level_layout.addWidget(self.levels)
        self.levels.setFixedHeight(self.levels.horizontalHeader().height() + 5 * 30 + 4)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存模板")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(item_box, 1)
        layout.addWidget(level_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.add_item_button.clicked.connect(lambda: self.add_item(ItemSpec("", 10), edit=True))
        self.remove_item_button.clicked.connect(self.remove_item)
        if template is not None:
            self.name.setText(template.name)
            self.kind.set_code(template.site_kind)
            for item in template.items:
                self.add_item(item)
            for level in template.levels:
                self.set_level(level)
        else:
            self.kind.set_code("station")

    # ---- items -----------------------------------------------------------------------

    def add_item(self, item: ItemSpec, *, edit: bool = False) -> None:
        row = self.items.rowCount()
        self.items.insertRow(row)
        title = QTableWidgetItem(item.title)
        title.setData(ItemIdRole, item.id)
        self.items.setItem(row, ITEM_TITLE, title)
        points = QDoubleSpinBox(self.items)
        points.setRange(0, 1000)
        points.setDecimals(1)
        points.setValue(item.max_points)
        self.items.setCellWidget(row, ITEM_MAX, points)
        bonus = QTableWidgetItem()
        bonus.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        bonus.setCheckState(Qt.CheckState.Checked if item.is_bonus else Qt.CheckState.Unchecked)
        self.items.setItem(row, ITEM_BONUS, bonus)
        if edit:
            self.items.setCurrentCell(row, ITEM_TITLE)
            self.items.editItem(title)

    def remove_item(self) -> None:
        rows = sorted({i.row() for i in self.items.selectedIndexes()}, reverse=True)
        for row in rows:
            self.items.removeRow(row)

    def item_specs(self) -> list[ItemSpec]:
        out: list[ItemSpec] = []
        for row in range(self.items.rowCount()):
            title = self.items.item(row, ITEM_TITLE)
            points = self.items.cellWidget(row, ITEM_MAX)
            bonus = self.items.item(row, ITEM_BONUS)
            assert isinstance(points, QDoubleSpinBox)
            out.append(
                ItemSpec(
                    title.text().strip() if title else "",
                    points.value(),
                    bonus is not None and bonus.checkState() == Qt.CheckState.Checked,
                    title.data(ItemIdRole) if title else None,
                )
            )
        return out

    # ---- levels ----------------------------------------------------------------------

    def _enable_level(self, row: int, on: bool) -> None:
        for w in self.level_widgets[row][1:] if row < len(self.level_widgets) else ():
            w.setEnabled(on)

    def set_level(self, level: LevelSpec) -> None:
        on, points, area, seats, picker = self.level_widgets[level.star_level - 1]
        on.setChecked(True)
        points.setValue(level.min_points)
        area.setValue(level.min_area_m2 or 0)
        seats.setValue(level.min_seats or 0)
        picker.set_codes(level.required_facilities)

    def level_specs(self) -> list[LevelSpec]:
        return [
            LevelSpec(
                n,
                points.value(),
                area.value() or None,
                seats.value() or None,
                picker.codes(),
            )
            for n, (on, points, area, seats, picker) in enumerate(self.level_widgets, start=1)
            if on.isChecked()
        ]

    # ---- save ------------------------------------------------------------------------

    def save(self) -> None:
        self.message.clear_message()
        try:
            if self.template is None:
                self.saved = evaluations.create_template(
                    self.ctx.db,
                    self.name.text(),
                    self.item_specs(),
                    self.level_specs(),
                    self.kind.code(),
                )
            else:
                self.saved = evaluations.update_template(
                    self.ctx.db,
                    self.template.id,
                    self.name.text(),
                    self.item_specs(),
                    self.level_specs(),
                    self.kind.code(),
                )
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.accept()
