"""荣誉 page: every honour (filter by title), 登记荣誉, 删除 and the title list.
A member's honours also filter the member list (会员管理 → 荣誉)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.honours import records, titles
from desktop.views.context import AppContext
from desktop.views.honours.honour_dialog import HonourDialog
from desktop.views.honours.titles_dialog import TitlesDialog
from desktop.views.qtmodels import honour_table as ht
from desktop.views.qtmodels.honour_table import HonourTableModel
from desktop.views.widgets import messages, tables
from desktop.views.widgets.field_error import FieldMessage


def create_page(ctx: AppContext) -> QWidget:
    return HonoursPage(ctx)


class HonoursPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.title_filter = QComboBox(self)
        self.add_button = QPushButton("登记荣誉", self)
        self.delete_button = QPushButton("删除", self)
        self.titles_button = QPushButton("荣誉称号…", self)
        self.count_label = QLabel(self)
        self.message = FieldMessage(self)
        self.model = HonourTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("honours_table")
        self.table.setModel(self.model)
        tables.record_list(self.table)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("荣誉称号", self))
        bar.addWidget(self.title_filter)
        bar.addSpacing(16)
        for button in (self.add_button, self.delete_button, self.titles_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._fill_titles()
        self.title_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.add_honour)
        self.delete_button.clicked.connect(self.delete_honour)
        self.titles_button.clicked.connect(self.edit_titles)
        self.refresh()

    def _fill_titles(self) -> None:
        keep = self.title_filter.currentData()
        self.title_filter.blockSignals(True)
        self.title_filter.clear()
        self.title_filter.addItem("全部称号", None)
        for t in titles.list_titles(self.ctx.db, include_inactive=True):
            self.title_filter.addItem(t.name, t.code)
        self.title_filter.setCurrentIndex(max(self.title_filter.findData(keep), 0))
        self.title_filter.blockSignals(False)

    def refresh(self) -> None:
        rows = records.list_honours(self.ctx.db, title=self.title_filter.currentData())
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 项")

    def navigate(self, **params: Any) -> None:
        """Click-throughs: title (a title code)."""
        if "title" in params:
            self.title_filter.setCurrentIndex(max(self.title_filter.findData(params["title"]), 0))

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return None if not rows else rows[0].data(ht.ID_ROLE)

    def add_honour(self) -> None:
        dialog = HonourDialog(self.ctx, self)
        self.dialog = dialog
        dialog.saved.connect(lambda _r: self._changed("已登记荣誉"))
        dialog.open()

    def delete_honour(self) -> None:
        honour_id = self.selected_id()
        if honour_id is None or not messages.confirm(self, "删除荣誉", "删除这条荣誉记录？"):
            return
        try:
            records.remove_honour(self.ctx.db, honour_id)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self._changed("已删除")

    def edit_titles(self) -> None:
        dialog = TitlesDialog(self.ctx, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._titles_closed(dialog))
        dialog.open()

    def _titles_closed(self, dialog: TitlesDialog) -> None:
        if dialog.changed:
            self._fill_titles()
            self.ctx.changed("honours")

    def _changed(self, text: str) -> None:
        self.refresh()
        self.message.show_hint(text)
        self.ctx.changed("honours")
