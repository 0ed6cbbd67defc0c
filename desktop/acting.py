"""Who is acting: the account signed in to this window or command.

A process serves one person at a time (one window, or one CLI command run with
``--user``), so the signed-in account is process-wide state, set by the log-in (views or
CLI) and read by the audit trail and the permission checks below the UI. Before any
account exists (a registry from before accounts, or a test that never signs in) the
actor is the operating-system account with no role, and ``signed_in`` is False.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from desktop.errors import PermissionDeniedError

UNKNOWN_USER = "（未知用户）"

#: Account roles (codes stored with the account; labels shown to the clerk).
ADMIN, STAFF, READONLY = "admin", "staff", "readonly"
ROLE_LABELS = {ADMIN: "管理员", STAFF: "工作人员", READONLY: "只读"}

#: Permissions. WRITE: change records (admin, staff). ADMINISTER: accounts, settings,
#: restore, erasure (admin). SENSITIVE: health, disability and income data in care
#: records — granted per account, apart from the role.
WRITE, ADMINISTER, SENSITIVE = "write", "administer", "sensitive"
PERMISSION_LABELS = {WRITE: "修改数据", ADMINISTER: "管理账号和设置", SENSITIVE: "查看敏感信息"}


@dataclass(frozen=True)
class Actor:
    """The account behind an action. ``role`` is an account role code (admin, staff,
    readonly) or "" for the operating-system fallback; ``sensitive`` is the separate
    permission for health, disability and income data in care records."""

    username: str
    display_name: str
    role: str = ""
    sensitive: bool = False
    account_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.account_id is not None

    def may(self, permission: str) -> bool:
        """Whether this actor holds ``permission``. Before accounts exist (nobody signed
        in) the registry has no roles yet and every action stays open, as before."""
        if not self.signed_in:
            return True
        if permission == SENSITIVE:
            return self.sensitive
        if permission == WRITE:
            return self.role in (ADMIN, STAFF)
        if permission == ADMINISTER:
            return self.role == ADMIN
        raise ValueError(f"unknown permission: {permission}")


_lock = threading.Lock()
_current: Actor | None = None
#: A worker thread's own actor (``pinned``): the account that started its task.
_pins = threading.local()


def os_user() -> str:
    """The operating-system account name; never fails (getpass raises when none is found)."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except Exception:  # OSError / KeyError / ImportError, depending on platform and version
        return UNKNOWN_USER


def _pinned() -> Actor | None:
    return getattr(_pins, "actor", None)


def current() -> Actor:
    """The signed-in account (this thread's pinned one first), else the operating-system
    account (no role)."""
    pin = _pinned()
    if pin is not None:
        return pin
    with _lock:
        if _current is not None:
            return _current
    name = os_user()[:100]
    return Actor(username=name, display_name=name)


def signed_in_actor() -> Actor | None:
    """The actor set by a sign-in (or ``acting_as``), else None — without asking the OS
    for its account name, so a check made for every SQL statement stays cheap."""
    pin = _pinned()
    if pin is not None:
        return pin
    with _lock:
        return _current


def sign_in(actor: Actor) -> None:
    global _current
    with _lock:
        _current = actor


def sign_out() -> None:
    global _current
    with _lock:
        _current = None


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Run a block as ``actor`` (tests, and a CLI command's scope), restoring the previous one."""
    global _current
    with _lock:
        previous = _current
        _current = actor
    try:
        yield actor
    finally:
        with _lock:
            _current = previous


@contextmanager
def pinned(actor: Actor) -> Iterator[Actor]:
    """Run a block on this thread as ``actor`` whatever the process's account becomes
    meanwhile: a background task acts as the account that started it, even when another
    person signs in at the idle lock before it ends (its writes are checked, and its audit
    entries written, for the one who started it). Other threads are not affected."""
    previous = _pinned()
    _pins.actor = actor
    try:
        yield actor
    finally:
        _pins.actor = previous


def require(permission: str) -> Actor:
    """The current actor, or ``PermissionDeniedError`` naming what its role lacks."""
    actor = current()
    if not actor.may(permission):
        role = ROLE_LABELS.get(actor.role, actor.role or "未登录")
        raise PermissionDeniedError(
            f"账号「{actor.display_name}」（{role}）没有「{PERMISSION_LABELS[permission]}」的权限，"
            "请让管理员操作或为该账号授权。"
        )
    return actor
