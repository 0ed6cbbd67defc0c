"""Accounts in the window: first-run administrator, log-in (refusal, lockout, Enter),
idle lock and switching account at it, 修改密码, 账号管理, read-only write actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop import acting, clock
from desktop.services import audit
from desktop.services.accounts import records, signin
from desktop.services.unions import federations
from desktop.storage.database import Database
from desktop.views import app as gui_app
from desktop.views.accounts.change_password_dialog import ChangePasswordDialog
from desktop.views.accounts.login_dialog import LoginDialog
from desktop.views.accounts.page import AccountsPage
from desktop.views.context import AppContext
from desktop.views.first_run_dialog import FirstRunDialog
from desktop.views.main_window import MainWindow
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.members.page import MembersPage
from desktop.views.tasks import SyncTaskRunner
from tests.unit.accounts.conftest import ADMIN_PASSWORD
from tests.unit.accounts.conftest import cheap_hashes as cheap_hashes  # autouse here too

from .conftest import Boxes

CLERK_PASSWORD = "Clerk-pass-1"


def fill_first_admin(dialog: FirstRunDialog, password: str = ADMIN_PASSWORD) -> None:
    """The first-run dialog's administrator step, filled in (other tests use it too)."""
    dialog.account.username.setText("admin")
    dialog.account.display_name.setText("王管理")
    dialog.account.password.setText(password)
    dialog.account.password_again.setText(password)


@pytest.fixture
def admin_ctx(ctx: AppContext) -> AppContext:
    """A registry with a federation, an administrator and a clerk; nobody signed in."""
    records.create_first_admin(ctx.db, "admin", "王管理", ADMIN_PASSWORD)
    with acting.acting_as(signin.authenticate(ctx.db, "admin", ADMIN_PASSWORD)):
        records.add(ctx.db, "clerk", "张办事", CLERK_PASSWORD)
    return ctx


def _trail(ctx: AppContext) -> list[str]:
    """The audit details, read as an administrator (the trail is theirs to read)."""
    reader = acting.Actor("auditor", "审计", acting.ADMIN, account_id=-1)
    with acting.acting_as(reader):
        return [r.detail for r in audit.recent(ctx.db)]


def visible_windows() -> list[MainWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def window_for(qtbot: QtBot, ctx: AppContext, username: str, password: str) -> MainWindow:
    signin.sign_in(ctx.db, username, password)
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_first_run_creates_the_administrator_and_signs_in(
    qtbot: QtBot, db: Database, qapp: QApplication, boxes: Boxes
) -> None:
    ctx = AppContext(db, SyncTaskRunner())
    shown = gui_app.launch(ctx)
    assert isinstance(shown, FirstRunDialog)
    qtbot.addWidget(shown)
    shown.name.setText("南山园区工会联合会")
    shown.create_federation()  # no account filled in: refused, nothing written
    assert shown.account.errors["username"].is_error
    assert not records.exist(db) and federations.current(db) is None
    fill_first_admin(shown)
    shown.account.password_again.setText("Another-one-2")
    shown.create_federation()
    assert "不一致" in shown.account.errors["password_again"].text()
    fill_first_admin(shown, "12345678901")
    shown.create_federation()
    assert "不能全是数字" in shown.account.errors["password"].text()
    assert not records.exist(db)
    fill_first_admin(shown)
    shown.create_federation()
    assert records.exist(db) and federations.current(db) is not None
    actor = acting.current()
    assert actor.signed_in and actor.username == "admin" and actor.role == acting.ADMIN
    window = shown.holder[0]  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert window.session.user_label.text() == "当前用户：王管理（管理员）"


def test_log_in_at_start_refuses_then_opens_the_window_on_enter(
    qtbot: QtBot, admin_ctx: AppContext
) -> None:
    shown = gui_app.launch(admin_ctx)
    assert isinstance(shown, LoginDialog)
    qtbot.addWidget(shown)
    shown.username.setText("clerk")
    shown.password.setText("wrong-password")
    shown.submit()
    assert shown.message.text() == signin.WRONG and shown.password.text() == ""
    assert not acting.current().signed_in
    shown.password.setText(CLERK_PASSWORD)
    qtbot.keyClick(shown.password, Qt.Key.Key_Return)  # Enter signs in
    assert acting.current().username == "clerk"
    windows = visible_windows()
    assert len(windows) == 1
    qtbot.addWidget(windows[0])
    assert windows[0].session.user_label.text() == "当前用户：张办事（工作人员）"


def test_an_administrator_who_forgot_the_password_sets_one_with_the_recovery_key(
    qtbot: QtBot, admin_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.storage import keys
    from desktop.views.accounts import login_dialog
    from desktop.views.accounts.recover_dialog import RecoverPasswordDialog

    code = keys.new_recovery_key(admin_ctx.db.paths, keys.database_key(admin_ctx.db.paths))
    dialog = LoginDialog(admin_ctx, username="admin")
    qtbot.addWidget(dialog)
    assert dialog.forgot_button.text() == "忘记密码…"

    def fill(recover: RecoverPasswordDialog) -> bool:
        assert recover.username.text() == "admin"
        recover.recovery_key.setText("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        recover.new_password.setText("Brand-new-pass-1")
        recover.new_again.setText("Brand-new-pass-1")
        recover.save()
        assert "恢复密钥不对" in recover.general.text() and not recover.result()
        recover.recovery_key.setText(code)
        recover.save()
        return recover.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(login_dialog, "recover_answer", fill)
    monkeypatch.setattr("desktop.views.widgets.messages.inform", lambda *_a, **_k: None)
    dialog.forgot()
    assert dialog.username.text() == "admin" and dialog.password.text() == ""
    dialog.password.setText("Brand-new-pass-1")
    dialog.submit()
    assert dialog.actor is not None and dialog.actor.username == "admin"


def test_log_in_shows_the_lockout(
    qtbot: QtBot, admin_ctx: AppContext, fixed_clock: clock.FixedClock
) -> None:
    dialog = LoginDialog(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.username.setText("clerk")
    for _ in range(5):
        dialog.password.setText("wrong-password")
        dialog.submit()
    assert "已被锁定，请 15 分钟后再试" in dialog.message.text()
    fixed_clock.advance(timedelta(minutes=10))
    dialog.password.setText(CLERK_PASSWORD)
    dialog.submit()
    assert "请 5 分钟后再试" in dialog.message.text() and dialog.actor is None
    fixed_clock.advance(timedelta(minutes=5))
    dialog.password.setText(CLERK_PASSWORD)
    dialog.submit()
    assert dialog.actor is not None and dialog.result() == LoginDialog.DialogCode.Accepted


def test_idle_lock_fires_and_asks_for_the_same_password(
    qtbot: QtBot, admin_ctx: AppContext
) -> None:
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    session = window.session
    assert session.watcher.interval_ms == 10 * 60_000  # the default 10 minutes
    session.set_idle_interval_ms(150)
    qtbot.waitUntil(lambda: session.locked, timeout=2000)
    lock = session.lock_screen
    assert lock.geometry() == window.rect()
    assert not window.actions_by_name["new_member"].isEnabled()
    assert "账号 clerk：闲置 10 分钟后锁屏" in _trail(admin_ctx)
    lock.password.setText("wrong-password")
    lock.submit()
    # Only the password could be wrong: the name at the lock is fixed.
    assert lock.message.text() == "密码不正确，请重新输入。" and session.locked
    lock.password.setText(CLERK_PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert not session.locked and window.actions_by_name["new_member"].isEnabled()
    assert acting.current().username == "clerk"
    qtbot.waitUntil(lambda: session.locked, timeout=2000)  # idle again: locks again


def test_another_account_at_the_lock_signs_the_first_out(
    qtbot: QtBot, admin_ctx: AppContext
) -> None:
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    window.session.lock()
    lock = window.session.lock_screen
    lock.other_account()
    lock.username.setText("admin")
    lock.password.setText("not-his-password")
    lock.submit()
    assert lock.message.text() == signin.WRONG  # another name typed: either may be wrong
    lock.password.setText(ADMIN_PASSWORD)
    lock.submit()
    assert acting.current().username == "admin"
    fresh = visible_windows()
    assert len(fresh) == 1 and fresh[0] is not window
    qtbot.addWidget(fresh[0])
    assert fresh[0].session.user_label.text() == "当前用户：王管理（管理员）"
    details = _trail(admin_ctx)
    assert "账号 clerk 退出登录（锁屏时换账号登录）" in details


def test_change_password_dialog(qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes) -> None:
    signin.sign_in(admin_ctx.db, "clerk", CLERK_PASSWORD)
    dialog = ChangePasswordDialog(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.old_password.setText("not-the-old-one")
    dialog.new_password.setText("Clerk-new-22")
    dialog.new_again.setText("Clerk-new-22")
    dialog.save()
    assert "原密码」不正确" in dialog.errors["old_password"].text()
    dialog.old_password.setText(CLERK_PASSWORD)
    dialog.new_again.setText("Clerk-new-23")
    dialog.save()
    assert "不一致" in dialog.errors["new_again"].text()
    dialog.new_again.setText("Clerk-new-22")
    dialog.save()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert boxes.kinds() == ["inform"]
    assert signin.authenticate(admin_ctx.db, "clerk", "Clerk-new-22").username == "clerk"


def test_accounts_page_for_administrators_only(
    qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes
) -> None:
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    page = window.show_area("accounts")
    assert not isinstance(page, AccountsPage)
    assert "没有「管理账号和设置」的权限" in page.text()  # type: ignore[union-attr]

    window = window_for(qtbot, admin_ctx, "admin", ADMIN_PASSWORD)
    page = window.show_area("accounts")
    assert isinstance(page, AccountsPage)
    assert page.model.rowCount() == 2
    page.add_account()
    dialog: Any = page.dialog
    dialog.username.setText("reader")
    dialog.display_name.setText("只读员")
    dialog.role.setCurrentIndex(records.ROLES.index(acting.READONLY))
    dialog.password.setText("Reader-pass-1")
    dialog.password_again.setText("Reader-pass-1")
    dialog.save()
    assert page.selected() is not None and page.selected().username == "reader"  # type: ignore[union-attr]
    assert page.selected().role == acting.READONLY  # type: ignore[union-attr]
    page.select("admin")
    page.set_disabled(True)  # the last administrator
    assert boxes.shown[-1][0] == "warn" and "最后一个可用的管理员" in boxes.shown[-1][2]
    page.select("clerk")
    page.set_disabled(True)
    assert page.selected().disabled and page.enable_button.isEnabled()  # type: ignore[union-attr]
    page.role.setCurrentIndex(records.ROLES.index(acting.ADMIN))
    page.sensitive.setChecked(True)
    page.save_role()
    clerk = page.selected()
    assert clerk is not None and clerk.role == acting.ADMIN and clerk.sensitive
    page.reset_password()
    dialog = page.dialog
    dialog.password.setText("Reset-pass-9")
    dialog.password_again.setText("Reset-pass-9")
    dialog.save()
    page.set_disabled(False)
    assert signin.authenticate(admin_ctx.db, "clerk", "Reset-pass-9").role == acting.ADMIN


def test_a_locked_account_is_unlocked_on_the_page(
    qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes
) -> None:
    for _ in range(5):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(admin_ctx.db, "clerk", "wrong-password")
    window = window_for(qtbot, admin_ctx, "admin", ADMIN_PASSWORD)
    page = window.show_area("accounts")
    assert isinstance(page, AccountsPage)
    page.select("clerk")
    assert page.enable_button.isEnabled() and page.enable_button.text() == "解除锁定"
    page.set_disabled(False)
    assert signin.authenticate(admin_ctx.db, "clerk", CLERK_PASSWORD).role == acting.STAFF
    page.select("clerk")
    assert not page.enable_button.isEnabled() and page.enable_button.text() == "启用"


def test_a_role_changed_or_account_disabled_elsewhere_reaches_the_open_window(
    qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes
) -> None:
    """An administrator demotes or disables a clerk from the command line (or another
    window) while the clerk's window is open: it kept the role it signed in with."""
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    admin = acting.Actor("admin", "王管理", acting.ADMIN, account_id=1)
    with acting.acting_as(admin):
        records.set_role(admin_ctx.db, "clerk", acting.READONLY)
    window.session.recheck()
    assert acting.current().username == "clerk" and acting.current().role == acting.READONLY
    assert "只读" in window.session.user_label.text()
    with acting.acting_as(admin):
        records.disable(admin_ctx.db, "clerk")
    window.session.recheck()
    assert not acting.current().signed_in
    login = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()
    )
    qtbot.addWidget(login)
    assert "已被管理员停用" in boxes.shown[-1][2]


def test_read_only_account_sees_write_actions_disabled(qtbot: QtBot, admin_ctx: AppContext) -> None:
    with acting.acting_as(signin.authenticate(admin_ctx.db, "admin", ADMIN_PASSWORD)):
        records.set_role(admin_ctx.db, "clerk", acting.READONLY)
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    page = window.show_area("members")
    assert isinstance(page, MembersPage)
    assert not page.add_button.isEnabled()
    unions_page = window.show_area("unions")
    assert not unions_page.add_button.isEnabled()  # type: ignore[union-attr]
    assert not window.actions_by_name["new_member"].isEnabled()
    assert window.actions_by_name["export_roster"].isEnabled()  # reading stays open
    dialog = MemberDialog(admin_ctx)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    assert window.session.user_label.text() == "当前用户：张办事（只读）"


def test_sign_out_asks_for_a_log_in_again(
    qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes
) -> None:
    window = window_for(qtbot, admin_ctx, "clerk", CLERK_PASSWORD)
    window.session.actions["sign_out"].trigger()
    assert not acting.current().signed_in and not window.isVisible()
    login = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()
    )
    qtbot.addWidget(login)
    assert login.isVisible() and login.username.text() == "clerk"
    login.password.setText(CLERK_PASSWORD)
    login.submit()
    assert acting.current().username == "clerk"
    windows = visible_windows()
    assert len(windows) == 1 and windows[0] is not window
    qtbot.addWidget(windows[0])
    assert "账号 clerk 退出登录" in _trail(admin_ctx)


def test_input_restarts_the_idle_timer(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLineEdit

    from desktop.views.accounts.idle import IdleWatcher

    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    watcher = IdleWatcher(10_000)
    try:
        watcher.timer.start(5_000)  # as if half the idle time had passed
        qtbot.keyClick(edit, "a")
        assert watcher.timer.remainingTime() > 9_000
        watcher.pause()
        qtbot.keyClick(edit, "b")
        assert not watcher.timer.isActive()  # the lock screen is up: input does not count
        watcher.resume()
        assert watcher.timer.isActive()
        watcher.set_interval(0)  # 0 minutes: never locks
        qtbot.keyClick(edit, "c")
        assert not watcher.timer.isActive()
    finally:
        watcher.stop()


def test_after_a_restore_the_clerk_signs_in_against_the_restored_accounts(
    qtbot: QtBot, admin_ctx: AppContext, boxes: Boxes
) -> None:
    from desktop.opening import open_database
    from desktop.services.backups import catalog, restoring

    window = window_for(qtbot, admin_ctx, "admin", ADMIN_PASSWORD)
    made = catalog.create(admin_ctx.db)
    restored = restoring.restore(admin_ctx.db, made.backup.name, open_database)
    admin_ctx.replace_database(restored.db, restored.message)
    assert not acting.current().signed_in
    login = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()
    )
    qtbot.addWidget(login)
    assert login.username.text() == "admin" and not window.isVisible()
    login.password.setText(ADMIN_PASSWORD)
    login.submit()
    assert acting.current().username == "admin"
    [fresh] = visible_windows()
    qtbot.addWidget(fresh)
