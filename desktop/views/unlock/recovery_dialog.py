"""The recovery key, shown once: large, selectable, with 复制 and 打印, and no way past it
until the clerk says it is kept.

A message box showed it before: easy to click away with the key unread, and nothing to
print it with. Printing goes straight to a printer through Qt's print dialog (a sheet
with the office, the date and the key), so no file holding the key is written unless the
clerk chooses "print to file" there. Copying puts it on the clipboard, for a password
manager; the dialog says to clear it afterwards.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

KEPT_TEXT = "我已把恢复密钥抄写或打印好，保存在电脑以外的安全地方"
ADVICE = (
    "请立即把它抄写或打印出来，保存在电脑以外的安全地方（例如单位保险柜）。它只显示这一次，"
    "本程序不保存它的明文。数据文件夹被移到另一台电脑、或在新电脑上从备份恢复时，"
    "需要输入管理员密码或这个恢复密钥；两者都没有，数据将无法读取。"
    "（以后可以用 uniondesk recovery-key 生成新的恢复密钥，旧的随之作废。）"
)


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The seam tests replace: Qt's print dialog; None when the clerk cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


def sheet_html(code: str, office: str, made: datetime) -> str:
    """The printed sheet: what the key is for, the key itself, where it was made."""
    return (
        "<h2>工会桌面通 数据库恢复密钥</h2>"
        f"<p>单位：{escape(office) or '（未填写）'}<br>生成时间：{made:%Y-%m-%d %H:%M}</p>"
        "<p style='font-size:16pt; font-family:monospace; white-space:pre'>"
        f"<b>{escape(code)}</b></p>"
        f"<p>{escape(ADVICE)}</p>"
    )


class RecoveryKeyDialog(QDialog):
    """The once-only recovery key; 完成 is enabled once the clerk ticks that it is kept."""

    def __init__(
        self, parent: QWidget | None, code: str, *, office: str = "", made: datetime
    ) -> None:
        super().__init__(parent)
        self.code, self.office, self.made = code, office, made
        self.setWindowTitle("请保存恢复密钥")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这台电脑上的数据库已加密。它的恢复密钥是：", self))
        self.key_label = QLabel(code, self)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(max(mono.pointSize(), 10) + 6)
        mono.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(mono)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key_label)
        advice = QLabel(ADVICE, self)
        advice.setWordWrap(True)
        layout.addWidget(advice)

        actions = QHBoxLayout()
        self.copy_button = QPushButton("复制", self)
        self.copy_button.clicked.connect(self.copy)
        self.print_button = QPushButton("打印…", self)
        self.print_button.clicked.connect(self.print_sheet)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.kept = QCheckBox(KEPT_TEXT, self)
        layout.addWidget(self.kept)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.done_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText("完成")
        self.done_button.setEnabled(False)
        self.kept.toggled.connect(self.done_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.status.setText("已复制到剪贴板。粘贴到安全的地方后，请复制别的内容把它覆盖掉。")

    def print_sheet(self) -> None:
        printer = ask_printer(self)
        if printer is None:
            return
        self.send_to(printer)

    def send_to(self, printer: QPrinter) -> None:
        document = QTextDocument()
        document.setHtml(sheet_html(self.code, self.office, self.made))
        document.print_(printer)
        self.status.setText("已发送到打印机。请确认打印出来的密钥清晰完整。")

    def reject(self) -> None:
        """Esc and the close button do nothing until the key is kept: once it is gone
        from the screen it can never be shown again."""
        if self.kept.isChecked():
            super().reject()
