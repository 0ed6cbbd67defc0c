"""The one place that opens a raw DB-API connection to a registry file.

The engine (``database.make_engine``) and the helpers beside it — the health checks, the
WAL checkpointer, backups, the revision probe — each need a plain DB-API connection to
the same file with the same driver. They all come from here, so the file's driver (and
anything it needs before the first statement) is decided in one module.

The driver is SQLCipher (``sqlcipher3``, SQLite 3.51 with FTS5): the registry and every
backup are encrypted (docs/SECURITY.md). A connection applies the database key before
any other statement, then proves it on the first page: a wrong key is
``errors.DatabaseKeyError`` here, never taken for a damaged file further up. Without a
``key`` argument the key is found the way ``keys.key_for_file`` says (``keys.json``
beside the file, the key in the installation's state dir); a file with no ``keys.json``
is read as plain SQLite (an older version's registry, before it is encrypted in place).

SQLCipher's error classes are not ``sqlite3``'s: ``Error``, ``DatabaseError``,
``OperationalError`` and ``IntegrityError`` below are tuples holding both, for
``except`` clauses and ``isinstance`` alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Literal, cast

import sqlcipher3.dbapi2 as sqlcipher

from desktop.errors import DatabaseKeyError

Mode = Literal["rw", "ro", "ro_immutable"]

#: The driver's error classes (SQLCipher's and, for plain files read elsewhere, sqlite3's).
Error = (sqlcipher.Error, sqlite3.Error)
DatabaseError = (sqlcipher.DatabaseError, sqlite3.DatabaseError)
OperationalError = (sqlcipher.OperationalError, sqlite3.OperationalError)
IntegrityError = (sqlcipher.IntegrityError, sqlite3.IntegrityError)
Connection = sqlcipher.Connection
#: The DB-API module the engine is built on (``create_engine(module=...)``).
dbapi = sqlcipher

_SQLITE_NOTADB = 26


def _bind_fast_paths() -> None:
    """Let ``None`` and ``bool`` parameters skip the driver's slow adaptation search.

    The driver binds ``int``, ``float`` and ``str`` directly, but every other value --
    ``None`` and ``bool`` included -- first goes through its adapter protocol: a failed
    lookup in the adapter table, then a failed ``__adapt__`` and ``__conform__``
    attribute lookup, each raising and clearing an exception. That costs ~2 µs per
    parameter, and a member row binds a dozen empty columns: 100,000 rows of 20 ``None``
    took 4.1 s of CPU against 0.16 s for integers (docs/benchmarks.md, eighteenth
    session). An adapter found in the table skips the search: ``{}.get`` returns
    ``None`` for ``None`` (bound as NULL, as before) and ``int`` turns ``True`` into
    ``1`` (what the driver stored for a ``bool`` anyway). Both are builtins, so the call
    costs no Python frame.
    """
    as_null = cast("Callable[[None], None]", {}.get)  # get(None) is None: one C call
    sqlcipher.register_adapter(type(None), as_null)
    sqlcipher.register_adapter(bool, int)


_bind_fast_paths()

#: Sentinel: find the key from ``keys.json`` and the state dir.
AUTO: bytes = b"auto"
#: An explicit "no key": the file is plain SQLite (an older version's, or a foreign one).
PLAIN: bytes = b""


def key_pragma(key: bytes) -> str:
    """The statement that keys a connection with a raw 256-bit key (no PBKDF2 per open)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(
    path: Path,
    *,
    mode: Mode = "rw",
    check_same_thread: bool = True,
    autocommit: bool = False,
    timeout: float = 5.0,
    key: bytes = AUTO,
) -> sqlcipher.Connection:
    """A raw connection to ``path``, keyed and proved before it is returned.

    ``ro`` never writes the file (a refused or damaged file stays as it was);
    ``ro_immutable`` is for a copy no one else writes (no ``-shm`` is made beside it).
    ``autocommit``: the driver issues no BEGIN of its own. ``key``: ``AUTO`` (the
    default) looks it up (``keys.key_for_file``; raises ``DatabaseKeyMissingError`` when
    the file is encrypted and this installation lacks its key), ``PLAIN`` reads a plain
    file, else the 32-byte key itself.
    """
    if key is AUTO:
        from desktop.storage import keys  # keys imports nothing of this module's users

        found = keys.key_for_file(path)
        key = PLAIN if found is None else found
    isolation: Literal["DEFERRED"] | None = None if autocommit else "DEFERRED"
    if mode == "rw":
        con = sqlcipher.connect(
            str(path),
            check_same_thread=check_same_thread,
            isolation_level=isolation,
            timeout=timeout,
        )
    else:
        query = "mode=ro" if mode == "ro" else "mode=ro&immutable=1"
        con = sqlcipher.connect(
            f"{path.as_uri()}?{query}",
            uri=True,
            check_same_thread=check_same_thread,
            isolation_level=isolation,
            timeout=timeout,
        )
    try:
        apply_key(con, key, path)
    except BaseException:
        con.close()
        raise
    return con


def apply_key(con: sqlcipher.Connection, key: bytes, path: Path) -> None:
    """Key ``con`` (nothing for a plain file) and read the first page to prove the key.

    SQLCipher says "file is not a database" when page 1 does not decrypt: with a key
    given that means the wrong key (or a first page overwritten): ``DatabaseKeyError``,
    whose message never calls the file damaged, so nothing moves it aside.
    """
    con.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print to stderr
    if not key:
        return
    con.execute(key_pragma(key))
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == _SQLITE_NOTADB or "not a database" in str(exc):
            raise DatabaseKeyError(wrong_key_message(path)) from None
        raise


def wrong_key_message(path: Path) -> str:
    return (
        f"无法用本机保存的密钥解开数据库文件 {path}：密钥不对（例如 keys.json 来自另一份数据库），"
        "或文件开头已被改写。文件未做任何改动。请运行 uniondesk unlock，输入管理员密码或恢复密钥"
        "重新解锁；如果仍然不行，请从备份恢复。"
    )
