"""入会申请 review queue: 待审核 first, search (reject reasons too), approve or reject.

An application whose ID number already belongs to a current member shows in red with
「已是在会会员」; approving it is refused by the service, which names that member and union.
"""

from __future__ import annotations

from typing import Any

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
from desktop.models.codes import APPLICATION_STATUS
from desktop.services.applications import queries, records
from desktop.services.applications.queries import ApplicationRow
from desktop.sync.office import ScannedApplication
from desktop.views.context import AppContext
from desktop.views.intake.scan_box import REFUSED_STYLE, ApplicationScanBox
from desktop.views.qtmodels import application_table as at
from desktop.views.qtmodels.application_table import ApplicationTableModel
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.search_box import SearchBox

_STATUS_CHOICES = [("all", "全部状态"), *APPLICATION_STATUS]


def create_page(ctx: AppContext) -> QWidget:
    return ApplicationsPage(ctx)


class ApplicationsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.search = SearchBox(self)
        self.search.setPlaceholderText("搜索：姓名、工作单位、不予批准的原因、身份证或手机尾号")
        self.status_filter = CodeCombo(_STATUS_CHOICES, self, blank=None)
        self.status_filter.set_code("submitted")
        self.add_button = QPushButton("登记申请", self)
        self.approve_button = QPushButton("批准", self)
        self.reject_button = QPushButton("不予批准", self)
        self.print_button = QPushButton("打印入会申请书", self)
        self.page_button = QPushButton("生成手机申请页面…", self)
        self.counts_label = QLabel(self)
        # the USB scanner types a phone application's QR here (issue #24): filed as 扫码
        self.scan_box = ApplicationScanBox(ctx, seen=lambda: records.seen_ids(ctx.db), parent=self)

        self.model = ApplicationTableModel(ctx.db, self)
        self.table = QTableView(self)
        self.table.setObjectName("applications_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in {at.COL_ID_NUMBER: 170, at.COL_UNION: 220, at.COL_STATUS: 160}.items():
            self.table.setColumnWidth(col, width)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(QLabel("状态", self))
        filters.addWidget(self.status_filter, 1)
        actions = QHBoxLayout()
        for button in (
            self.add_button,
            self.approve_button,
            self.reject_button,
            self.print_button,
            self.page_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.counts_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.scan_box)
        layout.addWidget(self.table, 1)

        self.search.search_changed.connect(lambda _t: self.apply_filter())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.add_button.clicked.connect(self.add_application)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        self.print_button.clicked.connect(self.print_form)
        self.page_button.clicked.connect(self.make_page)
        self.scan_box.scanned.connect(self.file_scanned)
        self.table.doubleClicked.connect(lambda _i: self.open_member())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.update_counts()
        self._update_buttons()

    # ---- state -----------------------------------------------------------------------

    def apply_filter(self) -> None:
        code = self.status_filter.code()
        self.model.set_filter(None if code == "all" else code, self.search.text().strip())

    def refresh(self) -> None:
        self.model.refresh()
        self.update_counts()

    def navigate(self, status: str | None = None, search: str | None = None, **_: Any) -> None:
        self.status_filter.blockSignals(True)
        self.status_filter.set_code(status or "all")
        self.status_filter.blockSignals(False)
        if search is not None:
            self.search.setText(search)
            self.search.flush()
        self.apply_filter()

    def update_counts(self) -> None:
        counts = queries.counts(self.ctx.db)
        self.counts_label.setText(
            "　".join(f"{APPLICATION_STATUS.label(c)} {n:,}" for c, n in counts.items())
        )

    def selected(self) -> ApplicationRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def select(self, application_id: str) -> None:
        row = self.model.row_of(application_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        row = self.selected()
        pending = row is not None and row.status == "submitted"
        self.approve_button.setEnabled(pending and not (row and row.current_member))
        self.reject_button.setEnabled(pending)
        self.print_button.setEnabled(row is not None)

    # ---- actions ---------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def add_application(self) -> None:
        from desktop.views.applications.application_dialog import ApplicationDialog

        self._open(ApplicationDialog(self.ctx, self))

    def approve(self) -> None:
        from desktop.views.applications.approve_dialog import ApproveDialog

        row = self.selected()
        if row is not None and row.status == "submitted":
            dialog = ApproveDialog(self.ctx, row, self)
            dialog.accepted.connect(self.scan_box.result.clear)  # its line is of the scan
            self._open(dialog)

    def reject(self) -> None:
        from desktop.views.applications.reject_dialog import RejectDialog

        row = self.selected()
        if row is not None and row.status == "submitted":
            self._open(RejectDialog(self.ctx, row.id, row.name, self))

    def open_member(self) -> None:
        """An approved application opens its member's page."""
        row = self.selected()
        if row is not None and row.member_id:
            from desktop.views.members.detail_dialog import MemberDetailDialog

            self._open(MemberDetailDialog(self.ctx, row.member_id, self))

    def make_page(self) -> None:
        from desktop.views.intake.page_dialog import ApplicationPageDialog

        self._open(ApplicationPageDialog(self.ctx, self))

    def file_scanned(self, scanned: ScannedApplication) -> None:
        """File what the scan box read (channel 扫码, 待审核) and show it selected."""
        try:
            application_id = records.file_scanned(
                self.ctx.db, scanned.values, scanned.draft.payload_id
            )
        except UnionDeskError as exc:
            self.scan_box.result.setStyleSheet(REFUSED_STYLE)
            self.scan_box.result.setText(exc.message)
            return
        self.ctx.changed("applications")
        self.navigate(status="submitted")
        self.select(application_id)

    def print_form(self) -> None:
        row = self.selected()
        if row is not None:
            self.ctx.navigate("printing", application_id=row.id)
