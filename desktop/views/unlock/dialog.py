"""解锁数据库: an administrator's password or the recovery key unwraps the database key.

Nothing is opened or written until the key is right: a wrong password or recovery key
is said under the field, and the dialog stays open for another try.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import Paths
from desktop.errors import UnionDeskError
from desktop.storage import keys
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import ok_cancel_buttons


class UnlockDialog(QDialog):
    """``ring_file``: a backup's ``.keys.json`` (a backup from another PC, before it is
    restored here) instead of the data dir's ``keys.json``."""

    def __init__(
        self, paths: Paths, parent: QWidget | None = None, *, ring_file: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.paths, self.ring_file = paths, ring_file
        #: The administrator whose password unlocked (None: the recovery key, or not yet).
        self.unlocked_by: str | None = None
        if ring_file is None:
            self.setWindowTitle("解锁数据库")
            text = (
                "这个数据库已加密，但本机没有它的密钥：数据文件夹可能是从另一台电脑移过来的，"
                "或是在新电脑上从备份恢复的。请输入一位管理员的用户名和密码，或输入恢复密钥。"
                "解锁后本机会记住密钥，以后打开不再询问。"
            )
        else:
            self.setWindowTitle("解锁备份")
            text = (
                f"备份 {ring_file.name.removesuffix('.keys.json')} 来自另一台电脑或另一个数据目录，"
                "本机没有它的密钥。请输入写入这份备份时的一位管理员的用户名和密码，"
                "或输入那时的恢复密钥。解锁后即可用它恢复。"
            )
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        users = keys.password_users(paths, ring_file=ring_file)
        self.by_password = QRadioButton("管理员密码", self)
        self.by_recovery = QRadioButton("恢复密钥", self)
        self.user = QComboBox(self)
        self.user.setEditable(True)
        self.user.addItems(users)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery = QLineEdit(self)
        self.recovery.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.error = FieldMessage(self)
        self.error.clear_when_edited(self.password)
        self.error.clear_when_edited(self.recovery)
        (self.by_password if users else self.by_recovery).setChecked(True)
        self.by_password.toggled.connect(self._mode_changed)

        form = QFormLayout()
        form.addRow(self.by_password)
        form.addRow("用户名", self.user)
        form.addRow("密码", self.password)
        form.addRow(self.by_recovery)
        form.addRow("恢复密钥", self.recovery)
        buttons = ok_cancel_buttons(
            self, "解锁", self.unlock, cancel_text="退出" if ring_file is None else "取消"
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self._mode_changed()

    def _mode_changed(self) -> None:
        password = self.by_password.isChecked()
        self.user.setEnabled(password)
        self.password.setEnabled(password)
        self.recovery.setEnabled(not password)
        self.error.clear_message()

    def unlock(self) -> None:
        """Try the secret; on success the key is kept for this installation."""
        self.error.clear_message()
        try:
            if self.by_password.isChecked():
                user = self.user.currentText().strip()
                if not user:
                    self.error.show_error("请填写管理员的用户名。")
                    return
                keys.unlock_with_password(
                    self.paths, user, self.password.text(), ring_file=self.ring_file
                )
                self.unlocked_by = user
            else:
                if not self.recovery.text().strip():
                    self.error.show_error("请输入恢复密钥。")
                    return
                keys.unlock_with_recovery_key(
                    self.paths, self.recovery.text(), ring_file=self.ring_file
                )
        except UnionDeskError as exc:
            self.password.clear()
            self.error.show_error(exc.message)
            return
        self.accept()
