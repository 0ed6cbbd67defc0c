"""账号管理: the office's accounts (administrators only).

A table of accounts and the administrator's actions on the selected one: 添加账号,
重置密码, 停用 / 启用, and its role and sensitive-data permission. Every action goes
through ``services.accounts.records`` (which refuses a non-administrator, and never lets
the last active administrator be disabled or demoted); a refusal shows its message.
Before any account exists the page offers to create the first administrator.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.services.accounts import records
from desktop.views.accounts.account_dialog import AccountDialog
from desktop.views.accounts.first_admin import FirstAdminFields
from desktop.views.context import AppContext
from desktop.views.qtmodels.account_table import AccountTableModel, status_of
from desktop.views.widgets import messages


def create_page(ctx: AppContext) -> QWidget:
    acting.require(acting.ADMINISTER)  # a refusal becomes the page's message
    return AccountsPage(ctx)


class FirstAdminDialog(QDialog):
    """The first administrator for a registry that predates accounts."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("创建管理员账号")
        intro = QLabel(
            "本机还没有账号。创建管理员账号后，每次启动都要登录，"
            "管理员可以在「账号管理」中为其他人添加账号。",
            self,
        )
        intro.setWordWrap(True)
        self.fields = FirstAdminFields(ctx, self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self.fields.make_account():
            self.accept()


class AccountsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.empty = QLabel("本机还没有账号：任何人打开本程序都不需要登录。", self)
        self.first_button = QPushButton("创建管理员账号…", self)
        self.first_button.clicked.connect(self.create_first)
        self.model = AccountTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton("添加账号…", self)
        self.reset_button = QPushButton("重置密码…", self)
        self.disable_button = QPushButton("停用", self)
        self.enable_button = QPushButton("启用", self)
        self.role = QComboBox(self)
        for code in records.ROLES:
            self.role.addItem(acting.ROLE_LABELS[code], code)
        self.sensitive = QCheckBox("可查看敏感信息", self)
        self.role_button = QPushButton("保存角色和权限", self)
        self.add_button.clicked.connect(self.add_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.disable_button.clicked.connect(lambda: self.set_disabled(True))
        self.enable_button.clicked.connect(lambda: self.set_disabled(False))
        self.role_button.clicked.connect(self.save_role)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())

        first = QHBoxLayout()
        first.addWidget(self.empty)
        first.addWidget(self.first_button)
        first.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.disable_button, self.enable_button):
            actions.addWidget(button)
        actions.addSpacing(24)
        actions.addWidget(QLabel("角色", self))
        actions.addWidget(self.role)
        actions.addWidget(self.sensitive)
        actions.addWidget(self.role_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(first)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        self.refresh()

    # -- reading -------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected()
        none_yet = not records.exist(self.ctx.db)
        self.empty.setVisible(none_yet)
        self.first_button.setVisible(none_yet)
        accounts = [] if none_yet else records.list_accounts(self.ctx.db)
        self.model.set_accounts(accounts, self.ctx.db.clock.utcnow())
        self.add_button.setEnabled(not none_yet)
        if selected is not None:
            self.select(selected.username)
        self._selected()

    def selected(self) -> records.AccountRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.account(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        row = self.model.row_of(username)
        if row >= 0:
            self.table.selectRow(row)

    def _selected(self) -> None:
        account = self.selected()
        has = account is not None
        for widget in (self.reset_button, self.role, self.sensitive, self.role_button):
            widget.setEnabled(has)
        self.disable_button.setEnabled(has and account is not None and not account.disabled)
        locked = account is not None and status_of(account, self.ctx.db.clock.utcnow()) == "已锁定"
        self.enable_button.setEnabled(account is not None and (account.disabled or locked))
        self.enable_button.setText("解除锁定" if locked else "启用")
        if account is not None:
            self.role.setCurrentIndex(records.ROLES.index(account.role))
            self.sensitive.setChecked(account.sensitive)

    # -- actions -------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        saved = getattr(dialog, "saved", None)
        self.refresh()
        if saved:
            self.select(saved)

    def create_first(self) -> None:
        dialog = FirstAdminDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self.ctx.changed("accounts"))
        self._open(dialog)

    def add_account(self) -> None:
        self._open(AccountDialog(self.ctx, self))

    def reset_password(self) -> None:
        account = self.selected()
        if account is not None:
            self._open(AccountDialog(self.ctx, self, username=account.username))

    def _apply(self, title: str, change: Any) -> None:
        account = self.selected()
        if account is None:
            return
        try:
            change(account.username)
        except UnionDeskError as exc:
            messages.warn(self, title, exc.message)
        self.ctx.changed("accounts")
        self.refresh()

    def set_disabled(self, disabled: bool) -> None:
        title = "停用账号" if disabled else "启用账号"
        self._apply(title, lambda name: records.set_disabled(self.ctx.db, name, disabled))

    def save_role(self) -> None:
        role = str(self.role.currentData())
        sensitive = self.sensitive.isChecked()

        def change(name: str) -> None:
            records.set_role(self.ctx.db, name, role)
            records.set_sensitive(self.ctx.db, name, sensitive)

        self._apply("修改角色", change)
