"""删除个人信息 (PIPL Art. 47) from the member's page, for administrators.

Explains what is erased and that it cannot be undone, asks the reason, and enables the
删除 button only once the member's name is typed exactly. Then it shows what was blanked
and the backups that still hold the person, with the date rotation removes each.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.erasure import ERASURE_REASON
from desktop.services.erasure import backups
from desktop.services.erasure import records as erasure
from desktop.services.members import registry as members
from desktop.views.context import AppContext
from desktop.views.widgets import messages


class EraseDialog(QDialog):
    def __init__(self, ctx: AppContext, member_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.erased = False
        self._name = members.get(ctx.db, member_id).name
        self.setWindowTitle("删除个人信息")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        self.explain = QLabel(erasure.WHAT_IS_ERASED, self)
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        form = QFormLayout()
        self.reason = QComboBox(self)
        for code, label in ERASURE_REASON:
            self.reason.addItem(label, code)
        form.addRow("删除原因", self.reason)
        self.typed = QLineEdit(self)
        self.typed.setPlaceholderText("请输入该会员的姓名以确认")
        form.addRow("确认姓名", self.typed)
        layout.addLayout(form)
        self.result_text = QPlainTextEdit(self)
        self.result_text.setReadOnly(True)
        self.result_text.hide()
        layout.addWidget(self.result_text, 1)
        self.buttons = QDialogButtonBox(self)
        self.erase_button = self.buttons.addButton(
            "删除", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.close_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.erase)
        self.close_button.clicked.connect(self._close)
        layout.addWidget(self.buttons)
        self.typed.textChanged.connect(self._check_name)

    def _check_name(self, text: str) -> None:
        self.erase_button.setEnabled(not self.erased and text.strip() == self._name)

    def erase(self) -> None:
        if self.typed.text().strip() != self._name:
            return
        try:
            result = erasure.erase(self.ctx.db, self.member_id, self.reason.currentData())
        except UnionDeskError as exc:
            messages.error(self, "未能删除个人信息", exc.message)
            return
        self.erased = True
        self.typed.clear()
        self.typed.setEnabled(False)
        self.reason.setEnabled(False)
        self.erase_button.setEnabled(False)
        self.close_button.setText("关闭")
        held = backups.describe(result.backups, file_backups=result.file_backups)
        self.result_text.setPlainText("\n".join([erasure.summary(result), *held]))
        self.result_text.show()

    def _close(self) -> None:
        if self.erased:
            self.accept()
        else:
            self.reject()
