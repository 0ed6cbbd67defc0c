"""Waiting for another writer: the policy the CLI and the window install.

SQLite lets one connection write at a time. Without a policy a write that finds the
database locked waits the engine's busy timeout (``database.BUSY_TIMEOUT``) and then
fails with ``DatabaseBusyError`` — right for a worker thread or a test, wrong for a
clerk whose command or window meets a long import in another window: the command should
say once that it waits and keep waiting (Ctrl+C cancels), the window should show a small
wait dialog with 取消.

The one place every write transaction passes is its ``BEGIN IMMEDIATE``
(``database._on_begin`` calls :func:`begin`), which takes the write lock before any
statement of the transaction runs: waiting there, and cancelling there, leaves the
database exactly as it was. With a policy installed the BEGIN is tried in short rounds
(``POLL_SECONDS``) and the policy is asked between rounds whether to go on.

Process-wide (one CLI command, or one window, per process). No Qt here: the window's
policy lives in ``desktop.views``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import Connection

from desktop.errors import DatabaseBusyError

#: Length of one BEGIN attempt while a policy waits (SQLite's busy handler sleeps inside).
POLL_SECONDS = 0.1


class WaitPolicy(Protocol):
    """What to do while another connection holds the write lock."""

    def keep_waiting(self, waited: float) -> bool:
        """Called after each failed round with the seconds waited so far: True to try
        again, False to give up (the write is cancelled, nothing written)."""
        ...

    def finished(self, waited: float) -> None:
        """The wait is over (the lock was taken, or the wait was given up)."""
        ...


class WriteCancelled(DatabaseBusyError):
    """The clerk stopped waiting for another writer: nothing was written."""


CANCELLED_MESSAGE = (
    "已取消：另一个窗口或命令正在写入这个数据目录，本次操作未执行，未写入任何数据。"
    "请等它完成后重试。"
)

_lock = threading.Lock()
_policy: WaitPolicy | None = None


def install(policy: WaitPolicy | None) -> WaitPolicy | None:
    """Make ``policy`` the process's (None: fail after the busy timeout, as before);
    returns the previous one."""
    global _policy
    with _lock:
        previous, _policy = _policy, policy
    return previous


def current() -> WaitPolicy | None:
    with _lock:
        return _policy


@contextmanager
def installed(policy: WaitPolicy | None) -> Iterator[None]:
    """``policy`` for the length of a block (a CLI command, a test)."""
    previous = install(policy)
    try:
        yield
    finally:
        install(previous)


def begin(conn: Connection, mode: str) -> None:
    """``BEGIN mode`` on ``conn``; a write begin waits under the installed policy."""
    policy = current()
    if policy is None or mode == "DEFERRED":
        conn.exec_driver_sql(f"BEGIN {mode}")
        return
    saved = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(POLL_SECONDS * 1000)}")
    started = time.monotonic()
    waited = 0.0
    try:
        while True:
            try:
                conn.exec_driver_sql(f"BEGIN {mode}")
                return
            except DatabaseBusyError:
                waited = time.monotonic() - started
                if not policy.keep_waiting(waited):
                    raise WriteCancelled(CANCELLED_MESSAGE) from None
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(saved or 0)}")
        if waited:
            policy.finished(waited)
