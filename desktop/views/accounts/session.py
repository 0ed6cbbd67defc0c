"""The signed-in account in the main window: status bar, 账号 menu, idle lock.

``install(window)`` is the main window's one call: it shows who is signed in, adds the
账号 menu (修改密码…, 锁定, 退出登录) before 帮助 and starts the idle lock with the
configured minutes (``services.accounts.idle``). Before any account exists (nobody
signed in) the window looks as it always did: no menu, no name, nothing locks.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QMainWindow, QMenu, QWidget

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.services.accounts import idle
from desktop.views.accounts.idle import IdleWatcher
from desktop.views.context import AppContext
from desktop.views.widgets import messages

MINUTE_MS = 60_000
#: How often an open window re-reads its account (a role changed or the account
#: disabled elsewhere: the command line, another window on a shared folder).
RECHECK_MS = 30_000
#: What a read-only account sees disabled: the menu's write actions and each page's
#: add button (the write guard refuses every other write all the same).
READ_ONLY_MENU_ACTIONS = ("new_member", "import_roster", "sync_import")
READ_ONLY_PAGE_BUTTONS = ("add_button", "new_button")
READ_ONLY_TIP = "只读账号不能修改数据"


def status_text(actor: acting.Actor) -> str:
    if not actor.signed_in:
        return ""
    role = acting.ROLE_LABELS.get(actor.role, actor.role)
    return f"当前用户：{actor.display_name}（{role}）"


class Session(QObject):
    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.dialog: Any = None
        self.user_label = QLabel(status_text(acting.current()), window)
        self.user_label.setObjectName("signed_in_user")
        window.statusBar().addPermanentWidget(self.user_label)
        self._lock_screen: Any = None  # built at the first lock (its module loads the ORM)
        self.actions: dict[str, QAction] = {}
        self.menu: QMenu | None = None
        self.idle_minutes = self._minutes()
        self.watcher = IdleWatcher(self.idle_minutes * MINUTE_MS, self)
        self.watcher.idle.connect(self.idle_lock)
        ctx.data_changed.connect(self._data_changed)
        self.recheck_timer = QTimer(self)
        self.recheck_timer.setInterval(RECHECK_MS)
        self.recheck_timer.timeout.connect(self.recheck)
        self._update()

    def page_built(self, page: QWidget) -> None:
        """A page was just built: for an account that may not write, its add buttons are
        disabled (the write guard refuses whatever else it tries)."""
        if acting.current().may(acting.WRITE):
            return
        for name in READ_ONLY_PAGE_BUTTONS:
            button = getattr(page, name, None)
            if isinstance(button, QAbstractButton):
                button.setEnabled(False)
                button.setToolTip(READ_ONLY_TIP)

    def _minutes(self) -> int:
        try:
            return idle.idle_lock_minutes(self.ctx.db)
        except UnionDeskError:
            return idle.DEFAULT_MINUTES

    def _add_menu(self) -> None:
        """The 账号 menu, before 帮助; only once someone is signed in (a registry without
        accounts keeps the menus it always had)."""
        bar = self.window.menuBar()
        menu = QMenu("账号(&A)", bar)
        for name, text, handler, shortcut in (
            ("change_password", "修改密码…", self.change_password, None),
            ("lock", "锁定", self.lock, "Ctrl+L"),
            ("sign_out", "退出登录", self.sign_out, None),
        ):
            action = QAction(text, menu)
            action.setObjectName(name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _c=False, h=handler: h())
            menu.addAction(action)
            self.window.addAction(action)  # the shortcut works from any page
            self.actions[name] = action
        existing = bar.actions()
        if existing:
            bar.insertMenu(existing[-1], menu)
        else:
            bar.addMenu(menu)
        self.menu = menu

    def _update(self) -> None:
        actor = acting.current()
        if actor.signed_in and self.menu is None:
            self._add_menu()
        self.user_label.setText(status_text(actor))
        self.user_label.setVisible(actor.signed_in)
        for action in self.actions.values():
            action.setEnabled(actor.signed_in)
        actions = getattr(self.window, "actions_by_name", {})
        for name in READ_ONLY_MENU_ACTIONS:
            if name in actions:
                actions[name].setEnabled(actor.may(acting.WRITE))
        self.watcher.set_interval(self.idle_minutes * MINUTE_MS if actor.signed_in else 0)
        if actor.signed_in:
            self.recheck_timer.start()
        else:
            self.recheck_timer.stop()

    def recheck(self) -> None:
        """Follow the account as stored: a new role or permission applies at once; a
        disabled account is signed out and the window asks for a sign-in."""
        from desktop.services.accounts import signin
        from desktop.views.accounts import gate

        actor = acting.current()
        if not actor.signed_in or self.locked or not self.window.isVisible():
            return  # a closed or replaced window no longer speaks for the account
        try:
            fresh = signin.refreshed(self.ctx.db, actor)
        except UnionDeskError:
            return  # busy or unreadable now: the next round tries again
        if fresh == actor:
            return
        if fresh is not None:
            acting.sign_in(fresh)
            self._update()
            return
        self.watcher.stop()
        self.recheck_timer.stop()
        acting.sign_out()
        messages.warn(
            self.window, "账号已停用",
            f"账号「{actor.username}」已被管理员停用，请换一个账号登录。",
        )  # fmt: skip
        gate.sign_in_again(self.ctx, self.window)

    def _data_changed(self, area: str) -> None:
        if area in ("accounts", "settings"):
            self.idle_minutes = self._minutes()
            self._update()

    def set_idle_interval_ms(self, interval_ms: int) -> None:
        """For tests and the settings page: a new idle time, in milliseconds."""
        self.watcher.set_interval(interval_ms)

    # -- actions -------------------------------------------------------------------

    def change_password(self) -> None:
        from desktop.views.accounts.change_password_dialog import ChangePasswordDialog

        self.dialog = ChangePasswordDialog(self.ctx, self.window)
        self.dialog.open()

    @property
    def lock_screen(self) -> Any:
        if self._lock_screen is None:
            from desktop.views.accounts.lock_screen import LockScreen

            self._lock_screen = LockScreen(self.ctx, self.window)
            self._lock_screen.unlocked.connect(self._unlocked)
            self._lock_screen.switched.connect(self._switched)
        return self._lock_screen

    @property
    def locked(self) -> bool:
        return self._lock_screen is not None and self._lock_screen.locked

    def lock(self) -> None:
        if not acting.current().signed_in or self.locked:
            return
        self.watcher.pause()
        self.lock_screen.lock()

    def idle_lock(self) -> None:
        from desktop.services.accounts import signin

        if not acting.current().signed_in or self.locked:
            return
        try:
            signin.record_idle_lock(self.ctx.db, self.idle_minutes)
        except UnionDeskError:
            pass  # a busy or full disk must not keep the window unlocked
        self.lock()

    def _unlocked(self) -> None:
        self.watcher.resume()

    def _switched(self, _actor: acting.Actor) -> None:
        from desktop.views.accounts import gate

        self.watcher.stop()
        gate.reopen(self.ctx, self.window)

    def sign_out(self) -> None:
        from desktop.views.accounts import gate

        actor = acting.current()
        if not actor.signed_in:
            return
        if not messages.confirm(
            self.window, "退出登录", "退出登录后需要重新输入密码。确定退出登录吗？",
            yes="退出登录", no="取消",
        ):  # fmt: skip
            return
        from desktop.services.accounts import signin

        self.watcher.stop()
        try:
            signin.sign_out(self.ctx.db)
        except UnionDeskError:
            acting.sign_out()
        gate.sign_in_again(self.ctx, self.window, actor.username)

    def after_restore(self) -> None:
        """After a restore (the accounts are carried over from before it, except into a
        registry that could not be opened): whoever was signed in signs in again; with no
        account in it, nobody is signed in."""
        from desktop.services.accounts import presence
        from desktop.views.accounts import gate

        actor = acting.current()
        if not actor.signed_in:
            return
        self.watcher.stop()
        acting.sign_out()
        if presence.accounts_exist(self.ctx.db):
            gate.sign_in_again(self.ctx, self.window, actor.username)
        self._update()


def install(window: QMainWindow, ctx: AppContext) -> Session:
    session = Session(window, ctx)
    window.setProperty("hasSession", True)
    return session
