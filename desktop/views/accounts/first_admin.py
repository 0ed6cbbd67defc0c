"""The first-run step that makes the office's first account, an administrator.

Shown inside the first-run dialog while no account exists. ``make_account`` makes the account
and signs it in (the window that follows opens as this administrator); refused input
is shown under its field and nothing is written.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from desktop.errors import UnionDeskError, ValidationError
from desktop.services.accounts import passwords, records, signin
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage


def field_cell(editor: QWidget, message: FieldMessage) -> QVBoxLayout:
    cell = QVBoxLayout()
    cell.setSpacing(2)
    cell.addWidget(editor)
    cell.addWidget(message)
    return cell


class FirstAdminFields(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("管理员账号（以后用它登录，可添加其他人的账号）", parent)
        self.ctx = ctx
        self.done = records.exist(ctx.db)  # someone made one already (the command line)
        self.username = QLineEdit(self)
        self.username.setMaxLength(records.USERNAME_MAX)
        self.username.setPlaceholderText("如 admin 或姓名拼音")
        self.display_name = QLineEdit(self)
        self.display_name.setMaxLength(records.DISPLAY_NAME_MAX)
        self.display_name.setPlaceholderText("管理员的姓名，显示在状态栏和操作日志中")
        self.password = password_edit(self, f"至少 {passwords.MIN_LENGTH} 位，不能全是数字")
        self.password_again = password_edit(self, "再输入一次")
        self.errors = {
            name: FieldMessage(self, one_line=True)
            for name in ("username", "display_name", "password", "password_again")
        }
        self.general = FieldMessage(self)
        form = QFormLayout(self)
        for label, name in (
            ("用户名＊", "username"),
            ("姓名＊", "display_name"),
            ("密码＊", "password"),
            ("确认密码＊", "password_again"),
        ):
            editor: QLineEdit = getattr(self, name)
            self.errors[name].clear_when_edited(editor)
            form.addRow(label, field_cell(editor, self.errors[name]))
        form.addRow(self.general)
        self.setVisible(not self.done)

    def editors(self) -> list[QLineEdit]:
        """The fields in the order they are filled (for the dialog's Tab order)."""
        return [self.username, self.display_name, self.password, self.password_again]

    def make_account(self) -> bool:
        """Make the administrator and sign in; False (with messages) when refused."""
        if self.done:
            return True
        for message in (*self.errors.values(), self.general):
            message.clear_message()
        password = self.password.text()
        if password != self.password_again.text():
            self.errors["password_again"].show_error("两次输入的密码不一致，请重新输入。")
            return False
        try:
            made = records.create_first_admin(
                self.ctx.db, self.username.text(), self.display_name.text(), password
            )
            signin.sign_in(self.ctx.db, made.username, password)
        except ValidationError as exc:
            self.errors.get(exc.field or "", self.general).show_error(exc.message)
            return False
        except UnionDeskError as exc:
            self.general.show_error(exc.message)
            return False
        self.done = True
        self.password.clear()
        self.password_again.clear()
        self.setEnabled(False)
        return True
