"""修改密码: the signed-in account's own password (old one, new one twice)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop import acting
from desktop.errors import UnionDeskError, ValidationError
from desktop.services.accounts import passwords, records
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.form_dialog import lay_out_form


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = acting.current()
        self.setWindowTitle("修改密码")
        self.old_password = password_edit(self)
        self.new_password = password_edit(self, f"至少 {passwords.MIN_LENGTH} 位，不能全是数字")
        self.new_again = password_edit(self)
        self.editors: dict[str, QWidget] = {
            "old_password": self.old_password,
            "new_password": self.new_password,
            "new_again": self.new_again,
        }
        labels = {"old_password": "原密码", "new_password": "新密码", "new_again": "确认新密码"}
        self.errors, self.general = lay_out_form(self, labels, self.editors, self.save)
        self.setMinimumWidth(400)

    def save(self) -> None:
        for message in (*self.errors.values(), self.general):
            message.clear_message()
        new = self.new_password.text()
        if new != self.new_again.text():
            self.errors["new_again"].show_error("两次输入的新密码不一致，请重新输入。")
            return
        try:
            records.change_password(self.ctx.db, self.actor.username, self.old_password.text(), new)
        except ValidationError as exc:
            self.errors.get(exc.field or "", self.general).show_error(exc.message)
            return
        except UnionDeskError as exc:
            self.general.show_error(exc.message)
            return
        messages.inform(self, "修改密码", "密码已修改，下次登录请使用新密码。")
        self.accept()
