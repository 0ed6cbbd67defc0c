"""重复会员 page: pairs of records that are probably one person, masked; 合并… opens the
side-by-side merge dialog for the selected pair."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.duplicates import finding
from desktop.services.duplicates.finding import DuplicatePair
from desktop.views.context import AppContext
from desktop.views.widgets import messages, tables

HEADERS = (
    "重复原因",
    "姓名（甲）",
    "身份证号（甲）",
    "手机号（甲）",
    "所属工会（甲）",
    "姓名（乙）",
    "身份证号（乙）",
    "手机号（乙）",
    "所属工会（乙）",
)


def create_page(ctx: AppContext) -> QWidget:
    return DuplicatesPage(ctx)


class DuplicatesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pairs: list[DuplicatePair] = []
        self.dialog: QDialog | None = None
        self.summary = QLabel(self)
        self.refresh_button = QPushButton("刷新", self)
        self.merge_button = QPushButton("合并…", self)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("duplicates_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        tables.record_list(self.table)
        actions = QHBoxLayout()
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.merge_button)
        actions.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.merge_button.clicked.connect(self.merge_selected)
        self.table.doubleClicked.connect(lambda _i: self.merge_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.pairs = finding.find_pairs(self.ctx.db)
        except UnionDeskError as exc:
            messages.error(self, "无法读取重复记录", exc.message)
            self.pairs = []
        self.table.setRowCount(len(self.pairs))
        for row, pair in enumerate(self.pairs):
            cells = (
                pair.reason_label,
                *(
                    value
                    for side in (pair.first, pair.second)
                    for value in (
                        side.name,
                        side.id_number_masked,
                        side.phone_masked,
                        side.union_name,
                    )
                ),
            )
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.summary.setText(
            f"共 {len(self.pairs)} 对可能重复的记录（身份证号、手机号已打码）"
            if self.pairs
            else "没有发现重复的会员记录"
        )
        self._update_buttons()

    def selected(self) -> DuplicatePair | None:
        rows = self.table.selectionModel().selectedRows()
        return self.pairs[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.merge_button.setEnabled(self.selected() is not None)

    def merge_selected(self) -> None:
        from desktop.views.duplicates.merge_dialog import MergeDialog

        pair = self.selected()
        if pair is None:
            return
        try:
            dialog = MergeDialog(self.ctx, pair.first.id, pair.second.id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法合并", exc.message)
            self.refresh()
            return
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        self.refresh()
        dialog.deleteLater()
