"""基层工会 page: the unions with member counts; add, edit, delete, see their members.

At an upper office the page lists its sub-federations' unions too (received by sync),
with their 所属联合会 and a filter by federation; another federation's union is shown
but not edited or deleted here (the buttons say why; the service refuses it anyway).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.unions import registry as unions
from desktop.services.unions.registry import UnionRecord
from desktop.views.context import AppContext
from desktop.views.qtmodels import union_table as ut
from desktop.views.qtmodels.union_table import UnionTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.federation_combo import FederationFilterCombo

FOREIGN_TIP = "该工会属于其他联合会，由该单位登记和维护，本机只能查看"


def create_page(ctx: AppContext) -> QWidget:
    return UnionsPage(ctx)


class UnionsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.model = UnionTableModel(ctx.db, self)
        self.table = QTableView(self)
        self.table.setObjectName("unions_table")  # its column widths are remembered
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in {ut.COL_NAME: 260, ut.COL_EMPLOYER: 220, ut.COL_CREDIT_CODE: 170}.items():
            self.table.setColumnWidth(col, width)
        # 所属联合会 beside the name, where an upper office reads it first
        self.table.horizontalHeader().moveSection(ut.COL_FEDERATION, 1)
        self.table.setColumnWidth(ut.COL_FEDERATION, 180)

        self.add_button = QPushButton("新增工会", self)
        self.edit_button = QPushButton("编辑", self)
        self.delete_button = QPushButton("删除", self)
        self.members_button = QPushButton("查看会员", self)
        self.federation_filter = FederationFilterCombo(ctx.db, self)
        self.federation_label = QLabel("联合会", self)
        self.federation_label.setVisible(self.federation_filter.worth_showing())
        self.table.setColumnHidden(ut.COL_FEDERATION, not self.federation_filter.worth_showing())
        actions = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.members_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.federation_label)
        actions.addWidget(self.federation_filter)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

        self.add_button.clicked.connect(self.add_union)
        self.edit_button.clicked.connect(self.edit_union)
        self.delete_button.clicked.connect(self.delete_union)
        self.members_button.clicked.connect(self.show_members)
        self.federation_filter.federation_changed.connect(self.model.set_federation)
        self.table.doubleClicked.connect(lambda _i: self.edit_union())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def refresh(self) -> None:
        self.federation_filter.reload()
        self.federation_label.setVisible(self.federation_filter.worth_showing())
        self.table.setColumnHidden(ut.COL_FEDERATION, not self.federation_filter.worth_showing())
        self.model.set_federation(self.federation_filter.federation_id())

    def selected(self) -> UnionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        record = self.selected()
        has = record is not None
        self.members_button.setEnabled(has)
        own = record is not None and record.own
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(own)
            b.setToolTip(FOREIGN_TIP if has and not own else "")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def add_union(self) -> None:
        from desktop.views.unions.union_dialog import UnionDialog

        self._open(UnionDialog(self.ctx, parent=self))

    def edit_union(self) -> None:
        from desktop.views.unions.union_dialog import UnionDialog

        record = self.selected()
        if record is None:
            return
        if not record.own:  # a double-click on another federation's union
            messages.inform(
                self,
                "不能编辑",
                unions.foreign_message(record.name, record.federation_name, "修改"),
            )
            return
        try:
            self._open(UnionDialog(self.ctx, record.id, parent=self))
        except UnionDeskError as exc:
            messages.error(self, "无法编辑", exc.message)

    def delete_union(self) -> None:
        record = self.selected()
        if record is None:
            return
        if not messages.confirm(self, "删除工会", f"确定删除「{record.name}」吗？"):
            return
        try:
            unions.delete(self.ctx.db, record.id)
        except UnionDeskError as exc:
            messages.error(self, "无法删除", exc.message)
            return
        self.ctx.changed("unions")

    def show_members(self) -> None:
        record = self.selected()
        if record is not None:
            self.ctx.navigate(
                "members",
                federation_id=self.model.federation_id,
                union_id=record.id,
                status="current",
            )
