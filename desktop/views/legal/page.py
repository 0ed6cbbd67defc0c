"""法律援助 page: the case list (filters by status and type, phones masked) beside the
case page of the selected case; 受理新案件 and 编辑案件 open the intake form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import LEGAL_CASE_STATUS, LEGAL_CASE_TYPE
from desktop.services.legal import cases
from desktop.views.context import AppContext
from desktop.views.legal.case_dialog import CaseDialog
from desktop.views.legal.case_panel import CasePanel
from desktop.views.qtmodels import legal_table as lt
from desktop.views.qtmodels.legal_table import LegalCaseTableModel
from desktop.views.widgets import tables
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.tables import select_row

_STATUS_CHOICES = [("open", "未结案"), ("all", "全部状态"), *LEGAL_CASE_STATUS]
_TYPE_CHOICES = [("all", "全部类型"), *LEGAL_CASE_TYPE]


def create_page(ctx: AppContext) -> QWidget:
    return LegalPage(ctx)


class LegalPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.status_filter = CodeCombo(_STATUS_CHOICES, self, blank=None)
        self.status_filter.set_code("all")
        self.type_filter = CodeCombo(_TYPE_CHOICES, self, blank=None)
        self.add_button = QPushButton("受理新案件", self)
        self.edit_button = QPushButton("编辑案件", self)
        self.count_label = QLabel(self)
        self.message = FieldMessage(self)
        self.model = LegalCaseTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("legal_cases_table")
        self.table.setModel(self.model)
        tables.record_list(self.table)
        self.table.setAlternatingRowColors(True)
        self.panel = CasePanel(ctx, self)

        bar = QHBoxLayout()
        for label, combo in (("状态", self.status_filter), ("类型", self.type_filter)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(combo)
        bar.addSpacing(16)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        for combo in (self.status_filter, self.type_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.edit_case)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_case())
        self.panel.changed.connect(self._panel_changed)
        self.refresh()

    # ---- area protocol ---------------------------------------------------------------

    def refresh(self) -> None:
        keep = self.selected_id()
        status = self.status_filter.code()
        kind = self.type_filter.code()
        rows = cases.list_cases(
            self.ctx.db,
            status=None if status in ("all", "open") else status,
            case_type=None if kind == "all" else kind,
            open_only=status == "open",
        )
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 件")
        if keep is not None:
            self.select_case(keep)
        self._selected()

    def navigate(self, **params: Any) -> None:
        """Click-throughs: case_id (selects it), status."""
        if "status" in params:
            self.status_filter.set_code(params["status"] or "all")
        if params.get("case_id"):
            self.select_case(str(params["case_id"]))

    # ---- selection -------------------------------------------------------------------

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return None if not rows else rows[0].data(lt.ID_ROLE)

    def select_case(self, case_id: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.id == case_id:
                select_row(self.table, i)
                return

    def _selected(self) -> None:
        case_id = self.selected_id()
        self.edit_button.setEnabled(case_id is not None)
        try:
            self.panel.set_case(case_id)
        except UnionDeskError as exc:  # deleted meanwhile (by sync)
            self.message.show_error(exc.message)

    def _panel_changed(self) -> None:
        self.refresh()
        self.ctx.changed("legal")

    # ---- actions ---------------------------------------------------------------------

    def _open(self, dialog: CaseDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, record: Any) -> None:
        self.status_filter.set_code("all")
        self.refresh()
        self.select_case(record.id)
        self.ctx.changed("legal")

    def add_case(self) -> None:
        self._open(CaseDialog(self.ctx, self))

    def edit_case(self) -> None:
        case_id = self.selected_id()
        if case_id is None:
            return
        self._open(CaseDialog(self.ctx, self, editing=cases.get_case(self.ctx.db, case_id)))
