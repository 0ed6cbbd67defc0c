"""The window's wait for another writer (``storage.write_wait``'s policy for the GUI).

When a save meets a command or another window writing the same data dir, the first
second passes quietly (most writes are that short); then a small modal dialog says what
is happening and offers 取消. Cancelling gives up before the transaction began, so the
database is exactly as it was and the page shows the refusal's message
(``write_wait.WriteCancelled``), never "database is locked".

While the dialog is up, the wait turns Qt's event loop in short rounds so the dialog
paints and its button works; the dialog is application-modal, so no other window takes
input meanwhile. A write on a worker thread (a long task with its own progress dialog
and cancel) keeps the engine's old behaviour: it waits up to the busy timeout, then the
task fails with the busy message.
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, Qt, QThread, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.storage import database, write_wait

WAIT_TEXT = "另一个窗口或命令正在写入这个数据目录，正在等待它完成……"
#: Seconds of quiet waiting before the dialog appears.
SHOW_AFTER = 1.0


class WaitDialog(QDialog):
    """「正在等待……」 with 取消; ``cancelled`` once the clerk pressed it (or closed it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("正在等待")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.cancelled = False
        text = QLabel(WAIT_TEXT + "\n按「取消」放弃本次操作（不会写入任何数据）。", self)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("取消")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    def reject(self) -> None:
        self.cancelled = True
        super().reject()


def _owner() -> QWidget | None:
    """The window the dialog is centred on: the active one, if it is a real window still
    shown (never an earlier wait dialog on its way out, which would take ours with it)."""
    active = QApplication.activeWindow()
    if active is None or not active.isVisible() or isinstance(active, WaitDialog):
        return None
    return active


class GuiWaitPolicy:
    """Quiet for ``show_after`` seconds, then ``WaitDialog`` until the lock or 取消."""

    def __init__(self, *, show_after: float = SHOW_AFTER) -> None:
        self.show_after = show_after
        self.dialog: WaitDialog | None = None
        self._turning = False

    def keep_waiting(self, waited: float) -> bool:
        app = QApplication.instance()
        on_gui_thread = app is not None and QThread.currentThread() is app.thread()
        if not on_gui_thread or self._turning:
            # a worker thread, or a write started from inside our own event-loop round
            return waited < database.BUSY_TIMEOUT
        if waited < self.show_after:
            return True
        if self.dialog is None:
            self.dialog = WaitDialog(_owner())
            self.dialog.show()
        if self.dialog.cancelled:
            return False
        self._turning = True
        try:
            loop = QEventLoop()
            QTimer.singleShot(int(write_wait.POLL_SECONDS * 1000), loop.quit)
            self.dialog.rejected.connect(loop.quit)
            loop.exec()
        finally:
            self._turning = False
        return not self.dialog.cancelled

    def finished(self, waited: float) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()


def install() -> GuiWaitPolicy:
    """Make the window's policy the process's (``run_gui``)."""
    policy = GuiWaitPolicy()
    write_wait.install(policy)
    return policy
