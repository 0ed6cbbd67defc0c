"""The accounts table's one writer and the administrator's use cases on it.

Every change is one transaction with its audit entry (``ACCOUNT_CHANGE``: the username
and what changed, never a password). Account management needs a signed-in
administrator (``acting.ADMINISTER``); the only exception is the first administrator,
made while no account exists at all. An office is never left without a way in: the last
active administrator cannot be disabled or given another role. Accounts are disabled,
never deleted, so the audit trail's names keep meaning something.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from desktop import acting
from desktop.errors import NotFoundError, PermissionDeniedError, UnionDeskError, ValidationError
from desktop.models.accounts import Account
from desktop.services import audit
from desktop.services.accounts import hooks, lockout, passwords, presence
from desktop.storage.database import Database

ROLES = (acting.ADMIN, acting.STAFF, acting.READONLY)
USERNAME_MAX = 32
DISPLAY_NAME_MAX = 50
_USERNAME = re.compile(r"^[\w.@-]+$")
_T = cast(Table, Account.__table__)  # typed as a table for insert/update


@dataclass(frozen=True)
class AccountRecord:
    """An account as shown and listed; the password hash never leaves this module."""

    id: int
    username: str
    display_name: str
    role: str
    sensitive: bool
    disabled: bool
    failed_attempts: int
    locked_until: datetime | None  # UTC
    created_at: datetime  # UTC
    password_changed_at: datetime  # UTC

    @property
    def role_label(self) -> str:
        return acting.ROLE_LABELS.get(self.role, self.role)

    def actor(self) -> acting.Actor:
        return acting.Actor(
            username=self.username,
            display_name=self.display_name,
            role=self.role,
            sensitive=self.sensitive,
            account_id=self.id,
        )


def _record(row: Any) -> AccountRecord:
    return AccountRecord(
        id=int(row.id),
        username=str(row.username),
        display_name=str(row.display_name),
        role=str(row.role),
        sensitive=bool(row.sensitive),
        disabled=bool(row.disabled),
        failed_attempts=int(row.failed_attempts),
        locked_until=row.locked_until,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


_PUBLIC = [c for c in _T.c if c.name != "password_hash"]


# -- values ------------------------------------------------------------------------


def clean_username(value: str) -> str:
    name = unicodedata.normalize("NFKC", value or "").strip()
    if not name:
        raise ValidationError("请填写「用户名」。", field="username")
    if len(name) > USERNAME_MAX:
        raise ValidationError(
            f"「用户名」太长：最多 {USERNAME_MAX} 个字符，请缩短。", field="username"
        )
    if not _USERNAME.match(name):
        raise ValidationError(
            "「用户名」只能由字母、数字、汉字和 . _ - @ 组成，不能有空格，请修改。",
            field="username",
        )
    return name


def clean_display_name(value: str) -> str:
    name = unicodedata.normalize("NFKC", value or "").strip()
    if not name:
        raise ValidationError("请填写「姓名」（在状态栏和操作日志中显示）。", field="display_name")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            f"「姓名」太长：最多 {DISPLAY_NAME_MAX} 个字符，请缩短。", field="display_name"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError("「姓名」含有不可见的控制字符，请重新输入。", field="display_name")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        labels = "、".join(f"{code}（{acting.ROLE_LABELS[code]}）" for code in ROLES)
        raise ValidationError(f"「角色」只能是 {labels}，请重新选择。", field="role")
    return role


# -- reads -------------------------------------------------------------------------


def exist_in(conn: Connection) -> bool:
    return conn.execute(select(_T.c.id).limit(1)).first() is not None


def exist(db: Database) -> bool:
    """Whether any account exists: until then nothing asks anyone to sign in."""
    return presence.accounts_exist(db)


def find_in(conn: Connection, username: str) -> tuple[AccountRecord, str] | None:
    """The account (by username, ignoring ASCII case) and its password hash."""
    row = conn.execute(
        select(*_PUBLIC, _T.c.password_hash).where(_T.c.username == username)
    ).first()
    return None if row is None else (_record(row), str(row.password_hash))


def list_accounts(db: Database) -> list[AccountRecord]:
    """Every account, by username (administrators only)."""
    with db.connect(write=False) as conn:
        _require_admin(conn)
        rows = conn.execute(select(*_PUBLIC).order_by(_T.c.username)).all()
    return [_record(r) for r in rows]


def get(db: Database, username: str) -> AccountRecord:
    """One account (administrators, or the account itself)."""
    with db.connect(write=False) as conn:
        found = find_in(conn, username.strip())
        if found is None:
            raise NotFoundError(f"没有名为「{username.strip()}」的账号，请检查用户名。")
        actor = acting.current()
        if not (actor.signed_in and actor.account_id == found[0].id):
            _require_admin(conn)
        return found[0]


# -- guards ------------------------------------------------------------------------


def _require_admin(conn: Connection) -> acting.Actor:
    """A signed-in administrator: with accounts in place, nobody unnamed manages them."""
    actor = acting.require(acting.ADMINISTER)
    if not actor.signed_in and exist_in(conn):
        raise PermissionDeniedError("管理账号需要先以管理员身份登录，请登录后再操作。")
    return actor


def _load(conn: Connection, username: str) -> tuple[AccountRecord, str]:
    found = find_in(conn, username.strip())
    if found is None:
        raise NotFoundError(f"没有名为「{username.strip()}」的账号，请检查用户名。")
    return found


def _other_active_admins(conn: Connection, account_id: int) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(_T)
            .where(_T.c.role == acting.ADMIN, _T.c.disabled.is_(False), _T.c.id != account_id)
        ).scalar_one()
    )


def _keep_an_admin(conn: Connection, account: AccountRecord) -> None:
    if account.role == acting.ADMIN and not account.disabled:
        if _other_active_admins(conn, account.id) == 0:
            raise UnionDeskError(
                f"「{account.username}」是最后一个可用的管理员账号，不能停用或改为其他角色。"
                "请先把另一个账号设为管理员。"
            )


def _change(conn: Connection, account_id: int, **values: Any) -> None:
    conn.execute(update(_T).where(_T.c.id == account_id).values(**values))


# -- creating ----------------------------------------------------------------------


def _insert(
    db: Database,
    conn: Connection,
    username: str,
    display_name: str,
    password: str,
    role: str,
    sensitive: bool,
) -> AccountRecord:
    name = clean_username(username)
    shown = clean_display_name(display_name)
    check_role(role)
    passwords.check_rules(password, username=name)
    if find_in(conn, name) is not None:
        raise ValidationError(
            f"「用户名」{name} 已被使用（不区分大小写），请换一个。", field="username"
        )
    now = db.clock.utcnow()
    new_id = conn.execute(
        insert(_T).values(
            username=name,
            display_name=shown,
            role=role,
            sensitive=sensitive,
            password_hash=passwords.hash_password(password),
            disabled=False,
            failed_attempts=0,
            created_at=now,
            password_changed_at=now,
        )
    ).inserted_primary_key
    assert new_id is not None
    account_id = int(new_id[0])
    extra = "，可查看敏感信息" if sensitive else ""
    audit.record_in(
        conn,
        audit.ACCOUNT_CHANGE,
        f"新建账号 {name}（{acting.ROLE_LABELS[role]}{extra}）",
    )
    if role == acting.ADMIN:
        hooks.notify(db, hooks.AdminSecret(hooks.SET, account_id, name, password))
    return _load(conn, name)[0]


def create_first_admin(
    db: Database, username: str, display_name: str, password: str
) -> AccountRecord:
    """The office's first account, an administrator with the sensitive-data permission;
    refused once any account exists (then an administrator adds the others)."""
    with db.connect() as conn:
        if exist_in(conn):
            raise UnionDeskError("本机已经有账号了，请用管理员账号登录后在「账号管理」中添加。")
        return _insert(db, conn, username, display_name, password, acting.ADMIN, True)


def add(
    db: Database,
    username: str,
    display_name: str,
    password: str,
    role: str = acting.STAFF,
    *,
    sensitive: bool = False,
) -> AccountRecord:
    """A new account (administrators only)."""
    with db.connect() as conn:
        _require_admin(conn)
        return _insert(db, conn, username, display_name, password, role, sensitive)


# -- passwords ---------------------------------------------------------------------


def _set_password(
    db: Database, conn: Connection, account: AccountRecord, new_password: str, what: str
) -> None:
    passwords.check_rules(new_password, username=account.username, field="new_password")
    _change(
        conn,
        account.id,
        password_hash=passwords.hash_password(new_password),
        password_changed_at=db.clock.utcnow(),
        failed_attempts=0,
        locked_until=None,
    )
    audit.record_in(conn, audit.ACCOUNT_CHANGE, f"账号 {account.username}：{what}")
    if account.role == acting.ADMIN and not account.disabled:
        hooks.notify(db, hooks.AdminSecret(hooks.SET, account.id, account.username, new_password))


#: ``reset_with_recovery_key`` on the hub: the recovery key is a file's (keys.json), and
#: the one in this PC's data dir belongs to an office's registry.
HUB_NO_RECOVERY_KEY = (
    "总库没有恢复密钥：本机数据目录中的恢复密钥属于基层单位的登记库，不能用来重置总库的账号，"
    "未做任何改动。忘记总库管理员的密码时，请另一位管理员登录后重置（uniondesk users passwd "
    "用户名）；没有其他管理员时请联系数据库管理员。"
)


def reset_with_recovery_key(
    db: Database, username: str, recovery_key: str, new_password: str
) -> AccountRecord:
    """A new password for an administrator who forgot theirs — the only administrator
    too — proven by the office's recovery key (恢复密钥, kept in the safe) instead of an
    administrator's sign-in; also lifts a lockout. Audited (never the key), and the
    administrator's key slot follows, as for any new password."""
    from desktop.storage import keys  # the recovery key is checked against keys.json

    if db.paths.database_url is not None:  # any clerk could make an office and its key
        raise UnionDeskError(HUB_NO_RECOVERY_KEY)
    if keys.read_ring(keys.keys_file(db.paths)) is None:
        raise UnionDeskError("这个数据库没有恢复密钥（没有 keys.json），不能用它重置密码。")
    with db.connect(write=False) as conn:
        account, _stored = _load(conn, username)
    if account.role != acting.ADMIN or account.disabled:
        raise UnionDeskError(
            f"恢复密钥只用于重置可用的管理员的密码；账号「{account.username}」"
            f"（{account.role_label}）的密码请管理员重置。未做任何改动。"
        )
    passwords.check_rules(new_password, username=account.username, field="new_password")
    try:
        keys.unlock_with_recovery_key(db.paths, recovery_key)
    except UnionDeskError:
        audit.record(
            db, audit.LOGIN_FAILED, f"账号 {account.username}：用恢复密钥重置密码时恢复密钥不对"
        )
        raise
    with db.connect() as conn:
        _set_password(db, conn, account, new_password, "用恢复密钥重置了密码")
        return _load(conn, username)[0]


def change_password(db: Database, username: str, old_password: str, new_password: str) -> None:
    """Change one's own password; the old one proves who asks. A wrong old password
    counts toward the lockout like a failed sign-in (else an unattended window would be
    a way to guess it), and a locked account cannot change its password."""
    now = db.clock.utcnow()
    with db.connect(write=False) as conn:
        account, stored = _load(conn, username)
    left = lockout.left_after_settling(db, account.id, account.locked_until, now)
    if left:
        raise UnionDeskError(lockout.locked_message(left))
    if not passwords.verify(stored, old_password):  # outside the write lock: it takes time
        with db.connect() as conn:
            locked = lockout.register_failure(conn, account.id, now)
            audit.record_in(
                conn, audit.LOGIN_FAILED, f"账号 {account.username}：修改密码时原密码错误"
            )
        if locked:
            raise UnionDeskError(lockout.locked_message(locked))
        raise ValidationError("「原密码」不正确，请重新输入。", field="old_password")
    with db.connect() as conn:
        account, _stored = _load(conn, username)
        if old_password == new_password:
            raise ValidationError("「新密码」不能与原密码相同，请换一个。", field="new_password")
        _set_password(db, conn, account, new_password, "修改了自己的密码")


def reset_password(db: Database, username: str, new_password: str) -> None:
    """Set another account's password without the old one (administrators only); also
    lifts a lockout. The clerk should change it at the next sign-in."""
    with db.connect() as conn:
        _require_admin(conn)
        account, _stored = _load(conn, username)
        _set_password(db, conn, account, new_password, "管理员重置了密码")


# -- status and permissions --------------------------------------------------------


def set_disabled(db: Database, username: str, disabled: bool) -> AccountRecord:
    """Disable (refuse all sign-ins) or enable an account (administrators only); never
    the last active administrator. Enabling also lifts a lockout."""
    with db.connect() as conn:
        _require_admin(conn)
        account, _stored = _load(conn, username)
        if account.disabled == disabled:
            if disabled or (account.locked_until is None and not account.failed_attempts):
                return account
            # enabling an account that is not disabled: lift its lock (or failure count)
            _change(conn, account.id, failed_attempts=0, locked_until=None)
            audit.record_in(conn, audit.ACCOUNT_CHANGE, f"账号 {account.username}：解除锁定")
            return _load(conn, username)[0]
        if disabled:
            _keep_an_admin(conn, account)
            _change(conn, account.id, disabled=True)
        else:
            _change(conn, account.id, disabled=False, failed_attempts=0, locked_until=None)
        what = "停用" if disabled else "启用"
        audit.record_in(conn, audit.ACCOUNT_CHANGE, f"账号 {account.username}：{what}")
        if disabled and account.role == acting.ADMIN:
            hooks.notify(db, hooks.AdminSecret(hooks.REVOKED, account.id, account.username))
        return _load(conn, username)[0]


def disable(db: Database, username: str) -> AccountRecord:
    return set_disabled(db, username, True)


def enable(db: Database, username: str) -> AccountRecord:
    return set_disabled(db, username, False)


def set_role(db: Database, username: str, role: str) -> AccountRecord:
    """Give an account another role (administrators only); never demote the last active
    administrator. A new administrator's key slot is added at its next sign-in."""
    check_role(role)
    with db.connect() as conn:
        _require_admin(conn)
        account, _stored = _load(conn, username)
        if account.role == role:
            return account
        if role != acting.ADMIN:
            _keep_an_admin(conn, account)
        _change(conn, account.id, role=role)
        audit.record_in(
            conn,
            audit.ACCOUNT_CHANGE,
            f"账号 {account.username}：角色由{account.role_label}改为{acting.ROLE_LABELS[role]}",
        )
        if account.role == acting.ADMIN and not account.disabled:
            hooks.notify(db, hooks.AdminSecret(hooks.REVOKED, account.id, account.username))
        return _load(conn, username)[0]


def set_sensitive(db: Database, username: str, sensitive: bool) -> AccountRecord:
    """Grant or take back the permission for sensitive care data (administrators only)."""
    with db.connect() as conn:
        _require_admin(conn)
        account, _stored = _load(conn, username)
        if account.sensitive == sensitive:
            return account
        _change(conn, account.id, sensitive=sensitive)
        what = "授予" if sensitive else "取消"
        audit.record_in(
            conn, audit.ACCOUNT_CHANGE, f"账号 {account.username}：{what}查看敏感信息权限"
        )
        return _load(conn, username)[0]


# -- a restore -------------------------------------------------------------------------


def snapshot(db: Database) -> list[dict[str, Any]]:
    """Every account as stored, for a restore to carry over (``carry_over_in``)."""
    with db.connect(write=False) as conn:
        return [dict(row._mapping) for row in conn.execute(select(_T).order_by(_T.c.id))]


def carry_over_in(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Put ``rows`` (a ``snapshot`` of the registry before a restore) in place of the
    restored registry's accounts, in the caller's transaction. Accounts say who may use
    this PC now: a restore must not let a clerk disabled since the backup sign in again,
    nor bring back a password changed since (``keys.json``, which a restore keeps, holds
    the administrators' current passwords too)."""
    conn.execute(delete(_T))
    if rows:
        conn.execute(insert(_T), rows)
