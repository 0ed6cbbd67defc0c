"""查看敏感信息: the clerk must give a reason first; it goes to the audit log.

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

from desktop.services.care.sensitive import MIN_REASON


class ReasonDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, printing: bool = False) -> None:
        super().__init__(parent)
        verb = "打印" if printing else "查看"
        self.setWindowTitle(f"{verb}敏感信息")
        note = QLabel(
            f"健康、残疾和收入属于敏感个人信息。请填写{verb}原因，原因和{verb}记录将写入操作日志。",
            self,
        )
        note.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("如：年度复核核对家庭收入")
        self.reason.setMaxLength(200)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(verb)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.ok.setEnabled(len(text.strip()) >= MIN_REASON)
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.reason.text().strip()


def ask_reason(parent: QWidget | None, *, printing: bool = False) -> str | None:
    """The reason typed, or None when the clerk cancelled."""
    dialog = ReasonDialog(parent, printing=printing)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
