"""审计记录 page: who did what and when, filtered by account, action, dates and text,
with 校验 checking the hash chain (``services.audit.verify``).

Administrators only once accounts exist: another account sees a notice instead of
the table (checked again at every refresh, so a sign-in as someone else is honoured).
The details hold no personal data by rule, so the table shows them as stored.
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.services import audit
from desktop.views.context import AppContext
from desktop.views.qtmodels.audit_table import COL_DETAIL, AuditTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.dates import day_of

#: Rows shown at most (newest first); narrow the filters to see older ones.
SHOWN = 1000


def create_page(ctx: AppContext) -> QWidget:
    return AuditPage(ctx)


class AuditPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_combo = QComboBox(self)
        self.action_combo = QComboBox(self)
        self.action_combo.addItem("全部操作", None)
        for code, label in audit.ACTION_LABELS.items():
            self.action_combo.addItem(label, code)
        self.by_date = QCheckBox("按日期", self)
        today = ctx.db.clock.today()
        self.since_edit = QDateEdit(QDate(today.year, today.month, 1), self)
        self.until_edit = QDateEdit(QDate(today.year, today.month, today.day), self)
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText("说明中的文字")
        self.text_edit.setClearButtonEnabled(True)
        self.verify_button = QPushButton("校验", self)
        self.verify_button.setToolTip("检查审计记录是否被改动、删除、调换顺序或截去末尾")
        self.count_label = QLabel(self)
        self.verdict_label = QLabel(self)
        self.verdict_label.setWordWrap(True)
        self.model = AuditTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)

        bar = QHBoxLayout()
        for label, widget in (
            ("账号", self.account_combo),
            ("操作", self.action_combo),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.by_date)
        bar.addWidget(self.since_edit)
        bar.addWidget(QLabel("至", self))
        bar.addWidget(self.until_edit)
        bar.addWidget(self.text_edit, 1)
        bar.addWidget(self.verify_button)
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(bar)
        inner.addWidget(self.verdict_label)
        inner.addWidget(self.table, 1)
        inner.addWidget(self.count_label)
        self.denied = QLabel("审计记录只有管理员可以查看。请用管理员账号登录。", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(content)
        self.stack.addWidget(self.denied)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self.account_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.action_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.by_date.toggled.connect(self._dates_toggled)
        self.since_edit.dateChanged.connect(lambda _d: self.reload())
        self.until_edit.dateChanged.connect(lambda _d: self.reload())
        self.text_edit.textChanged.connect(lambda _t: self.reload())
        self.verify_button.clicked.connect(self.verify)
        self.refresh()

    # ---- area protocol ---------------------------------------------------------------

    def allowed(self) -> bool:
        return acting.current().may(acting.ADMINISTER)

    def refresh(self) -> None:
        """Re-check who is signed in, refill the account list, reload the table."""
        if not self.allowed():
            self.model.set_rows([])
            self.stack.setCurrentWidget(self.denied)
            return
        self.stack.setCurrentIndex(0)
        keep = self.account_combo.currentData()
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        self.account_combo.addItem("全部账号", None)
        for name in audit.accounts(self.ctx.db):
            self.account_combo.addItem(name, name)
        self.account_combo.setCurrentIndex(max(self.account_combo.findData(keep), 0))
        self.account_combo.blockSignals(False)
        self.reload()

    # ---- filters ---------------------------------------------------------------------

    def current_filter(self) -> audit.AuditFilter:
        dated = self.by_date.isChecked()
        return audit.AuditFilter(
            account=self.account_combo.currentData(),
            action=self.action_combo.currentData(),
            since=day_of(self.since_edit.date()) if dated else None,
            until=day_of(self.until_edit.date()) if dated else None,
            text=self.text_edit.text().strip() or None,
            limit=SHOWN,
        )

    def reload(self) -> None:
        if not self.allowed():
            self.refresh()
            return
        rows = audit.entries(self.ctx.db, self.current_filter())
        self.model.set_rows(rows)
        more = "（只显示最新的，请缩小筛选范围）" if len(rows) >= SHOWN else ""
        self.count_label.setText(f"共 {len(rows)} 条{more}")

    def _dates_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on)
        self.until_edit.setEnabled(on)
        self.reload()

    # ---- 校验 -------------------------------------------------------------------------

    def verify(self) -> None:
        verdict = audit.verify(self.ctx.db)
        self.verdict_label.setText(verdict.message)
        if verdict.ok:
            messages.inform(self, "校验审计记录", verdict.message)
        else:
            messages.warn(self, "校验审计记录", verdict.message)
