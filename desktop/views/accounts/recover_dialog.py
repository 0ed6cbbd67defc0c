"""忘记密码: an administrator's new password, proven by the office's recovery key.

Opened from the login dialog. The recovery key (kept in the safe since the first start)
stands in for an administrator's sign-in, so an office whose only administrator forgot
the password is not locked out of its own registry (``records.reset_with_recovery_key``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from desktop.errors import UnionDeskError, ValidationError
from desktop.services.accounts import passwords, records
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.form_dialog import lay_out_form


class RecoverPasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("忘记管理员密码")
        self.username = QLineEdit(username, self)
        self.username.setMaxLength(32)
        self.recovery_key = password_edit(self, "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.new_password = password_edit(self, f"至少 {passwords.MIN_LENGTH} 位，不能全是数字")
        self.new_again = password_edit(self)
        self.editors: dict[str, QWidget] = {
            "username": self.username,
            "recovery_key": self.recovery_key,
            "new_password": self.new_password,
            "new_again": self.new_again,
        }
        labels = {
            "username": "管理员用户名",
            "recovery_key": "恢复密钥",
            "new_password": "新密码",
            "new_again": "确认新密码",
        }
        self.errors, self.general = lay_out_form(self, labels, self.editors, self.save)
        self.general.show_hint("用第一次启动时保存的恢复密钥，为管理员设置新密码。")
        self.setMinimumWidth(460)

    def save(self) -> None:
        for message in (*self.errors.values(), self.general):
            message.clear_message()
        name = self.username.text().strip()
        if not name:
            self.errors["username"].show_error("请填写管理员的用户名。")
            return
        if not self.recovery_key.text().strip():
            self.errors["recovery_key"].show_error("请输入恢复密钥。")
            return
        new = self.new_password.text()
        if new != self.new_again.text():
            self.errors["new_again"].show_error("两次输入的新密码不一致，请重新输入。")
            return
        try:
            made = records.reset_with_recovery_key(self.ctx.db, name, self.recovery_key.text(), new)
        except ValidationError as exc:
            self.errors.get(exc.field or "", self.general).show_error(exc.message)
            return
        except UnionDeskError as exc:
            self.general.show_error(exc.message)
            return
        messages.inform(
            self, "忘记管理员密码", f"已为管理员「{made.username}」设置新密码，请用新密码登录。"
        )
        self.accept()
