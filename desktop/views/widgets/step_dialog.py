"""The shell shared by the import wizards: a stack of pages over a row of step buttons.

Each wizard adds its pages and decides which buttons show on which page; the layout,
the button row and how a failed background step is reported to the clerk live here once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.progress import Cancelled
from desktop.views.widgets import messages


class StepDialog(QDialog):
    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        next_text: str = "下一步",
        commit_text: str = "导入",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.stack = QStackedWidget()
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton(next_text)
        self.import_button = QPushButton(commit_text)
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)
            # Enter presses only the button chosen by ``update_default``, never 上一步
            # (QDialog would otherwise take the first push button, or the focused one).
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.close_button.clicked.connect(self.close)

    def update_default(self) -> None:
        """Make the step that moves on the default: 导入, else 下一步, else 关闭/完成.

        Each wizard calls this at the end of its ``show_page`` (visibility decides).
        """
        for button in (self.import_button, self.next_button, self.close_button):
            if button.isVisibleTo(self):
                button.setDefault(True)
                return

    def add_pages(self, *pages: QWidget) -> None:
        for page in pages:
            self.stack.addWidget(page)

    def failure_handler(
        self, title: str, *, announce_cancel: bool = False
    ) -> Callable[[BaseException], None]:
        """on_error for ctx.runner: the Chinese reason, or a plain note when cancelled."""

        def show(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                if announce_cancel:
                    messages.inform(self, title, exc.message)
                return
            text = exc.message if isinstance(exc, UnionDeskError) else f"意外错误：{exc!r}"
            messages.error(self, title, text)

        return show
