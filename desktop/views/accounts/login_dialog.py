"""The log-in dialog: user name, password, 登录 (Enter) or 退出.

It only checks the password (``signin.authenticate``) and keeps the account in
``actor``; whoever opened it decides what signing in means (the start of the window,
the account after a sign-out). A refusal shows the service's message — the same for a
wrong name and a wrong password, minutes left for a locked account — and clears the
password.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.services.accounts import signin
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import ok_cancel_buttons


class LoginDialog(QDialog):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, username: str = ""
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: acting.Actor | None = None
        self.setWindowTitle("登录")
        hub = ctx.db.paths.database_url is not None  # the hub has no recovery key
        intro = QLabel(
            "请输入账号和密码登录。忘记密码请联系总库的管理员重置。"
            if hub
            else "请输入账号和密码登录。忘记密码请联系本单位的管理员重置；"
            "管理员忘记密码可用恢复密钥设置新密码（忘记密码…）。",
            self,
        )
        intro.setWordWrap(True)
        self.username = QLineEdit(self)
        self.username.setMaxLength(32)
        self.username.setText(username)
        self.password = password_edit(self)
        self.message = FieldMessage(self)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        buttons = ok_cancel_buttons(self, "登录", self.submit, cancel_text="退出")
        self.forgot_button = buttons.addButton("忘记密码…", QDialogButtonBox.ButtonRole.ResetRole)
        self.forgot_button.setToolTip("管理员忘记密码：用本单位的恢复密钥设置新密码")
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.clicked.connect(self.forgot)
        self.forgot_button.setVisible(not hub)
        self.login_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setDefault(True)  # Enter in either field signs in
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        (self.password if username else self.username).setFocus()

    def forgot(self) -> None:
        from desktop.views.accounts.recover_dialog import RecoverPasswordDialog

        self.recover = RecoverPasswordDialog(self.ctx, self, self.username.text().strip())
        if recover_answer(self.recover):
            self.username.setText(self.recover.username.text().strip())
            self.password.clear()
            self.password.setFocus()

    def submit(self) -> None:
        self.message.clear_message()
        try:
            self.actor = signin.authenticate(
                self.ctx.db, self.username.text(), self.password.text()
            )
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


def recover_answer(dialog: QDialog) -> bool:
    """The seam tests replace: run the recovery dialog, True when a password was set."""
    return dialog.exec() == QDialog.DialogCode.Accepted
