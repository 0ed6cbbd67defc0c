"""会员管理 page: one search box, four filters, the lazy member table and its actions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.models.codes import AGE_BANDS, CURRENT_STATUSES, MEMBERSHIP_STATUS
from desktop.services.honours import titles as honour_titles
from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberFilter, MemberRow
from desktop.views.context import AppContext
from desktop.views.qtmodels import member_table as mt
from desktop.views.qtmodels.member_table import MemberTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.federation_combo import FederationFilterCombo
from desktop.views.widgets.file_drop import ROSTER_SUFFIXES, dropped_file
from desktop.views.widgets.search_box import SearchBox
from desktop.views.widgets.tables import select_row
from desktop.views.widgets.union_combo import UnionFilterCombo

_STATUS_CHOICES = [
    ("current", "在会会员（含保留会籍）"),
    ("all", "全部会籍状态"),
    *MEMBERSHIP_STATUS,
]
_STATUS_LABELS = dict(MEMBERSHIP_STATUS)
_MIGRANT_CHOICES = [("all", "全部人员"), ("yes", "农民工"), ("no", "非农民工")]
_AGE_CHOICES = [("all", "全部年龄"), *((b[0], b[1]) for b in AGE_BANDS)]


def honour_choices(ctx: AppContext) -> list[tuple[str, str]]:
    """The honour filter: every title (retired ones too: old honours still count)."""
    every = honour_titles.list_titles(ctx.db, include_inactive=True)
    return [("", "全部荣誉"), *((t.code, t.name) for t in every)]


def create_page(ctx: AppContext) -> QWidget:
    return MembersPage(ctx)


class MembersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self._building = True
        self.setAcceptDrops(True)  # an .xlsx dropped on the list starts the import wizard
        self.roster_wizard: QWidget | None = None  # the last one opened

        self.search = SearchBox(self)
        self.search.setPlaceholderText("搜索：姓名、拼音（如 zs）、身份证后 4 位、手机号、会员证号")
        # room to type, whatever the filters beside it take (an upper office's federation
        # box squeezed it to one character at 1366 × 768)
        self.search.setMinimumWidth(220)
        # an upper office's sub-federations (hidden where only one federation is held)
        self.federation_filter = FederationFilterCombo(ctx.db, self)
        self.federation_label = QLabel("联合会", self)
        self.federation_label.setVisible(self.federation_filter.worth_showing())
        self.union_filter = UnionFilterCombo(ctx.db, self)
        self.union_filter.setMinimumContentsLength(12)
        self.union_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.status_filter = CodeCombo(_STATUS_CHOICES, self, blank=None)
        self.migrant_filter = CodeCombo(_MIGRANT_CHOICES, self, blank=None)
        self.age_filter = CodeCombo(_AGE_CHOICES, self, blank=None)
        self.honour_filter = CodeCombo(honour_choices(ctx), self, blank=None)

        self.add_button = QPushButton("新增会员", self)
        self.edit_button = QPushButton("编辑", self)
        self.leave_button = QPushButton("离会", self)
        self.transfer_button = QPushButton("会籍转接…", self)
        self.transfer_in_button = QPushButton("转入…", self)
        self.delete_button = QPushButton("删除", self)
        self.import_button = QPushButton("导入名册…", self)
        self.export_button = QPushButton("导出名册…", self)
        self.template_button = QPushButton("名册模板…", self)
        self.card_button = QPushButton("打印会员卡", self)
        self.count_label = QLabel(self)

        self.model = MemberTableModel(ctx.db, self.current_filter(), parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("members_table")  # its column widths are remembered
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # A header click sorts by 姓名 or 入会日期 (the orders an index serves at a
        # million members); other columns keep the order and say why.
        header.setSortIndicator(mt.COL_NAME, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort_asked)
        for col, width in {
            mt.COL_NAME: 90,
            mt.COL_GENDER: 48,
            mt.COL_AGE: 48,
            mt.COL_UNION: 250,
            mt.COL_ID_NUMBER: 170,
            mt.COL_PHONE: 110,
            mt.COL_CARD_NO: 150,
            mt.COL_STATUS: 80,
            mt.COL_JOINED_ON: 96,
        }.items():
            self.table.setColumnWidth(col, width)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in (
            ("工会", self.union_filter),
            ("会籍", self.status_filter),
            ("农民工", self.migrant_filter),
            ("年龄", self.age_filter),
            ("荣誉", self.honour_filter),
        ):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(combo, 1)
        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.leave_button, self.delete_button):
            actions.addWidget(button)
        actions.addWidget(self.transfer_button)
        actions.addWidget(self.transfer_in_button)
        actions.addSpacing(16)
        for button in (
            self.import_button,
            self.export_button,
            self.template_button,
            self.card_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        # an upper office's federation box: beside the count it narrows, not in the row of
        # filters (which then left the search box one character at 1366 × 768)
        actions.addWidget(self.federation_label)
        actions.addWidget(self.federation_filter)
        actions.addSpacing(8)
        actions.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

        self.search.search_changed.connect(lambda _t: self.apply_filter())
        for combo in (self.union_filter, self.status_filter, self.migrant_filter, self.age_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.honour_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.federation_filter.federation_changed.connect(self._federation_chosen)
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.leave_button.clicked.connect(self.mark_left)
        self.transfer_button.clicked.connect(self.transfer_out)
        self.transfer_in_button.clicked.connect(self.transfer_in)
        self.delete_button.clicked.connect(self.delete_member)
        self.import_button.clicked.connect(lambda: self.import_roster())  # not clicked's bool
        self.export_button.clicked.connect(self.export_roster)
        self.template_button.clicked.connect(self.save_roster_template)
        self.card_button.clicked.connect(self.print_card)
        self.table.doubleClicked.connect(lambda _i: self.show_member())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        self._building = False
        # The total needs a count over the whole filter: do it after the first paint.
        QTimer.singleShot(0, self.update_count)

    # ---- filters ---------------------------------------------------------------------

    def current_filter(self) -> MemberFilter:
        status = self.status_filter.code()
        migrant = self.migrant_filter.code()
        age = self.age_filter.code()
        return MemberFilter(
            union_id=self.union_filter.union_id(),
            federation_id=self.federation_filter.federation_id(),
            status=None if status == "all" else status,
            migrant=None if migrant == "all" else migrant == "yes",
            age_band=None if age == "all" else age,
            search=self.search.text().strip() or None,
            honour_title=self.honour_filter.code() or None,
        )

    def _sort_asked(self, column: int, order: Qt.SortOrder) -> None:
        if column in mt.SORTABLE:
            self.model.sort(column, order)
            return
        header = self.table.horizontalHeader()
        shown_column, shown_order = self.model.sorted_by()
        header.blockSignals(True)
        header.setSortIndicator(shown_column, shown_order)
        header.blockSignals(False)
        label = mt.HEADERS.get(column, "")
        self.ctx.status_message.emit(
            f"「{label}」列不能排序：可按姓名或入会日期排序（点列标题），其他条件请用上方的筛选。"
        )

    def _federation_chosen(self, federation_id: str | None) -> None:
        """The union box then offers that federation's unions only."""
        self.union_filter.set_federation(federation_id)
        self.apply_filter()

    def apply_filter(self) -> None:
        if self._building:
            return
        shown = self.model.filter  # the order a header click chose stays with new filters
        flt = replace(self.current_filter(), order=shown.order, descending=shown.descending)
        self.model.set_filter(flt)
        self.update_count()

    def update_count(self) -> None:
        total = member_queries.count_matching(self.ctx.db, self.model.filter)
        self.count_label.setText(f"共 {total:,} 人")

    # ---- area protocol ---------------------------------------------------------------

    def refresh(self) -> None:
        if self.union_filter.loaded:
            self.union_filter.reload()
        self.federation_filter.reload()
        self.federation_label.setVisible(self.federation_filter.worth_showing())
        self.model.refresh()
        self.update_count()

    def navigate(self, **params: Any) -> None:
        """Click-throughs: union_id, status, migrant (bool), age_band, search."""
        self._building = True
        if "federation_id" in params:
            self.federation_filter.select_federation(params["federation_id"])
            self.union_filter.set_federation(self.federation_filter.federation_id())
        if "union_id" in params:
            self.union_filter.select_union(params["union_id"])
        if "status" in params:
            self.status_filter.set_code(params["status"] or "all")
        if "migrant" in params:
            m = params["migrant"]
            self.migrant_filter.set_code("all" if m is None else "yes" if m else "no")
        if "age_band" in params:
            self.age_filter.set_code(params["age_band"] or "all")
        if "honour_title" in params:
            self.honour_filter.set_code(params["honour_title"])
        if "search" in params:
            self.search.setText(params["search"] or "")
            self.search.flush()
        self._building = False
        self.apply_filter()

    # ---- actions ---------------------------------------------------------------------

    def selected_row(self) -> MemberRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_member(self, member_id: str) -> None:
        row = self.model.row_of(member_id)
        if row >= 0:
            select_row(self.table, row)

    # ---- rosters and printing (their own packages; imported when first used) -----------

    def import_roster(self, path: Path | None = None) -> None:
        from desktop.views.roster.actions import open_import_wizard

        self.roster_wizard = open_import_wizard(self.ctx, self, path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if dropped_file(event.mimeData(), ROSTER_SUFFIXES) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt's name
        if dropped_file(event.mimeData(), ROSTER_SUFFIXES) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        path = dropped_file(event.mimeData(), ROSTER_SUFFIXES)
        if path is not None:
            event.acceptProposedAction()
            self.import_roster(path)

    def export_roster(self) -> None:
        from desktop.views.roster.actions import export_members

        export_members(self.ctx, self, self.current_filter())

    def save_roster_template(self) -> None:
        from desktop.views.roster.actions import save_template

        save_template(self.ctx, self)

    def print_card(self) -> None:
        row = self.selected_row()
        if row is None:
            messages.inform(self, "打印会员卡", "请先在列表中选择要打印会员卡的会员。")
            return
        self.ctx.navigate("printing", member_ids=[row.id])

    def _update_buttons(self) -> None:
        # a read-only account sees the write actions disabled (the write guard refuses too)
        row = self.selected_row()
        has = row is not None and acting.current().may(acting.WRITE)
        self.add_button.setEnabled(acting.current().may(acting.WRITE))
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(has)
        # 离会 and 转出 only for a current member: one who left (or is still an applicant)
        # has nothing to leave or transfer, and the button says so instead of a refusal
        current = row is not None and row.membership_status in CURRENT_STATUSES
        self.leave_button.setEnabled(has and current)
        self.transfer_button.setEnabled(has and current)
        why = ""
        if row is not None and not current:
            why = f"该会员的会籍状态是「{_STATUS_LABELS.get(row.membership_status, '')}」，"
            why += "只有在会会员可以办理离会或转出"
        self.leave_button.setToolTip(why or "办理退会、开除或保留会籍（记录保留在名册中）")
        self.transfer_button.setToolTip(why or "为选中的会员办理会籍转出，并开具转接单")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        saved = getattr(dialog, "saved_id", None)
        if saved:
            self.select_member(saved)
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def add_member(self) -> None:
        from desktop.views.members.member_dialog import MemberDialog

        dialog = MemberDialog(self.ctx, parent=self)
        union_id = self.union_filter.union_id()
        if union_id:
            dialog.set_value("union_id", union_id)
        self._open(dialog)

    def edit_member(self) -> None:
        from desktop.views.members.member_dialog import MemberDialog

        row = self.selected_row()
        if row is None:
            return
        try:
            dialog = MemberDialog(self.ctx, row.id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法编辑", exc.message)
            return
        self._open(dialog)

    def show_member(self) -> None:
        """Double-click: the member's page (registry fields, history, activities)."""
        from desktop.views.members.detail_dialog import MemberDetailDialog

        row = self.selected_row()
        if row is None:
            return
        try:
            dialog = MemberDetailDialog(self.ctx, row.id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法打开", exc.message)
            return
        self._open(dialog)

    def mark_left(self) -> None:
        from desktop.views.members.leave_dialog import LeaveDialog

        row = self.selected_row()
        if row is not None:
            self._open(LeaveDialog(self.ctx, row.id, row.name, parent=self))

    def delete_member(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not messages.confirm(
            self,
            "删除会员",
            f"确定删除会员「{row.name}」吗？\n\n删除只用于纠正误录的记录；"
            "会员调走或退会请用「离会」，记录会保留在名册中。",
        ):
            return
        from desktop.services.members import registry as members

        try:
            members.delete(self.ctx.db, row.id)
        except UnionDeskError as exc:
            messages.error(self, "无法删除", exc.message)
            return
        self.ctx.changed("members")
        self.ctx.status_message.emit(f"已删除会员「{row.name}」")

    def transfer_out(self) -> None:
        """会籍转接（转出）of the selected member (issue #21)."""
        from desktop.views.transfers.out_dialog import TransferOutDialog

        row = self.selected_row()
        if row is None:
            return
        try:
            dialog = TransferOutDialog(self.ctx, row.id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法办理转接", exc.message)
            return
        self._open(dialog)

    def transfer_in(self) -> None:
        """会籍转入 of a member from elsewhere, into the union the list is filtered to."""
        from desktop.views.transfers.in_dialog import TransferInDialog

        self._open(TransferInDialog(self.ctx, self.union_filter.union_id(), parent=self))
