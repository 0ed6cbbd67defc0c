"""添加账号 (user name, name, role, sensitive data, password twice) and 重置密码
(a new password twice): the administrator's two password dialogs on 账号管理."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit, QWidget

from desktop import acting
from desktop.errors import UnionDeskError, ValidationError
from desktop.services.accounts import passwords, records
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets.form_dialog import lay_out_form


class AccountDialog(QDialog):
    """A new account (``username`` None) or a new password for ``username``."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, username: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reset_for = username
        self.saved: str | None = None
        self.password = password_edit(self, f"至少 {passwords.MIN_LENGTH} 位，不能全是数字")
        self.password_again = password_edit(self)
        self.editors: dict[str, QWidget] = {}
        labels: dict[str, str] = {}
        if username is None:
            self.setWindowTitle("添加账号")
            self.username = QLineEdit(self)
            self.username.setMaxLength(records.USERNAME_MAX)
            self.display_name = QLineEdit(self)
            self.display_name.setMaxLength(records.DISPLAY_NAME_MAX)
            self.role = QComboBox(self)
            for code in records.ROLES:
                self.role.addItem(acting.ROLE_LABELS[code], code)
            self.role.setCurrentIndex(records.ROLES.index(acting.STAFF))
            self.sensitive = QCheckBox("可查看困难帮扶等敏感信息", self)
            self.editors.update(
                username=self.username,
                display_name=self.display_name,
                role=self.role,
                sensitive=self.sensitive,
            )
            labels.update(username="用户名＊", display_name="姓名＊", role="角色", sensitive="")
        else:
            self.setWindowTitle(f"重置账号「{username}」的密码")
        self.editors.update(password=self.password, password_again=self.password_again)
        labels.update(password="密码＊", password_again="确认密码＊")
        self.errors, self.general = lay_out_form(self, labels, self.editors, self.save)
        self.setMinimumWidth(420)

    def save(self) -> None:
        for message in (*self.errors.values(), self.general):
            message.clear_message()
        password = self.password.text()
        if password != self.password_again.text():
            self.errors["password_again"].show_error("两次输入的密码不一致，请重新输入。")
            return
        try:
            if self.reset_for is not None:
                records.reset_password(self.ctx.db, self.reset_for, password)
                self.saved = self.reset_for
            else:
                made = records.add(
                    self.ctx.db,
                    self.username.text(),
                    self.display_name.text(),
                    password,
                    str(self.role.currentData()),
                    sensitive=self.sensitive.isChecked(),
                )
                self.saved = made.username
        except ValidationError as exc:
            field = "password" if exc.field == "new_password" else exc.field or ""
            self.errors.get(field, self.general).show_error(exc.message)
            return
        except UnionDeskError as exc:
            self.general.show_error(exc.message)
            return
        self.ctx.changed("accounts")
        self.accept()
