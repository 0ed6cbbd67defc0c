"""设施 of the selected site: what it has (阅览室, 母婴室, AED …) and in what condition.

Picking a facility that is already listed updates it, so "AED now needs repair" is the
same two clicks as adding one. Conditions matter: star-level rules count only usable
(良好/一般) facilities.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import FACILITY, FACILITY_CONDITION
from desktop.services import sites
from desktop.services.sites import FacilityRecord, SiteRecord
from desktop.views.context import AppContext
from desktop.views.sites.common import OK_STYLE, list_table, selected_row
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage

COLUMNS: tuple[Column[FacilityRecord], ...] = (
    Column("设施", lambda f: f.label),
    Column("状况", lambda f: FACILITY_CONDITION.label(f.condition)),
    Column("数量", lambda f: str(f.quantity), numeric=True),
    Column("备注", lambda f: f.notes or ""),
)


class FacilitiesPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteRecord | None = None
        self.model: RecordTableModel[FacilityRecord] = RecordTableModel(COLUMNS, self)
        self.table = list_table(
            self.model, self, empty_text="还没有登记设施：在上方选择设施和状况，按「添加/更新」。"
        )
        for col, width in enumerate((190, 80, 60)):
            self.table.setColumnWidth(col, width)

        self.facility = CodeCombo(FACILITY, self, blank=None)
        self.condition = CodeCombo(FACILITY_CONDITION, self, blank=None)
        self.quantity = QLineEdit("1", self)
        self.quantity.setMaximumWidth(60)
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText("备注（如 2026 年更换）")
        self.save_button = QPushButton("添加/更新", self)
        self.remove_button = QPushButton("移除所选", self)
        self.message = FieldMessage(self)

        # Two lines so the notes box stays usable in the narrow tab.
        form = QHBoxLayout()
        form.addWidget(QLabel("设施", self))
        form.addWidget(self.facility, 2)
        form.addWidget(QLabel("状况", self))
        form.addWidget(self.condition, 1)
        form.addWidget(QLabel("数量", self))
        form.addWidget(self.quantity)
        second = QHBoxLayout()
        second.addWidget(QLabel("备注", self))
        second.addWidget(self.notes, 1)
        second.addWidget(self.save_button)
        second.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(second)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self.save_button.clicked.connect(self.save)
        self.notes.returnPressed.connect(self.save)
        self.quantity.returnPressed.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._picked())
        self.set_site(None)

    def set_site(self, site: SiteRecord | None) -> None:
        if site is None or self.site is None or site.id != self.site.id:
            self.message.clear_message()
        self.site = site
        self.reload()
        for w in (self.facility, self.condition, self.quantity, self.notes, self.save_button):
            w.setEnabled(site is not None)

    def reload(self) -> None:
        self.model.set_rows(
            [] if self.site is None else sites.list_facilities(self.ctx.db, self.site.id)
        )
        self.remove_button.setEnabled(False)

    def selected(self) -> FacilityRecord | None:
        return self.model.record_at(selected_row(self.table))

    def _picked(self) -> None:
        record = self.selected()
        self.remove_button.setEnabled(record is not None)
        if record is not None:
            self.facility.set_code(record.facility)
            self.condition.set_code(record.condition)
            self.quantity.setText(str(record.quantity))
            self.notes.setText(record.notes or "")

    def save(self) -> None:
        if self.site is None:
            return
        self.message.clear_message()
        try:
            record = sites.set_facility(
                self.ctx.db,
                self.site.id,
                self.facility.code() or "",
                self.condition.code() or "",
                self.quantity.text(),
                self.notes.text(),
            )
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.reload()
        self.message.show_hint(
            f"已保存：{record.label}（{FACILITY_CONDITION.label(record.condition)}）"
        )
        self.message.setStyleSheet(OK_STYLE)
        self.notes.clear()
        self.changed.emit()

    def remove(self) -> None:
        record = self.selected()
        if self.site is None or record is None:
            return
        if not messages.confirm(
            self, "移除设施", f"确定从「{self.site.name}」移除「{record.label}」吗？"
        ):
            return
        try:
            sites.remove_facility(self.ctx.db, self.site.id, record.facility)
        except UnionDeskError as exc:
            messages.error(self, "无法移除", exc.message)
            return
        self.reload()
        self.changed.emit()
