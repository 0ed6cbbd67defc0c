"""One domain error type whose message is the Chinese text a clerk reads.

The GUI shows ``str(error)`` as it is, the CLI prints it to stderr and exits 1.
``field`` names the glossary field so a dialog can put the message next to it.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlcipher3.dbapi2 as sqlcipher


class UnionDeskError(Exception):
    """A refused action: nothing was written, the message says what and where."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(UnionDeskError):
    """Bad input for one field (or several, joined into one message)."""

    def __init__(
        self, message: str, *, field: str | None = None, problems: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.problems: dict[str, str] = dict(problems or ({field: message} if field else {}))


class NotFoundError(UnionDeskError):
    """The record asked for does not exist (or was deleted)."""


@dataclass(frozen=True)
class FieldDifference:
    """One field of a record that another clerk saved while this one was editing it.

    ``theirs`` (the value stored now) and ``yours`` (what this clerk typed, or the value
    they loaded when they left the field alone) are display text, ID numbers and phones
    already masked (``models.masking``): a difference may be shown, never logged.
    """

    field: str
    label: str
    theirs: str
    yours: str


class EditConflictError(UnionDeskError):
    """The record changed since the clerk loaded it (optimistic version check): nothing
    was written. The message names the changed fields' labels only (it may reach a
    log); ``differences`` carries the values for the dialog, and ``version`` the version
    stored now, with which a clerk who has seen them may save over them knowingly."""

    def __init__(
        self, message: str, *, differences: Iterable[FieldDifference], version: int
    ) -> None:
        super().__init__(message)
        self.differences: tuple[FieldDifference, ...] = tuple(differences)
        self.version = version


class DatabaseError(UnionDeskError):
    """The database file cannot be used: not a database, too new, read-only."""


class DatabaseKeyError(DatabaseError):
    """The database key this installation holds does not open the file (wrong key). Never
    reported as damage: the file is left exactly as it is."""


class DatabaseKeyMissingError(DatabaseKeyError):
    """The data dir's database is encrypted (``keys.json``) but this installation has no
    key for it: the folder was moved or restored on another PC. An administrator's
    password or the recovery key unlocks it (``uniondesk unlock``, the start-up dialog)."""


class StorageFullError(UnionDeskError):
    """The disk (or the database's page limit) is full: the transaction was rolled back."""


class DatabaseBusyError(UnionDeskError):
    """Another window or command held the write lock for longer than the busy timeout."""


class FileAccessError(UnionDeskError):
    """A file named by the clerk cannot be read or written (missing, no permission …)."""


class MissingGlyphsError(UnionDeskError):
    """A printout holds characters no font here can draw; ``chars`` lists them. Callers
    may ask the clerk and print again with ``allow_missing_glyphs`` (drawn as 〓)."""

    def __init__(self, message: str, chars: list[str]) -> None:
        super().__init__(message)
        self.chars = chars


class PermissionDeniedError(UnionDeskError):
    """The signed-in account's role does not allow this action (nothing was done)."""


# SQLite's primary result codes (https://sqlite.org/rescode.html), read from
# ``sqlite3.Error.sqlite_errorcode`` (Python 3.11+; SQLCipher's driver has the same
# attribute on its own, unrelated, error classes); the extended code's low byte.
_DRIVER_ERRORS = (sqlite3.Error, sqlcipher.Error)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
# The same, recognised by message when the code is missing (SQLAlchemy re-raised it).
_SQLITE_MESSAGES = (
    ("database or disk is full", _SQLITE_FULL),
    ("database is locked", _SQLITE_BUSY),
    ("database table is locked", _SQLITE_LOCKED),
    ("readonly database", _SQLITE_READONLY),
    ("disk i/o error", _SQLITE_IOERR),
    ("database disk image is malformed", _SQLITE_CORRUPT),
    ("file is not a database", _SQLITE_NOTADB),
    ("unable to open database file", _SQLITE_CANTOPEN),
)
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the DBAPI error SQLAlchemy wraps (``.orig``), its causes and contexts."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 16:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nxt in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def _sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (by its code or message)."""
    if not isinstance(exc, _DRIVER_ERRORS):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    return next((c for m, c in _SQLITE_MESSAGES if m in text), None)


def _full_message(where: str) -> str:
    return f"磁盘空间不足：{where}本次操作未写入任何数据，请清理磁盘后重试。"


#: Below this much free space, an I/O error of the database is taken for a full disk.
NEARLY_FULL_BYTES = 16 * 1024 * 1024


def _nearly_full(database: str) -> bool:
    if not database:
        return False
    try:
        return shutil.disk_usage(os.path.dirname(database) or ".").free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _from_sqlite(code: int, database: str, busy_seconds: float | None) -> UnionDeskError | None:
    place = f"数据库 {database} " if database else "数据库"
    if code == _SQLITE_FULL:
        return StorageFullError(_full_message(f"{place}所在的磁盘已满（或已达到数据库大小上限），"))
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        waited = f"等了 {busy_seconds:g} 秒仍未结束" if busy_seconds else "一直没有结束"
        return DatabaseBusyError(
            f"另一个窗口或命令正在写入{place.rstrip()}，{waited}。本次操作未执行，未写入任何数据，"
            "请等它完成后重试（如果没有别的窗口在用，请关闭所有工会桌面通窗口后再试）。"
        )
    if code == _SQLITE_READONLY:
        return DatabaseError(
            f"{place}是只读的，无法写入，本次操作未写入任何数据。请在文件属性中取消「只读」"
            "或检查文件权限，或把数据目录复制到可写的位置后用 --data-dir 指定。"
        )
    if code == _SQLITE_IOERR and _nearly_full(database):
        # SQLite reports ENOSPC while growing its shared-memory or log file as an I/O
        # error (SQLITE_IOERR_SHMSIZE, _WRITE): with the disk this full, that is the cause
        return StorageFullError(_full_message(f"{place}所在的磁盘已满，"))
    if code == _SQLITE_IOERR:
        return DatabaseError(
            f"读写{place}时磁盘出错（I/O 错误），本次操作未写入任何数据。"
            "请检查磁盘或 U 盘是否已拔出、是否有坏道，然后重试。"
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return DatabaseError(
            f"{place}已损坏，本次操作未写入任何数据。请运行 uniondesk check 检查，"
            "并从 backups 文件夹中的备份恢复。"
        )
    if code == _SQLITE_CANTOPEN:
        return DatabaseError(
            f"无法打开{place.rstrip()}：请检查文件和所在文件夹是否存在、是否有读写权限。"
        )
    return None


def _from_os_error(exc: OSError, meant: str | None) -> UnionDeskError | None:
    """``meant`` is the file the command was writing: named instead of our own temporary
    name beside it (``out.pdf.part``), and when the error names no file at all."""
    path = None if exc.filename is None else os.fsdecode(exc.filename)
    if meant is not None and (path is None or path.startswith(meant)):
        path = meant
    if path is None and not exc.errno:
        return None
    name = f"「{path}」" if path is not None else "文件"
    number = exc.errno
    if number in _FULL_ERRNOS:
        return StorageFullError(_full_message(f"写入{name}时磁盘已满，"))
    if number in (errno.EACCES, errno.EPERM):
        return FileAccessError(
            f"没有权限读写{name}：请换一个有权限的位置，"
            "或检查它是否正被其他程序（如 Excel、WPS）打开。本次操作未完成。"
        )
    if number == errno.ENOENT:
        return FileAccessError(f"找不到{name}：请检查文件名和所在文件夹是否存在。")
    if number == errno.EISDIR:
        return FileAccessError(f"{name}是一个文件夹，请给出文件名。")
    if number == errno.ENOTDIR:
        return FileAccessError(f"{name}的路径中有一段不是文件夹，请检查路径。")
    if number == errno.EROFS:
        return FileAccessError(f"{name}所在的磁盘是只读的，无法写入。")
    if number == errno.ENAMETOOLONG:
        return FileAccessError(f"文件名太长：{name}，请换一个短一些的名字。")
    if number == errno.EIO:
        return FileAccessError(
            f"读写{name}时磁盘出错（I/O 错误）：请检查磁盘或 U 盘是否已拔出，然后重试。"
        )
    reason = _OS_REASONS.get(number or 0, f"系统错误码 {number}" if number else "系统错误")
    return FileAccessError(f"无法读写{name}（{reason}），本次操作未完成。")


#: What the system's less common failures mean, for the clerk: the OS's own text
#: (``exc.strerror``) is English on every PC this runs on.
_OS_REASONS: dict[int, str] = {
    errno.EPIPE: "读取输出的程序已关闭",
    errno.EBUSY: "文件正被占用",
    errno.EEXIST: "文件已存在",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EINVAL: "文件名或参数无效",
    errno.ETXTBSY: "文件正被占用",
    errno.ENODEV: "设备不存在或已拔出",
    errno.ENXIO: "设备不存在或已拔出",
    errno.ETIMEDOUT: "操作超时",
    errno.ELOOP: "路径中的链接太多",
    errno.EFBIG: "文件太大",
}


def storage_error(
    exc: BaseException,
    *,
    database: str | os.PathLike[str] | None = None,
    busy_seconds: float | None = None,
    path: str | os.PathLike[str] | None = None,
) -> UnionDeskError | None:
    """The domain error for a failure of the disk or the database file, or None.

    One place that turns SQLite's and the OS's errors (full disk, locked, read-only, no
    permission, missing file …) into the Chinese message a clerk reads. The engine raises
    it for every statement (``db.make_engine``'s ``handle_error`` hook), the CLI and the
    GUI's task runner for whatever else reaches them. The message never carries the
    original error's text: SQLAlchemy's includes the statement and its parameters,
    which hold names, ID numbers and addresses. ``database`` names the database file in
    messages about SQLite; ``path`` the file meant when an ``OSError`` names none.
    """
    place = os.fspath(database) if database is not None else ""
    for current in _chain(exc):
        code = _sqlite_code(current)
        if code is not None:
            return _from_sqlite(code, place, busy_seconds)
        if isinstance(current, OSError):
            return _from_os_error(current, None if path is None else os.fspath(path))
    return None
