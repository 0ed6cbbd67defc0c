"""会籍转接 page: every transfer of this office (newest first), by kind and by a text
filter, with 转入登记, the slip reprinted, and the member's page on double-click.

A transfer out is started from the member (member list or page: the dialog needs the
member); this page is where a clerk finds one again — a slip to reprint, a member who
left last month, what came in from elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.models.codes import TRANSFER_KIND
from desktop.services.transfers import queries
from desktop.views.context import AppContext
from desktop.views.qtmodels import transfer_table as tt
from desktop.views.qtmodels.transfer_table import TransferTableModel
from desktop.views.transfers import printouts
from desktop.views.widgets import tables
from desktop.views.widgets.field_error import FieldMessage

AREA = "transfers"
#: An office transfers hundreds a year; the list shows the newest this many.
LIMIT = 5000
#: Widest a column grows to fit its text (px); longer text is in the cell's tooltip.
MAX_WIDTH = 220


def create_page(ctx: AppContext) -> QWidget:
    return TransfersPage(ctx)


def words_pattern(text: str) -> QRegularExpression:
    """Rows holding every typed word, in any order (a lookahead per word)."""
    ahead = "".join(f"(?=.*{QRegularExpression.escape(w)})" for w in text.split())
    return QRegularExpression(
        f"^{ahead}", QRegularExpression.PatternOption.DotMatchesEverythingOption
    )


class TransfersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.kind_filter = QComboBox(self)
        self.kind_filter.addItem("全部类型", None)
        for code, label in TRANSFER_KIND.items:
            self.kind_filter.addItem(label, code)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("姓名、单位、转接单编号或原因")
        self.search.setClearButtonEnabled(True)
        self.in_button = QPushButton("转入登记…", self)
        self.print_button = QPushButton("打印转接单…", self)
        self.detail_button = QPushButton("会员详情", self)
        self.count_label = QLabel(self)
        self.message = FieldMessage(self)
        self.model = TransferTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(tt.SEARCH_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("transfers_table")
        self.table.setModel(self.proxy)
        tables.record_list(self.table)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("类型", self))
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.search, 1)
        bar.addSpacing(16)
        for button in (self.in_button, self.print_button, self.detail_button):
            bar.addWidget(button)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(self._filter)
        self.in_button.clicked.connect(self.transfer_in)
        self.print_button.clicked.connect(self.print_slip)
        self.detail_button.clicked.connect(self.show_member)
        self.table.doubleClicked.connect(lambda _i: self.show_member())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    def refresh(self) -> None:
        keep = self.selected()
        rows = queries.listing(self.ctx.db, kind=self.kind_filter.currentData(), limit=LIMIT)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()  # hundreds of rows: cheap
        for column in range(self.model.columnCount()):  # a long union name: its tooltip
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), MAX_WIDTH))
        if keep is not None:
            self.select(keep.id)
        self._count()
        self._enable()

    def navigate(self, kind: str | None = None, text: str | None = None, **_: object) -> None:
        """Click-throughs: kind (a TRANSFER_KIND code), text (the filter box)."""
        if kind is not None:
            self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(kind), 0))
        if text is not None:
            self.search.setText(text)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterRegularExpression(words_pattern(text))
        self._count()
        self._enable()

    def _count(self) -> None:
        shown, loaded = self.proxy.rowCount(), self.model.rowCount()
        text = f"共 {loaded} 条" if shown == loaded else f"显示 {shown} / {loaded} 条"
        self.count_label.setText(text)

    def _enable(self) -> None:
        chosen = self.selected()
        self.detail_button.setEnabled(chosen is not None)
        self.print_button.setEnabled(chosen is not None and bool(chosen.slip_no))

    def _data_changed(self, area: str) -> None:
        if area in (AREA, "members", "sync"):
            self.refresh()

    def selected(self) -> queries.TransferRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.rows[source.row()] if source.isValid() else None

    def select(self, transfer_id: str) -> None:
        for row, record in enumerate(self.model.rows):
            if record.id == transfer_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.table.selectRow(index.row())
                return

    def transfer_in(self) -> None:
        from desktop.views.transfers.in_dialog import TransferInDialog

        self._open(TransferInDialog(self.ctx, parent=self))

    def print_slip(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen.slip_no:
            self.message.show_error("请先选中一条有转接单编号的记录（转入记录没有本会的转接单）")
            return
        printouts.print_slip(self.ctx, self, chosen.id, chosen.slip_no)

    def show_member(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        from desktop.views.members.detail_dialog import MemberDetailDialog

        self._open(MemberDetailDialog(self.ctx, chosen.member_id, parent=self))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
