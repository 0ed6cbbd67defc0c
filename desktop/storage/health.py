"""Is the database file sound? SQLite's ``quick_check``, and what to say when it is not.

``PRAGMA quick_check`` reads every page and checks the b-tree structure, the records'
format and the free list — what a file overwritten in the middle breaks — but skips
matching each index entry to its row (``integrity_check``; 12× slower). Measured
(benchmarks/quick_check.py, docs/benchmarks.md): ~0.13 s at 100k members, ~1.35 s at
1M. Hence:

* before every backup and every bulk write (roster import, sync import, demo) a fresh
  check runs, whatever the size: those take seconds anyway, and a write into a damaged
  b-tree spreads the damage, a backup of a damaged file is no backup;
* on open in the CLI, the check runs before anything is read when the file is at most
  ``OPEN_CHECK_BYTES`` (a typical office: a read command then refuses a damaged file
  outright); a larger file, and every file the window opens, is checked on a background
  thread that starts ``START_DELAY`` after the open (or at once when a write comes): the
  first write waits for its answer, once it has found damage every later read and write
  is refused too, and ``HealthState``'s watchers are told (the window offers the last
  good backup, as when a file is refused at start). The encrypted check costs ~10 ms a
  MB: before the open it made the window's first paint wait 0.6 s at 30,000 members;
* a corrupt file is refused — reads and writes, in the CLI and the window — except by
  ``uniondesk check``, which reports it; the message names the newest backup that
  itself passes the check and how to put it back by hand.

A backup is checked the same way after it is written (and its page count must match its
size) before it is renamed into the rotation, so the rotation holds only good copies. A
compressed backup (``.udbak``, ``packed_backup``) is packed from such a checked copy; its
check is that every chunk authenticates and decompresses into the pages it declares, and a
restore unpacks it and checks the result like any copy.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc

from desktop import clock
from desktop.errors import DatabaseError, DatabaseKeyError
from desktop.storage import packed_backup, rawconn

log = logging.getLogger(__name__)

#: Files up to this size are checked before the open returns; larger ones in the background.
OPEN_CHECK_BYTES = 64 * 1024 * 1024
#: Seconds the open-time background check waits before it starts (unless a write asks).
START_DELAY = 2.0
#: At most this many findings are read back (a badly broken file has thousands).
MAX_FINDINGS = 10
#: The rotation's files: compressed backups, and uncompressed ones (older versions', or
#: a plain registry's).
BACKUP_PATTERNS = ("uniondesk-*.db", "uniondesk-*" + packed_backup.SUFFIX)
#: The time in a backup's name (``storage.backups.STAMP_FORMAT``): names sort by it.
_STAMP = re.compile(r"^uniondesk-(\d{8}-\d{6}-\d{6})-")
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"


class CorruptDatabaseError(DatabaseError):
    """The database (or a backup of it) fails SQLite's integrity check."""

    def __init__(self, message: str, findings: list[str]) -> None:
        super().__init__(message)
        self.findings = findings


def quick_check(path: Path, *, key: bytes = rawconn.AUTO) -> list[str]:
    """SQLite's findings for the file at ``path``: empty when it is sound.

    Through its own read-only connection, so the check never writes (a damaged file must
    stay as it is) and can run beside the application's connections. A file SQLite
    cannot even read is one finding. An encrypted file is keyed first (``rawconn``); a
    missing or wrong key is raised (``DatabaseKeyError``), never a finding: the file is
    not damaged and must not be treated as such.
    """
    try:
        con = rawconn.connect(path, mode="ro", check_same_thread=False, key=key)
    except rawconn.Error as exc:
        return [f"无法读取：{exc}"]
    try:
        return _findings(con)
    finally:
        con.close()


def _findings(con: rawconn.Connection) -> list[str]:
    try:
        rows = [str(r[0]) for r in con.execute(f"PRAGMA quick_check({MAX_FINDINGS})")]
    except rawconn.DatabaseError as exc:  # "database disk image is malformed", "not a database"
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def check_connection(conn: Connection) -> None:
    """``quick_check`` on a connection already in the caller's (write) transaction — for a
    bulk write given a connection rather than the database; refuses a damaged file."""
    from desktop.config import Paths

    try:
        rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA quick_check({MAX_FINDINGS})")]
    except sa_exc.DatabaseError as exc:
        rows = [str(exc.orig)]
    if rows == ["ok"]:
        return
    file = str(conn.exec_driver_sql("PRAGMA database_list").first()[2])  # type: ignore[index]
    paths = Paths(Path(file).parent)
    raise refuse(paths.database, paths.backups, rows)


def verify_backup(path: Path, *, key: bytes = rawconn.AUTO) -> list[str]:
    """Why the backup at ``path`` cannot be trusted; empty when it can.

    It passes ``quick_check``, its size is exactly its page count times its page size
    (a truncated copy is not), and it is a UnionDesk registry whose tables can be read.
    A compressed backup: ``verify_packed``.
    """
    if packed_backup.is_packed(path):
        return verify_packed(path, key=key)
    try:
        # immutable: a copy has no other writer, and no -shm file is made beside it
        con = rawconn.connect(path, mode="ro_immutable", key=key)
    except rawconn.Error as exc:
        return [f"无法读取：{exc}"]
    except DatabaseKeyError as exc:  # not damage, but no copy this PC can restore from
        return [exc.message]
    try:
        findings = _findings(con)
        if findings:
            return findings
        try:
            pages = int(con.execute("PRAGMA page_count").fetchone()[0])
            page_size = int(con.execute("PRAGMA page_size").fetchone()[0])
            con.execute("SELECT version_num FROM alembic_version").fetchall()
            con.execute("SELECT count(*) FROM members").fetchone()
        except rawconn.Error as exc:
            return [f"不是完整的登记库：{exc}"]
        size = path.stat().st_size
        if pages == 0 or pages * page_size != size:
            return [f"文件大小 {size} 字节与页数 {pages}×{page_size} 不符"]
        return []
    finally:
        con.close()


def verify_packed(path: Path, *, key: bytes = rawconn.AUTO) -> list[str]:
    """Why the compressed backup at ``path`` cannot be trusted; empty when it can: it was
    written under ``key`` (by default the one its ``.keys.json`` names), every chunk
    authenticates and decompresses, and it holds the pages its header declares."""
    from desktop.storage import keys

    try:
        header = packed_backup.read_header(path)
        if key is rawconn.AUTO:
            found = keys.key_for_file(path)
            if found is None:
                return ["缺少与备份同名的 .keys.json 密钥文件，无法解开这份备份"]
            key = found
    except packed_backup.PackedBackupError as exc:
        return [str(exc)]
    except DatabaseError as exc:  # no key here (not damage), or an unreadable .keys.json
        return [exc.message]
    if header.key_id != keys.key_id(key):
        return ["这份备份用另一把密钥写入，与它旁边的 .keys.json 不符"]
    return packed_backup.check(path, key)


def backup_paths(folder: Path) -> list[Path]:
    """Every file of the rotation's kinds in ``folder`` (unsorted)."""
    return [p for pattern in BACKUP_PATTERNS for p in folder.glob(pattern)]


def named_after(path: Path, now: datetime) -> bool:
    """Whether ``path``'s name gives a time after ``now``: it was made while the PC's
    clock was ahead, so its name does not say when it was made."""
    match = _STAMP.match(path.name)
    return match is not None and match.group(1) > now.strftime(STAMP_FORMAT)


def backups_newest_first(folder: Path, now: datetime | None = None) -> list[Path]:
    """The rotation's backups, newest first (their names sort by time). With ``now``, a
    backup named after it (``named_after``: the clock was ahead when it was made) comes
    after every backup named up to now: its data is older than its name says, and the
    clerk must not be sent to it as the newest."""
    ordered = sorted(backup_paths(folder), reverse=True)
    if now is None:
        return ordered
    ahead = [p for p in ordered if named_after(p, now)]
    return [p for p in ordered if p not in ahead] + ahead


def last_good_backup(folder: Path, now: datetime | None = None) -> Path | None:
    """The newest backup that passes :func:`verify_backup` (older versions kept any);
    one named in the future comes after those named up to ``now`` (default: the process's
    clock, ``desktop.clock``)."""
    at = clock.current().now() if now is None else now
    for candidate in backups_newest_first(folder, at):
        if not verify_backup(candidate):
            return candidate
        log.warning("backup fails its check: %s", candidate.name)
    return None


#: Our own findings that wrap the driver's or the OS's (English) words after a prefix.
_UNREADABLE, _NOT_A_REGISTRY = "无法读取：", "不是完整的登记库："
_CJK = re.compile(r"[\u4e00-\u9fff]")
_logged: list[tuple[str, ...]] = []


def _problems(findings: list[str]) -> list[str]:
    return [
        line.strip()
        for finding in findings
        for line in finding.splitlines()
        if line.strip() and not line.strip().startswith("***")
    ]


def _sqlite_words(problem: str) -> bool:
    """A finding in SQLite's (or the OS's) own English words, whole or after one of our
    prefixes: it goes to the log, and the clerk reads what kind of problem it is."""
    return problem.startswith((_UNREADABLE, _NOT_A_REGISTRY)) or not _CJK.search(problem)


def _log_once(english: list[str]) -> None:
    """SQLite's findings, for technical support (page and cell numbers, never a value
    from a record), logged once however often the clerk's message is built."""
    seen = tuple(english)
    if seen and seen not in _logged:
        _logged[:] = [seen]
        log.warning("integrity findings: %s", "; ".join(english))


def finding_summary(findings: list[str]) -> str:
    """What a check found, in Chinese, in one line: our own findings as they are (the
    first one and how many more), SQLite's English diagnostics (「Tree 6 page 2265 cell
    3: …」, 「database disk image is malformed」) as what kind of problem and how many
    (「完整性检查发现 10 处结构错误」). SQLite's own words go to the log only (the log and
    ``check --json`` keep them all)."""
    problems = _problems(findings)
    if not problems:
        return "发现问题"
    english = [p for p in problems if _sqlite_words(p)]
    _log_once(english)
    ours = [p for p in problems if not _sqlite_words(p)]
    if ours:
        more = f"，另有 {len(problems) - 1} 处问题" if len(problems) > 1 else ""
        return ours[0] + more
    first = english[0]
    if first.startswith(_UNREADABLE):
        return "文件无法读取（不是完整的数据库文件，或磁盘读取出错）"
    if first.startswith(_NOT_A_REGISTRY):
        return "不是完整的登记库（其中的数据表无法读取）"
    if "malformed" in first or "not a database" in first:
        return "读取时发现文件结构已损坏"
    count = len(english)
    at_least = "至少 " if count >= MAX_FINDINGS else ""
    return f"完整性检查发现 {at_least}{count} 处结构错误"


def damage_summary(database: Path, findings: list[str]) -> str:
    """What is wrong, in one sentence: every message about a damaged file starts with it."""
    return f"数据库 {database} 已损坏（{finding_summary(findings)}）。"


def corruption_message(
    database: Path,
    backups: Path,
    findings: list[str],
    *,
    reported: bool = False,
    now: datetime | None = None,
) -> str:
    """The clerk's message: what is wrong, that nothing was written, how to restore.

    ``reported``: said by ``uniondesk check``, which found it, rather than by a refusal.
    ``now``: the database's clock (default: the process's), for which backup is newest.
    """
    head = damage_summary(database, findings) + (
        "工会桌面通将拒绝读写此数据库，以防损坏扩散。"
        if reported
        else "为防止损坏扩散，本次操作已拒绝（只有 uniondesk check 可以读取它），"
        "数据库未做任何改动。"
    )
    good = last_good_backup(backups, now)
    if good is None:
        return head + (
            f"备份文件夹 {backups} 中没有完好的备份。请不要继续使用此数据库，"
            "保留原文件并联系技术支持。"
        )
    restore = (
        f"最近一份完好的备份：{good}。恢复方法：运行 uniondesk backup restore {good.name}"
        "（或重新打开工会桌面通，按提示恢复）"
    )
    if packed_backup.is_packed(good):  # compressed: only the program can put it back
        return (
            head
            + restore
            + (
                "；恢复前的数据库会移到 backups 文件夹中保留，不会删除。"
                "备份之后录入的数据需要重新录入或从同步包重新导入。"
            )
        )
    return (
        head
        + restore
        + (
            "；也可以手动操作："
            f"① 关闭工会桌面通；② 把 {database.name} 改名保留（例如 {database.name}.damaged），"
            f"并把同一文件夹中的 {database.name}-wal、{database.name}-shm 一并改名；"
            f"③ 把该备份复制到数据目录并命名为 {database.name}；"
            "④ 重新打开后运行 uniondesk check。备份之后录入的数据需要重新录入或从同步包重新导入。"
        )
    )


def refuse(
    database: Path, backups: Path, findings: list[str], now: datetime | None = None
) -> CorruptDatabaseError:
    message = corruption_message(database, backups, findings, now=now)
    return CorruptDatabaseError(message, findings)


def report(database: Path, backups: Path, findings: list[str], now: datetime | None = None) -> str:
    """What ``uniondesk check`` says about a damaged file."""
    return corruption_message(database, backups, findings, reported=True, now=now)


class HealthState:
    """What the last check of the open database found (None: not checked yet), and who
    is told when a check finds damage: the window, which then offers the last good backup
    as it does when a file is refused at start."""

    def __init__(self) -> None:
        self.findings: list[str] | None = None
        self._watchers: list[Callable[[list[str]], None]] = []
        self._lock = threading.Lock()

    @property
    def corrupt(self) -> bool:
        return bool(self.findings)

    def record(self, findings: list[str]) -> None:
        """Keep a check's findings; when they newly show damage, tell the watchers (on
        the thread that found it: a background check's, or a statement's)."""
        with self._lock:
            newly = bool(findings) and not self.corrupt
            self.findings = findings
            watchers = list(self._watchers) if newly else []
        for watcher in watchers:
            watcher(findings)

    def watch(self, callback: Callable[[list[str]], None]) -> None:
        """Call ``callback(findings)`` when damage is found, at once if it already was."""
        with self._lock:
            self._watchers.append(callback)
            found = list(self.findings) if self.findings else None
        if found:
            callback(found)


class BackgroundCheck:
    """``quick_check`` on its own thread, so the open returns at once (a large file, or any
    file the window opens).

    It starts ``START_DELAY`` seconds after the open (the window's first paint and first
    queries come first on a 2-core PC), or at once when a write wants its answer:
    ``wait()`` starts it if needed and waits for the findings; ``close()`` stops the
    check (``interrupt``) when the database closes first.
    """

    def __init__(self, path: Path, state: HealthState) -> None:
        self._path = path
        self._state = state
        self._con: rawconn.Connection | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._go = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quick-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._go.wait(START_DELAY)
        if self._closed:
            return
        try:
            con = rawconn.connect(self._path, mode="ro", check_same_thread=False)
        except rawconn.Error as exc:
            self._state.record([f"无法读取：{exc}"])
            return
        except DatabaseKeyError:  # the key went while open: not damage, nothing to mark
            log.warning("background check could not key the database")
            return
        with self._lock:
            if self._closed:
                con.close()
                return
            self._con = con
        try:
            findings = _findings(con)
        finally:
            with self._lock:
                self._con = None
            con.close()
        if not self._closed:
            self._state.record(findings)
            if findings:
                log.error("database fails quick_check: %s", "; ".join(findings[:3]))

    def wait(self) -> None:
        self._go.set()
        self._thread.join()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._con is not None:
                self._con.interrupt()
        self._go.set()
        self._thread.join()
