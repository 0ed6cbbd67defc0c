"""The lock: a panel over the whole main window until a password is given.

It covers the window (menus, pages and status bar), takes the window's shortcuts away
and hides the program's other open windows (a half-filled dialog keeps its content and
comes back on unlock). The signed-in account unlocks it with its password; 换一个账号
lets another person sign in instead, which signs the first account out (``switched``).
Refusals (wrong password, lockout) show the sign-in service's message.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.services.accounts import signin
from desktop.views.accounts.passwords import password_edit
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage


class LockScreen(QWidget):
    unlocked = Signal()
    #: Another account signed in at the lock (the first one is signed out already).
    switched = Signal(object)

    def __init__(self, ctx: AppContext, window: QMainWindow) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window_ = window
        self._hidden: list[QWidget] = []
        self._disabled: list[object] = []
        self.setObjectName("lock_screen")
        self.setAutoFillBackground(True)
        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMaximumWidth(420)
        self.title = QLabel(panel)
        self.title.setWordWrap(True)
        self.username = QLineEdit(panel)
        self.username.setReadOnly(True)
        self.password = password_edit(panel)
        self.password.returnPressed.connect(self.submit)
        self.message = FieldMessage(panel)
        self.unlock_button = QPushButton("解锁", panel)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button = QPushButton("换一个账号登录", panel)
        self.switch_button.clicked.connect(self.other_account)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        inner = QVBoxLayout(panel)
        inner.addWidget(self.title)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        window.installEventFilter(self)
        self.hide()

    # -- showing -------------------------------------------------------------------

    def lock(self) -> None:
        actor = acting.current()
        self.title.setText(
            f"工会桌面通已锁定。请输入账号「{actor.display_name}」的密码解锁，或换一个账号登录。"
        )
        self.username.setText(actor.username)
        self.username.setReadOnly(True)
        self.password.clear()
        self.message.clear_message()
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window_ and widget.isVisible() and widget.isWindow():
                widget.hide()
                self._hidden.append(widget)
        self._disabled = [a for a in self.window_.actions() if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)  # type: ignore[attr-defined]
        self.window_.menuBar().setEnabled(False)
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        self.password.setFocus()

    def _unlock(self) -> None:
        self.hide()
        self.password.clear()
        self.window_.menuBar().setEnabled(True)
        for action in self._disabled:
            action.setEnabled(True)  # type: ignore[attr-defined]
        self._disabled = []
        for widget in self._hidden:
            widget.show()
        self._hidden = []

    @property
    def locked(self) -> bool:
        return self.isVisible()

    # -- input ---------------------------------------------------------------------

    def other_account(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.message.show_hint("换账号登录后，当前账号会退出登录，未保存的内容将丢失。")
        self.username.setFocus()

    def submit(self) -> None:
        self.message.clear_message()
        current = acting.current()
        try:
            actor = signin.authenticate(self.ctx.db, self.username.text(), self.password.text())
        except UnionDeskError as exc:
            # The name is fixed at the lock (unless 换一个账号): only the password is wrong.
            wrong_password = exc.message == signin.WRONG and self.username.isReadOnly()
            self.message.show_error("密码不正确，请重新输入。" if wrong_password else exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        if actor.account_id == current.account_id:
            self._unlock()
            self.unlocked.emit()
            return
        signin.sign_out(self.ctx.db, reason="锁屏时换账号登录")
        acting.sign_in(actor)
        for widget in self._hidden:
            widget.close()  # the first account's half-done dialogs go with it
        self._hidden = []
        self.switched.emit(actor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.window_.rect())
        return False
