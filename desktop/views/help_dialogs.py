"""帮助 menu: the offline usage guide and 关于 (version, data folder, licences).

Both read their text from ``resources/help`` (shipped with the program), so they work
on a PC that is never online; nothing here opens a web page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_TITLE, __version__
from desktop.resources import resources_dir
from desktop.views.widgets import messages


def help_dir() -> Path:
    return resources_dir() / "help"


def read_help_text(name: str) -> str | None:
    try:
        return (help_dir() / name).read_text(encoding="utf-8")
    except OSError:
        return None


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    return buttons


def fit_height(dialog: QDialog, wanted: int) -> None:
    """No taller than the screen's free area (a 768-pixel laptop)."""
    screen = dialog.screen()
    limit = screen.availableGeometry().height() - 60 if screen is not None else wanted
    dialog.resize(dialog.width(), min(wanted, limit))


class HelpDialog(QDialog):
    """使用说明: the Chinese guide to the daily tasks (resources/help/help.md)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        text = read_help_text("help.md")
        if text is None:
            self.browser.setPlainText(
                "未找到使用说明文件（resources/help/help.md），请重新安装本程序。"
            )
        else:
            self.browser.setMarkdown(text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(_close_buttons(self))
        self.resize(720, 640)
        fit_height(self, 640)


class AboutDialog(QDialog):
    """关于: version, where the data lives (with a button to open it), licences."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setWindowTitle("关于")  # Qt adds " — 工会桌面通"
        title = QLabel(f"<b>{APP_TITLE}</b>（UnionDesk）　版本 {__version__}", self)
        title.setTextFormat(Qt.TextFormat.RichText)
        blurb = QLabel(
            "面向基层工会联合会的离线会员管理软件。数据只保存在本机的数据文件夹中。", self
        )
        blurb.setWordWrap(True)
        self.folder_label = QLabel(str(data_dir), self)
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.open_button = QPushButton("打开数据文件夹", self)
        self.open_button.clicked.connect(self.open_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("数据文件夹：", self))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_button)
        self.licences = QTextBrowser(self)
        self.licences.setPlainText(
            read_help_text("LICENSES.txt")
            or "未找到许可协议文件（resources/help/LICENSES.txt），请重新安装本程序。"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(folder_row)
        layout.addWidget(QLabel("许可协议：", self))
        layout.addWidget(self.licences, 1)
        layout.addWidget(_close_buttons(self))
        self.resize(680, 560)
        fit_height(self, 560)

    def open_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir))):
            messages.warn(
                self,
                "无法打开数据文件夹",
                f"系统没有打开文件夹的程序。数据文件夹在：\n{self.data_dir}",
            )
