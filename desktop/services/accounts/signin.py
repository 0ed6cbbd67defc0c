"""Signing in and out: check a password, count failures, record it all in the trail.

``authenticate`` returns the ``acting.Actor`` for a right password and raises
``SignInRefused`` otherwise; ``sign_in`` also makes it the process's actor (the window
after its log-in dialog, a CLI command run with ``--user``). The clerk's message never
says whether the username exists: a wrong name and a wrong password read the same and
take the same time (a hash is checked either way). A locked account says how many
minutes remain; a disabled one says so only after the right password.

The audit entry of a failure names the account only when it exists: what was typed
into the username box of an unknown account may be a password typed in the wrong box.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import cast

from sqlalchemy import Table, update

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.models.accounts import Account
from desktop.services import audit
from desktop.services.accounts import hooks, lockout, passwords
from desktop.services.accounts.records import find_in
from desktop.storage.database import Database

WRONG = "用户名或密码不正确，请重新输入。"
_T = cast(Table, Account.__table__)  # typed as a table for insert/update


class SignInRefused(UnionDeskError):
    """Sign-in refused: wrong name or password, locked or disabled account (nothing
    but the failure count and the audit entry was written)."""


def authenticate(
    db: Database, username: str, password: str, now: datetime | None = None
) -> acting.Actor:
    """The account's actor when ``password`` is right; ``SignInRefused`` otherwise.

    ``now`` is UTC (default: the database's clock), for the lockout's arithmetic."""
    at = now if now is not None else db.clock.utcnow()
    name = unicodedata.normalize("NFKC", username or "").strip()
    if not name:
        raise SignInRefused("请输入用户名。", field="username")
    if not password:
        raise SignInRefused("请输入密码。", field="password")
    with db.connect(write=False) as conn:
        found = find_in(conn, name)
    if found is None:
        passwords.burn_time(password)
        audit.record(db, audit.LOGIN_FAILED, "未知的用户名")
        raise SignInRefused(WRONG)
    account, stored = found
    left = lockout.left_after_settling(db, account.id, account.locked_until, at)
    if left:
        audit.record(db, audit.LOGIN_FAILED, f"账号 {account.username}：已锁定，拒绝登录")
        raise SignInRefused(lockout.locked_message(left))
    if not passwords.verify(stored, password):  # outside the write lock: it takes time
        with db.connect() as conn:
            locked = lockout.register_failure(conn, account.id, at)
            detail = f"，已锁定 {locked} 分钟" if locked else ""
            audit.record_in(conn, audit.LOGIN_FAILED, f"账号 {account.username}：密码错误{detail}")
        if locked:
            raise SignInRefused(f"{WRONG}\n{lockout.locked_message(locked)}")
        raise SignInRefused(WRONG)
    with db.connect() as conn:
        if account.disabled:
            audit.record_in(conn, audit.LOGIN_FAILED, f"账号 {account.username}：已停用")
            raise_disabled = True
        else:
            raise_disabled = False
            lockout.register_success(conn, account.id)
            if passwords.needs_rehash(stored):
                conn.execute(
                    update(_T)
                    .where(_T.c.id == account.id)
                    .values(password_hash=passwords.hash_password(password))
                )
            with acting.acting_as(account.actor()):  # the entry names who signed in
                audit.record_in(conn, audit.LOGIN, f"账号 {account.username} 登录")
            if account.role == acting.ADMIN:
                hooks.notify(
                    db, hooks.AdminSecret(hooks.VERIFIED, account.id, account.username, password)
                )
    if raise_disabled:
        raise SignInRefused(f"账号「{account.username}」已停用，请联系管理员。")
    return account.actor()


def refreshed(db: Database, actor: acting.Actor) -> acting.Actor | None:
    """The signed-in ``actor`` as its account is stored now (an administrator may have
    changed its role or sensitive permission from the command line or another window);
    None when the account was disabled or is no longer there."""
    with db.connect(write=False) as conn:
        found = find_in(conn, actor.username)
    if found is None:
        return None
    account, _stored = found
    if account.disabled or account.id != actor.account_id:
        return None
    return account.actor()


def sign_in(
    db: Database, username: str, password: str, now: datetime | None = None
) -> acting.Actor:
    """Authenticate and make the account the process's actor (signing out whoever was)."""
    actor = authenticate(db, username, password, now)
    acting.sign_in(actor)
    return actor


def sign_out(db: Database, *, reason: str = "") -> None:
    """Record the sign-out of the current account and forget it."""
    actor = acting.current()
    if actor.signed_in:
        suffix = f"（{reason}）" if reason else ""
        audit.record(db, audit.LOGOUT, f"账号 {actor.username} 退出登录{suffix}")
    acting.sign_out()


def record_idle_lock(db: Database, minutes: int) -> None:
    """The window locked itself after ``minutes`` without input."""
    actor = acting.current()
    audit.record(db, audit.IDLE_LOCK, f"账号 {actor.username}：闲置 {minutes} 分钟后锁屏")
