"""Accounts: first administrator, roles, passwords, lockout on a pinned clock, the
last-administrator guard, and no clear password anywhere on disk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop import acting, clock
from desktop.errors import NotFoundError, PermissionDeniedError, UnionDeskError, ValidationError
from desktop.services import audit
from desktop.services.accounts import hooks, idle, lockout, records, signin
from desktop.storage.database import Database
from tests.unit.accounts.conftest import ADMIN_PASSWORD, STAFF_PASSWORD


def audit_details(db: Database, action: str) -> list[str]:
    return [r.detail for r in audit.recent(db) if r.action == action]


def test_first_admin_only_while_no_account_exists(db: Database) -> None:
    assert not records.exist(db)
    made = records.create_first_admin(db, "Admin", "王管理", ADMIN_PASSWORD)
    assert made.role == acting.ADMIN and made.sensitive and records.exist(db)
    with pytest.raises(UnionDeskError, match="已经有账号"):
        records.create_first_admin(db, "other", "李", ADMIN_PASSWORD)
    assert "新建账号 Admin（管理员，可查看敏感信息）" in audit_details(db, audit.ACCOUNT_CHANGE)


def test_username_is_case_insensitive_and_unique(db: Database, admin: acting.Actor) -> None:
    records.add(db, "Clerk", "张办事", STAFF_PASSWORD)
    with pytest.raises(ValidationError, match="已被使用") as exc:
        records.add(db, "clerk", "另一个", STAFF_PASSWORD)
    assert exc.value.field == "username"
    assert signin.authenticate(db, "CLERK", STAFF_PASSWORD).username == "Clerk"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "至少需要 8 个字符"),
        ("1234567890", "不能全是数字"),
        ("newclerk", "不能与用户名相同"),
    ],
)
def test_password_rules(db: Database, admin: acting.Actor, password: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        records.add(db, "newclerk", "张", password)
    assert [a.username for a in records.list_accounts(db)] == ["admin"]


def test_management_needs_a_signed_in_administrator(db: Database, admin: acting.Actor) -> None:
    staff = records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    with acting.acting_as(staff.actor()), pytest.raises(PermissionDeniedError, match="管理账号"):
        records.add(db, "other", "李", STAFF_PASSWORD)
    acting.sign_out()  # accounts exist: an unnamed process manages none of them
    with pytest.raises(PermissionDeniedError, match="先以管理员身份登录"):
        records.list_accounts(db)


def test_a_lock_made_under_a_clock_far_ahead_ends_fifteen_minutes_after_the_fix(
    db: Database, admin: acting.Actor, fixed_clock: clock.FixedClock
) -> None:
    """Five wrong passwords on a PC whose date was ten years ahead locked the account
    until then: once the date was put right it said 「请 5256015 分钟后再试」 for good.
    A lock never lasts longer than ``LOCK_MINUTES`` from the moment it is looked at."""
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    right = fixed_clock.utcnow()
    for _ in range(5):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", "wrong-password", now=right + timedelta(days=3650))
    with pytest.raises(signin.SignInRefused, match="请 15 分钟后再试"):
        signin.authenticate(db, "clerk", STAFF_PASSWORD, now=right)
    fixed_clock.advance(timedelta(minutes=5))  # change_password reads the database's clock
    with pytest.raises(UnionDeskError, match="请 10 分钟后再试"):
        records.change_password(db, "clerk", STAFF_PASSWORD, "another-pass-1")
    assert signin.authenticate(db, "clerk", STAFF_PASSWORD, now=right + timedelta(minutes=15))


def test_enable_lifts_the_lock_of_an_account_that_was_never_disabled(
    db: Database, admin: acting.Actor, fixed_clock: clock.FixedClock
) -> None:
    """``users enable`` is 「重新启用账号，并解除锁定」: it said 「已启用」 to a locked
    clerk and left the lock in place."""
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    for _ in range(5):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", "wrong-password")
    records.enable(db, "clerk")
    assert signin.authenticate(db, "clerk", STAFF_PASSWORD).role == acting.STAFF
    assert "账号 clerk：解除锁定" in audit_details(db, audit.ACCOUNT_CHANGE)


def test_lockout_after_five_failures_for_fifteen_minutes(
    db: Database, admin: acting.Actor, fixed_clock: clock.FixedClock
) -> None:
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    for _ in range(4):
        with pytest.raises(signin.SignInRefused) as exc:
            signin.authenticate(db, "clerk", "wrong-password")
        assert exc.value.message == signin.WRONG
    with pytest.raises(signin.SignInRefused, match="已被锁定，请 15 分钟后再试"):
        signin.authenticate(db, "clerk", "wrong-password")
    fixed_clock.advance(timedelta(minutes=6))
    with pytest.raises(signin.SignInRefused, match="请 9 分钟后再试"):
        signin.authenticate(db, "clerk", STAFF_PASSWORD)  # even the right password
    fixed_clock.advance(timedelta(minutes=9))
    actor = signin.authenticate(db, "clerk", STAFF_PASSWORD)
    assert actor.role == acting.STAFF and actor.account_id is not None
    failed = audit_details(db, audit.LOGIN_FAILED)
    assert "账号 clerk：密码错误，已锁定 15 分钟" in failed
    assert "账号 clerk：已锁定，拒绝登录" in failed
    assert "账号 clerk 登录" in audit_details(db, audit.LOGIN)


def test_a_success_resets_the_count(db: Database, admin: acting.Actor) -> None:
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    for _ in range(4):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", "wrong-password")
    signin.authenticate(db, "clerk", STAFF_PASSWORD)
    for _ in range(4):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", "wrong-password")
    assert signin.authenticate(db, "clerk", STAFF_PASSWORD).username == "clerk"


def test_unknown_name_reads_like_a_wrong_password_and_is_not_recorded(
    db: Database, admin: acting.Actor
) -> None:
    with pytest.raises(signin.SignInRefused) as exc:
        signin.authenticate(db, "Secret-typed-in-wrong-box", "whatever-1")
    assert exc.value.message == signin.WRONG
    assert audit_details(db, audit.LOGIN_FAILED) == ["未知的用户名"]


def test_disabled_account_is_refused_and_enable_lets_it_back(
    db: Database, admin: acting.Actor
) -> None:
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    records.disable(db, "clerk")
    with pytest.raises(signin.SignInRefused, match="已停用"):
        signin.authenticate(db, "clerk", STAFF_PASSWORD)
    with pytest.raises(signin.SignInRefused) as exc:  # a wrong password says no more
        signin.authenticate(db, "clerk", "wrong-password")
    assert exc.value.message == signin.WRONG
    records.enable(db, "clerk")
    assert signin.authenticate(db, "clerk", STAFF_PASSWORD).username == "clerk"


def test_last_active_administrator_is_never_disabled_or_demoted(
    db: Database, admin: acting.Actor
) -> None:
    for change in (
        lambda: records.disable(db, "admin"),
        lambda: records.set_role(db, "admin", acting.STAFF),
        lambda: records.set_role(db, "admin", acting.READONLY),
    ):
        with pytest.raises(UnionDeskError, match="最后一个可用的管理员"):
            change()
    records.add(db, "second", "李管理", STAFF_PASSWORD, acting.ADMIN)
    records.disable(db, "second")  # a disabled administrator does not count
    with pytest.raises(UnionDeskError, match="最后一个可用的管理员"):
        records.set_role(db, "admin", acting.STAFF)
    records.enable(db, "second")
    records.set_role(db, "admin", acting.STAFF)
    roles = {a.username: a.role for a in records.list_accounts(db)}
    assert roles == {"admin": acting.STAFF, "second": acting.ADMIN}


def test_change_and_reset_password(
    db: Database, admin: acting.Actor, fixed_clock: clock.FixedClock
) -> None:
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    with pytest.raises(ValidationError, match="原密码」不正确") as exc:
        records.change_password(db, "clerk", "not-the-old-one", "Brand-new-2")
    assert exc.value.field == "old_password"
    with pytest.raises(ValidationError, match="不能全是数字"):
        records.change_password(db, "clerk", STAFF_PASSWORD, "12345678901")
    fixed_clock.advance(timedelta(days=1))
    records.change_password(db, "clerk", STAFF_PASSWORD, "Brand-new-2")
    with pytest.raises(signin.SignInRefused):
        signin.authenticate(db, "clerk", STAFF_PASSWORD)
    assert signin.authenticate(db, "clerk", "Brand-new-2").username == "clerk"
    changed = next(a for a in records.list_accounts(db) if a.username == "clerk")
    assert changed.password_changed_at == fixed_clock.utcnow()
    for _ in range(lockout.THRESHOLD):  # locked; a reset lets the clerk in again
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", "wrong-password")
    records.reset_password(db, "clerk", "Reset-pass-3")
    assert signin.authenticate(db, "clerk", "Reset-pass-3").username == "clerk"
    assert "账号 clerk：管理员重置了密码" in audit_details(db, audit.ACCOUNT_CHANGE)
    with pytest.raises(NotFoundError):
        records.reset_password(db, "nobody", "Reset-pass-3")


def test_role_and_sensitive_reach_the_actor(db: Database, admin: acting.Actor) -> None:
    records.add(db, "reader", "只读员", STAFF_PASSWORD, acting.READONLY)
    actor = signin.authenticate(db, "reader", STAFF_PASSWORD)
    assert not actor.may(acting.WRITE) and not actor.may(acting.SENSITIVE)
    records.set_sensitive(db, "reader", True)
    records.set_role(db, "reader", acting.STAFF)
    actor = signin.authenticate(db, "reader", STAFF_PASSWORD)
    assert actor.may(acting.WRITE) and actor.may(acting.SENSITIVE)
    assert not actor.may(acting.ADMINISTER)
    assert "账号 reader：角色由只读改为工作人员" in audit_details(db, audit.ACCOUNT_CHANGE)


def test_idle_lock_minutes(db: Database, admin: acting.Actor) -> None:
    assert idle.idle_lock_minutes(db) == 10
    assert idle.set_idle_lock_minutes(db, "0") == 0
    assert idle.idle_lock_minutes(db) == 0
    for bad in ("241", "-1", "ten", "1.5"):
        with pytest.raises(ValidationError, match="闲置锁屏时间"):
            idle.set_idle_lock_minutes(db, bad)
    idle.set_idle_lock_minutes(db, 240)
    assert idle.idle_lock_minutes(db) == 240
    records.add(db, "clerk", "张办事", STAFF_PASSWORD)
    with (
        acting.acting_as(signin.authenticate(db, "clerk", STAFF_PASSWORD)),
        pytest.raises(PermissionDeniedError),
    ):
        idle.set_idle_lock_minutes(db, 5)
    assert idle.idle_lock_minutes(db) == 240


def test_admin_secret_hook_sees_set_verified_and_revoked(db: Database) -> None:
    seen: list[tuple[str, str, str | None]] = []

    def listener(_db: Database, event: hooks.AdminSecret) -> None:
        seen.append((event.kind, event.username, event.password))

    hooks.on_admin_secret(listener)
    try:
        acting.sign_in(records.create_first_admin(db, "admin", "王", ADMIN_PASSWORD).actor())
        records.add(db, "boss", "李", "Boss-pass-1", acting.ADMIN)
        records.add(db, "clerk", "张", STAFF_PASSWORD)  # not an administrator: nothing
        records.change_password(db, "boss", "Boss-pass-1", "Boss-pass-2")
        records.set_role(db, "clerk", acting.ADMIN)
        signin.authenticate(db, "clerk", STAFF_PASSWORD)
        records.set_role(db, "boss", acting.STAFF)
    finally:
        hooks.remove_listener(listener)
    assert seen == [
        (hooks.SET, "admin", ADMIN_PASSWORD),
        (hooks.SET, "boss", "Boss-pass-1"),
        (hooks.SET, "boss", "Boss-pass-2"),
        (hooks.VERIFIED, "clerk", STAFF_PASSWORD),
        (hooks.REVOKED, "boss", None),
    ]


def test_a_failing_hook_rolls_the_change_back(db: Database, admin: acting.Actor) -> None:
    def refuse(_db: Database, _event: hooks.AdminSecret) -> None:
        raise UnionDeskError("密钥文件无法写入")

    hooks.on_admin_secret(refuse)
    try:
        with pytest.raises(UnionDeskError, match="密钥文件"):
            records.change_password(db, "admin", ADMIN_PASSWORD, "Another-pass-9")
    finally:
        hooks.remove_listener(refuse)
    assert signin.authenticate(db, "admin", ADMIN_PASSWORD).username == "admin"


def test_no_clear_password_in_the_database_or_logs(
    db: Database, admin: acting.Actor, data_dir: Path
) -> None:
    from desktop import app_log

    app_log.start(db.paths)
    secret = "Unusual-Secret-4711"
    records.add(db, "clerk", "张办事", secret)
    records.change_password(db, "clerk", secret, secret + "x")
    records.reset_password(db, "clerk", secret + "y")
    for wrong in (secret, secret + "z"):
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(db, "clerk", wrong)
    with pytest.raises(signin.SignInRefused):
        signin.authenticate(db, secret, secret)  # a password typed into the name box
    with db.connect(write=False) as conn:
        stored = conn.execute(
            text("SELECT password_hash FROM accounts WHERE username = 'clerk'")
        ).scalar_one()
    assert str(stored).startswith("$argon2id$")
    needle = secret.encode()
    files = [p for p in data_dir.rglob("*") if p.is_file()]  # the -wal file and the log too
    assert any(p.name == "uniondesk.db" for p in files)
    for path in files:
        assert needle not in path.read_bytes(), path.name
    for entry in audit.recent(db):
        assert secret not in entry.detail


def test_the_log_in_entry_names_the_account_that_signed_in(db: Database) -> None:
    records.create_first_admin(db, "admin", "王管理", ADMIN_PASSWORD)
    actor = signin.authenticate(db, "admin", ADMIN_PASSWORD)
    with acting.acting_as(actor):
        [entry] = [r for r in audit.recent(db) if r.action == audit.LOGIN]
    assert entry.account == "admin" and entry.account_id == actor.account_id
