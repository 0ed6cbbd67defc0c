"""困难帮扶: the hardship files, most urgent review first, with a filter for the files
whose review is overdue or due within 30 days (the dashboard's card opens it through
``navigate(due_within=30)``). Lists never show a sensitive value or an ID number."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.care import hardship, retention
from desktop.services.care.hardship import FileRow
from desktop.views.care import entries, printouts
from desktop.views.care.file_dialog import HardshipFileDialog
from desktop.views.context import AppContext
from desktop.views.sites.common import list_table, selected_row
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.widgets import messages

AREA = "hardship"
# Filter choices: (label, due_within days or None, include closed files)
FILTERS: tuple[tuple[str, int | None, bool], ...] = (
    ("在档全部", None, False),
    ("待复核：已逾期及 30 天内到期", hardship.DUE_SOON_DAYS, False),
    ("全部（含已脱困）", None, True),
    ("保存期满可清除（脱困满 10 年）", None, True),
)
PURGEABLE = 3  # the filter index of the files whose retention has ended


#: The longest usual text of each column but the last (which takes the rest).
COLUMN_SAMPLES = (
    "欧阳秀英某",
    "深圳市和信五金制品有限公司工会",
    "特困职工（深度）",
    "患病、子女就学、残疾",
    "家庭人口",
    "2026-10-26（逾期 1000 天）",
)


def create_page(ctx: AppContext) -> QWidget:
    return HardshipPage(ctx)


def _due_text(r: FileRow) -> str:
    if r.state == "closed":
        return f"已脱困 {r.closed_on}"
    if r.days_left < 0:
        return f"{r.review_due_on}（逾期 {-r.days_left} 天）"
    return f"{r.review_due_on}（还有 {r.days_left} 天）"


class HardshipPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.filter = QComboBox(self)
        for label, days, closed in FILTERS:
            self.filter.addItem(label, (days, closed))
        self.new_button = QPushButton("新建档案…", self)
        self.open_button = QPushButton("打开档案", self)
        self.receipt_button = QPushButton("打印签收表…", self)
        self.threshold_button = QPushButton("收入标准…", self)
        self.threshold_button.setToolTip(
            "当地困难认定收入标准（元/人·月），档案中的月人均收入与之对照"
        )
        self.purge_button = QPushButton("清除档案", self)
        self.purge_button.setVisible(False)
        self.count_label = QLabel(self)
        self.model: RecordTableModel[FileRow] = RecordTableModel(
            [
                Column("姓名", lambda r: r.member_name),
                Column("所属工会", lambda r: r.union_name),
                Column("困难类别", lambda r: r.level_label),
                Column("致困原因", lambda r: r.causes),
                Column(
                    "家庭人口",
                    lambda r: "" if r.household_size is None else str(r.household_size),
                    numeric=True,
                ),
                Column("下次复核", _due_text),
                Column("状态", lambda r: r.state_label),
            ],
            self,
        )
        self.table = list_table(self.model, self)
        self.table.setObjectName("hardship_table")
        # Widths from what the columns hold, so 下次复核 shows its days overdue in full and
        # the spare width goes to the last column, not 所属工会 cut short.
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(COLUMN_SAMPLES):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        top = QHBoxLayout()
        top.addWidget(QLabel("显示：", self))
        top.addWidget(self.filter)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.receipt_button)
        top.addWidget(self.threshold_button)
        top.addWidget(self.purge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button.clicked.connect(self.new_file)
        self.open_button.clicked.connect(self.open_selected)
        self.receipt_button.clicked.connect(lambda: printouts.print_receipt(self.ctx, self))
        self.purge_button.clicked.connect(self.purge_selected)
        self.threshold_button.clicked.connect(self.set_threshold)
        self.table.doubleClicked.connect(self._double_clicked)
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # ---- area protocol ---------------------------------------------------------------

    def navigate(self, due_within: int | None = None, **_: Any) -> None:
        """The dashboard's card: the files whose review is due (or overdue)."""
        index = 1 if due_within is not None else 0
        if self.filter.currentIndex() == index:
            self.refresh()
        else:
            self.filter.setCurrentIndex(index)

    def refresh(self) -> None:
        days, closed = self.filter.currentData()
        purging = self.filter.currentIndex() == PURGEABLE
        self.purge_button.setVisible(purging)
        today = self.ctx.db.clock.today()
        try:
            rows = hardship.list_files(
                self.ctx.db, today=today, due_within=days, include_closed=closed
            )
            if purging:
                ended = {p.id for p in retention.purgeable(self.ctx.db, today=today)}
                rows = [r for r in rows if r.id in ended]
        except UnionDeskError as exc:
            messages.error(self, "困难帮扶", exc.message)
            return
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.state == "overdue")
        self.count_label.setText(f"共 {len(rows)} 户，其中逾期未复核 {overdue} 户")

    def _data_changed(self, area: str) -> None:
        if area in (AREA, "members", "sync"):
            self.refresh()

    # ---- actions ---------------------------------------------------------------------

    def selected(self) -> FileRow | None:
        return self.model.record_at(selected_row(self.table))

    def _double_clicked(self, index: QModelIndex) -> None:
        record = self.model.record_at(index.row())
        if record is not None:
            self.open_file(record.id)

    def open_selected(self) -> None:
        record = self.selected()
        if record is None:
            messages.inform(self, "困难帮扶", "请先在列表中选择一份档案。")
            return
        self.open_file(record.id)

    def open_file(self, case_id: str) -> HardshipFileDialog:
        dialog = HardshipFileDialog(self.ctx, case_id, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def purge_selected(self) -> None:
        record = self.selected()
        if record is None:
            messages.inform(self, "清除档案", "请先在列表中选择一份保存期满的档案。")
            return
        if not messages.confirm(
            self,
            "清除档案",
            f"清除「{record.member_name}」的困难职工档案？档案、家庭成员、救助台账、复核和同意"
            "记录将全部清除，同步后其他单位也一并清除，且无法恢复。",
            yes="清除",
            no="取消",
        ):
            return
        try:
            retention.purge(self.ctx.db, record.id, today=self.ctx.db.clock.today())
        except UnionDeskError as exc:
            messages.warn(self, "清除档案", exc.message)
            return
        self.ctx.changed(AREA)

    def set_threshold(self) -> None:
        dialog = entries.income_threshold(self.ctx, self)
        self.dialog = dialog
        dialog.open()

    def new_file(self) -> None:
        dialog = entries.new_file(self.ctx, self)
        self.dialog = dialog

        def created() -> None:
            self.ctx.changed(AREA)
            if isinstance(dialog.result_value, str):
                self.open_file(dialog.result_value)

        dialog.accepted.connect(created)
        dialog.open()
