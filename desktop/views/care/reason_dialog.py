"""查看敏感信息: the clerk must give a reason first; it goes to the audit log.

Also asked before full ID numbers and phones are shown (the printing page), with its
own wording (``UNMASK_NOTE``).

``ask_reason`` is the seam the file page calls (tests replace it); the dialog itself
keeps 确定 disabled until a reason of at least two characters is typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services import audit
from desktop.services.care.sensitive import MIN_REASON
from desktop.views.widgets.form_dialog import ok_cancel_buttons

SENSITIVE_NOTE = "健康、残疾和收入属于敏感个人信息。请填写查看原因，原因和查看记录将写入操作日志。"
#: For full ID numbers and phones (the printing page's 显示完整身份证号和手机号).
#: For printing them on the 困难职工登记表.
PRINT_NOTE = "健康、残疾和收入属于敏感个人信息。请填写打印原因，原因和打印记录将写入操作日志。"
UNMASK_NOTE = "完整的身份证号和手机号属于个人信息。请填写原因，原因和查看记录将写入审计记录。"


class ReasonDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str = "查看敏感信息",
        note_text: str = SENSITIVE_NOTE,
        example: str = "如：年度复核核对家庭收入",
        ok_text: str = "查看",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        note = QLabel(note_text, self)
        note.setWordWrap(True)
        # the reason stays in the audit trail, which an erasure does not rewrite
        self.hint = QLabel(audit.REASON_HINT, self)
        self.hint.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(example)
        self.reason.setMaxLength(200)
        self.buttons = ok_cancel_buttons(self, ok_text, self.accept)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.ok.setEnabled(len(text.strip()) >= MIN_REASON)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.hint)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.reason.text().strip()


def ask_reason(parent: QWidget | None, **wording: str) -> str | None:
    """The reason typed, or None when the clerk cancelled (``wording``: the dialog's
    title, note_text, example and ok_text, for uses other than viewing care data)."""
    dialog = ReasonDialog(parent, **wording)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
