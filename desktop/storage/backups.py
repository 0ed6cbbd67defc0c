"""The backups folder: its catalog, checks, rotation, the second copy and restore's file moves.

``Database.backup`` writes a backup (SQLite's online backup API, checked, then packed by
:func:`pack` before it joins the rotation) as ``backups/uniondesk-<local time>-<reason>.udbak``:
compressed and encrypted (``packed_backup``; an older version's uncompressed
``….db`` backups are read as before). This module is what is done with those files,
without knowing the models:

* the **catalog** reads created time and reason back from the name (the name is the
  record: a backup copied to a USB stick and back still says what it is), size, and the
  last check's outcome from a small ledger (``checks.json``, names and dates only);
* **rotation** keeps the newest ``keep`` backups plus the newest backup of each of the
  last 12 calendar months (an office notices a mistake months later); "today" comes from
  the caller's clock;
* the **second copy** goes to a folder or USB stick the office chose, checked there too;
  a stick that is not plugged in is a warning, never a failed backup;
* **restore's file moves**: the chosen backup is checked first and made ready beside the
  database (unpacked, or copied, then checked again as the database it will be), then the
  current database and its ``-wal``/``-shm`` are moved aside into
  ``backups/replaced-<stamp>/`` (never deleted: the clerk may have picked the wrong date)
  and the ready file is renamed into place. The caller closes the database before and
  reopens it after (``desktop.opening`` binds the sync identity then: docs/SYNC.md,
  "Identity").

A backup may carry a sidecar ``<file name>.keys.json`` (the wrapped key of an encrypted
backup): it travels with its backup wherever the backup is copied, moved or removed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc

from desktop.errors import DatabaseError
from desktop.private_files import create_private, make_private, private_dir, write_private
from desktop.storage import cipher_pages, health, keys, packed_backup, rawconn, settings_store
from desktop.storage.migrations import known_revisions

log = logging.getLogger(__name__)

#: Backups kept by count when the office set nothing (``settings_store.BACKUP_KEEP``).
DEFAULT_KEEP = 30
KEEP_MIN, KEEP_MAX = 1, 365
#: Besides the newest ``keep``: the newest backup of each of this many calendar months.
MONTHS_KEPT = 12
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
LEDGER_NAME = "checks.json"
REPLACED_PREFIX = "replaced-"
_NAME = re.compile(r"^uniondesk-(\d{8}-\d{6}-\d{6})-(.+)\.(?:db|udbak)$")
#: Beside the database while a restore makes its file ready (removed if it fails).
STAGING_SUFFIX = ".restoring"


@dataclass(frozen=True)
class BackupFile:
    """One backup in a folder. ``verified``: the last check passed (True), failed (False),
    or was never recorded here (None); ``second_copy``: the same file in the second-copy
    folder, when there is one."""

    path: Path
    created: datetime  # local time, as written in the name
    reason: str
    size: int
    verified: bool | None
    checked_at: datetime | None
    second_copy: Path | None
    #: Named after the moment the catalog was read: made while the PC's clock was ahead,
    #: so its data is older than its name says (``ranked``).
    ahead: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sidecar(self) -> Path | None:
        side = sidecar_of(self.path)
        return side if side.exists() else None


@dataclass(frozen=True)
class SecondCopy:
    """Where the second copy went, or why it did not (``warning``, Chinese)."""

    path: Path | None
    warning: str = ""


@dataclass(frozen=True)
class Replaced:
    """What restore moved aside (never deleted) and what it put in place."""

    folder: Path
    moved: tuple[Path, ...]
    restored_from: Path


def sidecar_of(backup: Path) -> Path:
    """The key sidecar of ``backup``: ``<file name>.keys.json`` beside it (written by
    ``Database.backup`` through ``keys.backup_keys_file``)."""
    return keys.backup_keys_file(backup)


def parse_name(name: str) -> tuple[datetime, str] | None:
    """(created, reason) from a backup's file name; None when it is not one of ours."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), STAMP_FORMAT), match.group(2)
    except ValueError:
        return None


def backup_name(created: datetime, reason: str) -> str:
    """The name ``Database.backup`` gives a backup made at ``created`` for ``reason``."""
    return f"uniondesk-{created.strftime(STAMP_FORMAT)}-{reason}{packed_backup.SUFFIX}"


# -- the check ledger --------------------------------------------------------------------


def _ledger(folder: Path) -> dict[str, dict[str, object]]:
    path = folder / LEDGER_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_check(folder: Path, name: str, ok: bool, at: datetime) -> None:
    """Remember the outcome of checking backup ``name`` (names and times only)."""
    ledger = _ledger(folder)
    ledger[name] = {"ok": ok, "at": at.isoformat(timespec="seconds")}
    present = {p.name for p in health.backup_paths(folder)}
    ledger = {k: v for k, v in ledger.items() if k in present}
    try:
        write_private(folder / LEDGER_NAME, json.dumps(ledger, sort_keys=True).encode())
    except OSError as exc:  # the ledger is a convenience; the backup itself stands
        log.warning("backup check ledger not written: %s", type(exc).__name__)


def verify(path: Path, *, at: datetime | None = None) -> list[str]:
    """Why the backup at ``path`` cannot be trusted (empty: it can), recorded in its
    folder's ledger when ``at`` is given."""
    if not path.is_file():
        return [f"找不到备份文件 {path.name}"]
    findings = health.verify_backup(path)
    if at is not None and parse_name(path.name) is not None:
        record_check(path.parent, path.name, not findings, at)
    return findings


# -- the catalog -------------------------------------------------------------------------


def ranked(created: datetime, now: datetime) -> tuple[bool, datetime]:
    """A backup's place among others, the newest the greatest: one named after ``now``
    was made while the PC's clock was ahead (its data is older than its name says), so
    it ranks behind every backup named up to now, whatever its name."""
    return (created <= now, created)


def catalog(folder: Path, now: datetime, second_dir: Path | None = None) -> list[BackupFile]:
    """The backups in ``folder``, newest first (files not named like ours are left out);
    those named after ``now`` last, marked ``ahead`` (``ranked``)."""
    if not folder.is_dir():
        return []
    ledger = _ledger(folder)
    found: list[BackupFile] = []
    for path in health.backups_newest_first(folder):
        parsed = parse_name(path.name)
        if parsed is None or not path.is_file():
            continue
        entry = ledger.get(path.name, {})
        ok = entry.get("ok")
        at = entry.get("at")
        other = second_dir / path.name if second_dir is not None else None
        found.append(
            BackupFile(
                path=path,
                created=parsed[0],
                reason=parsed[1],
                size=path.stat().st_size,
                verified=ok if isinstance(ok, bool) else None,
                checked_at=datetime.fromisoformat(at) if isinstance(at, str) else None,
                second_copy=other if other is not None and other.is_file() else None,
                ahead=parsed[0] > now,
            )
        )
    found.sort(key=lambda b: ranked(b.created, now), reverse=True)
    return found


def find(folder: Path, name: str) -> Path:
    """The backup called ``name`` in ``folder`` (a name, never a path into elsewhere)."""
    path = folder / Path(name).name
    if parse_name(path.name) is None or not path.is_file():
        raise DatabaseError(
            f"备份文件夹 {folder} 中没有名为 {Path(name).name} 的备份。"
            "请用 uniondesk backup list 查看现有备份的文件名。"
        )
    return path


# -- what a killed backup left ------------------------------------------------------------

#: A backup's ``.part`` files not written for this long were left by a killed backup.
STALE_PART_SECONDS = 3600
_PART_PATTERNS = ("uniondesk-*.db.part", "uniondesk-*.udbak.part")


def sweep_stale_parts(folder: Path, fresh: Path) -> list[Path]:
    """Remove the ``.part`` files a killed backup left in ``folder``; returns them.

    Only those whose last write is more than ``STALE_PART_SECONDS`` older than
    ``fresh`` (the ``.part`` this backup has just created): another window or command
    may be writing a backup into the same folder right now (two imports at once), and
    deleting its ``.part`` made it fail as if the disk were faulty. A running backup
    writes its ``.db.part`` until the copy ends and then its ``.udbak.part``, each within
    minutes even at a million members, so an hour without a write means nobody holds
    it. Age, not a lock: a lock file would need its own cleanup after a kill and works
    differently on Windows and Linux (and on network folders), while every file system
    keeps a modification time. Comparing with ``fresh``'s own time, not the clock, keeps
    the rule on the file system's clock (a PC clock set wrong, a network share's).
    """
    try:
        now = fresh.stat().st_mtime
    except OSError:
        return []
    removed: list[Path] = []
    for pattern in _PART_PATTERNS:
        for part in folder.glob(pattern):
            if part == fresh:
                continue
            try:
                if part.stat().st_mtime < now - STALE_PART_SECONDS:
                    part.unlink()
                    removed.append(part)
            except OSError:  # gone meanwhile (its backup finished), or not ours to remove
                continue
    return removed


# -- rotation ----------------------------------------------------------------------------


def to_keep(
    backups: Iterable[tuple[Path, datetime]],
    keep: int,
    today: date,
    now: datetime | None = None,
) -> set[Path]:
    """The newest ``keep`` plus the newest of each of the last ``MONTHS_KEPT`` calendar
    months (this month and the 11 before it).

    A backup named after ``now`` (default: the end of ``today``) was made while the PC's
    clock was ahead: its data is older than its name says. It counts as older than every
    backup named up to now — among the newest ``keep`` only behind them, never as its
    (future) month's newest — so a clock once set a year ahead does not make each new
    backup remove the previous real one."""
    limit = now if now is not None else datetime.combine(today, time.max)
    ordered = sorted(backups, key=lambda b: ranked(b[1], limit), reverse=True)
    kept = {path for path, _ in ordered[: max(keep, 1)]}
    this_month = today.year * 12 + today.month - 1
    months: set[int] = set()
    for path, created in ordered:
        month = created.year * 12 + created.month - 1
        if 0 <= this_month - month < MONTHS_KEPT and month not in months:
            months.add(month)
            kept.add(path)
    return kept


def removed_by(created: datetime) -> date:
    """The day from which rotation no longer keeps a backup made at ``created``, at the
    latest (``MONTHS_KEPT`` months on, the first of the month; sooner when ``keep`` newer
    backups come first and it is not its month's newest). For what a backup still holds
    after an erasure (issue 23): the person is gone from every backup by then, as long
    as backups keep being made (rotation runs after each)."""
    month = created.year * 12 + created.month - 1 + MONTHS_KEPT
    return date(month // 12, month % 12 + 1, 1)


def remove(path: Path) -> None:
    """Delete a backup and its sidecar."""
    path.unlink(missing_ok=True)
    sidecar_of(path).unlink(missing_ok=True)


def rotate(
    folder: Path,
    keep: int,
    today: date,
    protect: Path | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Remove what the rule (``to_keep``) no longer keeps; returns the removed backups.
    ``protect``: the backup just written, kept whatever the rule says; ``now``: the
    database's clock, after which a name is in the future (default: the end of
    ``today``)."""
    named: list[tuple[Path, datetime]] = []
    for path in health.backup_paths(folder):
        parsed = parse_name(path.name)
        if parsed is not None:
            named.append((path, parsed[0]))
    kept = to_keep(named, keep, today, now) | ({protect} if protect is not None else set())
    removed = [p for p, _ in named if p not in kept]
    for path in removed:
        try:
            remove(path)
        except OSError as exc:  # a stick pulled out meanwhile: the next rotation retries
            log.warning("old backup not removed: %s (%s)", path.name, type(exc).__name__)
    return removed


def read_keep(conn: Connection, default: int = DEFAULT_KEEP) -> int:
    """The office's keep count (``settings_store.BACKUP_KEEP``), else ``default``.

    A registry from before the settings table (a backup before an upgrade) has none.
    """
    try:
        value = settings_store.read(conn, settings_store.BACKUP_KEEP)
    except sa_exc.OperationalError:
        return default
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, KEEP_MIN), KEEP_MAX)


def read_second_dir(conn: Connection) -> Path | None:
    """The second-copy folder the office chose, or None."""
    try:
        value = settings_store.read(conn, settings_store.BACKUP_SECOND_COPY_DIR)
    except sa_exc.OperationalError:
        return None
    return Path(value) if value else None


# -- the second copy ---------------------------------------------------------------------


def _copy_private(source: Path, target: Path) -> None:
    """Copy through a 0600 ``.part`` beside the target, renamed when complete."""
    part = target.with_name(target.name + ".part")
    try:
        create_private(part)
        with source.open("rb") as src, part.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def second_copy(backup: Path, folder: Path, keep: int, today: date) -> SecondCopy:
    """Copy ``backup`` (and its sidecar) into ``folder``, check it there, rotate there.

    Never raises for the folder's sake: a missing stick, a full or read-only one is the
    Chinese ``warning`` of the result, and the backup in the data dir stands.
    """
    if not folder.is_dir():
        return SecondCopy(
            None,
            f"第二份备份没有写入：找不到文件夹 {folder}（U 盘是否已插好？）。"
            f"本机的备份 {backup.name} 已完成，插好 U 盘后可再点「立即备份」。",
        )
    target = folder / backup.name
    try:
        _copy_private(backup, target)
        side = sidecar_of(backup)
        if side.exists():
            _copy_private(side, sidecar_of(target))
    except OSError as exc:
        remove(target)
        return SecondCopy(
            None,
            f"第二份备份没有写入 {folder}：{exc.strerror or type(exc).__name__}"
            "（U 盘已满、只读或已拔出？）。"
            f"本机的备份 {backup.name} 已完成。",
        )
    findings = health.verify_backup(target)
    if findings:
        remove(target)
        return SecondCopy(
            None,
            f"第二份备份写入 {folder} 后校验未通过（{health.finding_summary(findings)}），"
            "已删除这份副本。"
            f"本机的备份 {backup.name} 已完成；请检查 U 盘是否有故障。",
        )
    rotate(folder, keep, today, protect=target)
    return SecondCopy(target)


def folder_problem(folder: Path) -> str:
    """Why ``folder`` cannot take second copies (Chinese), or "" when it can."""
    if not folder.is_absolute():
        return f"第二份备份的文件夹应写完整路径（例如 E:\\备份），而不是「{folder}」。"
    if not folder.is_dir():
        return f"找不到文件夹 {folder}。请先插好 U 盘或建好文件夹，再选择它。"
    probe = folder / ".uniondesk-write-test"
    try:
        create_private(probe)
        probe.unlink()
    except OSError:
        return f"文件夹 {folder} 不能写入（只读或没有权限）。请换一个文件夹。"
    return ""


# -- restore's file moves ----------------------------------------------------------------


def database_files(database: Path) -> list[Path]:
    """The database file and its ``-wal``/``-shm`` that exist now."""
    return [
        p
        for p in (
            database,
            database.with_name(database.name + "-wal"),
            database.with_name(database.name + "-shm"),
        )
        if p.exists()
    ]


def revision_of(backup: Path, *, key: bytes = rawconn.AUTO) -> str:
    """The schema revision a (checked) backup was written at (a compressed one says it in
    its header)."""
    if packed_backup.is_packed(backup):
        return packed_backup.read_header(backup).revision
    con = rawconn.connect(backup, mode="ro_immutable", key=key)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    return str(row[0]) if row else ""


# -- packing -----------------------------------------------------------------------------


def pack(copy: Path, key: bytes) -> Path | None:
    """Pack the SQLCipher copy ``copy`` (``….db.part``, closed) into the rotation's
    compressed ``….udbak`` beside it, check what was written, remove ``copy``; returns the
    packed backup, or None when the copy is not laid out as ``cipher_pages`` reads (the
    caller checks and keeps the uncompressed copy then: a backup is never lost for the
    sake of space).

    Reading the copy checks every page's HMAC: a page the disk did not keep as SQLCipher
    wrote it is refused (``DatabaseError``), so the copy needs no ``quick_check`` of its
    own here — the database was checked just before it was copied, and the backup API
    copies its pages exactly.

    The packed file is written through its own ``.part`` and fsynced before it is renamed;
    reading it back authenticates every chunk, so a disk that wrote it wrong fails here,
    not at the restore months later.
    """
    target = copy.with_name(copy.name.removesuffix(".db.part") + packed_backup.SUFFIX)
    part = target.with_name(target.name + ".part")
    try:
        revision = revision_of(copy, key=key)
        create_private(part)
        with part.open("wb") as out:
            packed_backup.pack(copy, out, key, revision=revision, key_id=keys.key_id(key))
            out.flush()
            os.fsync(out.fileno())
        findings = packed_backup.check(part, key)
        if findings:
            raise DatabaseError(
                f"备份 {target.name} 写入后读回校验未通过（{health.finding_summary(findings)}）。"
                "为安全起见，本次操作未执行；请检查磁盘是否有故障。"
            )
    except cipher_pages.PageAuthError as exc:  # the copy on disk is not what was written
        part.unlink(missing_ok=True)
        raise DatabaseError(
            f"备份 {target.name} 写入后校验未通过（第 {exc.pgno} 页与写入时不符），"
            "已删除这份备份，原有备份均保留。为安全起见，本次操作未执行；请检查磁盘是否有故障。"
        ) from exc
    except cipher_pages.CipherLayoutError as exc:
        part.unlink(missing_ok=True)
        log.warning("backup kept uncompressed: %s", exc)
        return None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    copy.unlink()
    return target


def _ring_to_restore(database: Path, backup: Path) -> tuple[Path, Path] | None:
    """(the folder's ``keys.json``, the backup's copy) when the backup was encrypted under
    another key than the folder's (a backup from another PC or an older folder), so its
    ring must come along; None when the folder's own ring opens it."""
    sidecar = sidecar_of(backup)
    if not sidecar.exists():
        return None
    current = database.parent / keys.KEYS_FILE
    theirs = keys.read_ring(sidecar)
    ours = keys.read_ring(current)
    if theirs is None or (ours is not None and ours.key_id == theirs.key_id):
        return None
    return current, sidecar


def put_back(replaced: Replaced, database: Path) -> None:
    """Undo ``replace_database``: the files moved aside go back (the restored one is
    moved into the same folder, named ``restored-…``), for a restore that cannot open."""
    ring = database.parent / keys.KEYS_FILE
    restored = database_files(database)
    private_dir(replaced.folder)  # not made when the restore had nothing to move aside
    if any(m.name == ring.name for m in replaced.moved) and ring.exists():
        restored.append(ring)
    for path in restored:
        path.replace(replaced.folder / f"restored-{path.name}")
    for moved in replaced.moved:
        moved.replace(database.parent / moved.name)


def _stage(backup: Path, database: Path) -> Path:
    """The file a restore will rename into place, made ready beside ``database`` under
    the backup's own key (unpacked, or copied) and checked as the database it will be;
    nothing else is touched. Raises ``DatabaseError`` (Chinese)."""
    staged = database.with_name(database.name + STAGING_SUFFIX)
    try:
        key = keys.key_for_file(backup)  # its own .keys.json: it may be another PC's key
        if packed_backup.is_packed(backup):
            if key is None:
                raise DatabaseError(
                    f"备份 {backup.name} 旁边缺少 {sidecar_of(backup).name}，无法解开。"
                )
            part = staged.with_name(staged.name + ".part")
            try:
                create_private(part)
                with part.open("wb") as out:
                    packed_backup.unpack(backup, out, key)
                    out.flush()
                    os.fsync(out.fileno())
                part.replace(staged)
            finally:
                part.unlink(missing_ok=True)
        else:
            _copy_private(backup, staged)
        findings = health.verify_backup(staged, key=key if key is not None else rawconn.PLAIN)
    except packed_backup.PackedBackupError as exc:
        staged.unlink(missing_ok=True)
        findings = [str(exc)]
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise DatabaseError(
            f"恢复备份 {backup.name} 失败：{exc.strerror or type(exc).__name__}。"
            "当前数据库未做任何改动。请检查磁盘空间后重试。"
        ) from exc
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    if findings:
        staged.unlink(missing_ok=True)
        raise DatabaseError(
            f"备份 {backup.name} 还原后校验未通过（{health.finding_summary(findings)}），"
            "不能用它恢复。"
            "当前数据库未做任何改动。请选择另一份备份。"
        )
    return staged


def in_use_elsewhere(database: Path) -> bool:
    """Whether another connection — a window, a command, on this PC or over a share —
    has ``database`` open. Each open WAL connection holds a shared lock, so an exclusive
    lock is refused while one exists. A file that cannot be opened (damaged, no key) is
    one nobody else can use either: False.

    Without a ``-shm`` beside it no connection has the file open (each one maps it; the
    last one to close removes it), and the file is not touched at all: the probe's own
    close would fold a log left by a crash into the file and remove it, and the restore
    moves such files aside as they are."""
    if not database.exists() or not database.with_name(database.name + "-shm").exists():
        return False
    try:
        con = rawconn.connect(database, autocommit=True, timeout=0.2)
    except Exception:  # noqa: BLE001 - damaged, not a database, key missing: not in use
        return False
    try:
        con.execute("PRAGMA locking_mode=EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("ROLLBACK")
        return False
    except rawconn.Error as exc:
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    finally:
        con.close()


def replace_database(database: Path, backups: Path, backup: Path, stamp: datetime) -> Replaced:
    """Put ``backup`` in place of ``database``; the database must be CLOSED.

    The backup is checked and made ready beside the database first (``_stage``: nothing
    moves when that fails). Then the current file and its ``-wal``/``-shm`` go into
    ``backups/replaced-<stamp>/`` — never deleted — and the ready file is renamed into
    place (the backup itself stays in the catalog). A stale ``-wal`` left beside a
    restored file is what made a hand restore read as 「已损坏」, so nothing of the old
    file stays beside the new one.
    """
    findings = health.verify_backup(backup)
    if findings:
        raise DatabaseError(
            f"备份 {backup.name} 校验未通过（{health.finding_summary(findings)}），不能用它恢复。"
            "当前数据库未做任何改动。请选择另一份备份。"
        )
    revision = revision_of(backup)
    if revision not in known_revisions():
        raise DatabaseError(
            f"备份 {backup.name} 由更新版本的工会桌面通写入（结构版本 {revision}），"
            "当前程序无法使用它。请先安装最新版本再恢复；当前数据库未做任何改动。"
        )
    staged = _stage(backup, database)
    if in_use_elsewhere(database):
        staged.unlink(missing_ok=True)
        raise DatabaseError(
            f"数据库 {database} 正在被另一个工会桌面通窗口或命令使用，现在恢复会让它继续"
            "写进被移走的旧数据库，那些数据将不在恢复后的数据库中。请先关闭其他窗口"
            "（或等命令结束）后再恢复。当前数据库未做任何改动。"
        )
    folder = backups / f"{REPLACED_PREFIX}{stamp.strftime(STAMP_FORMAT)}"
    moved: list[Path] = []
    ring = _ring_to_restore(database, backup)
    aside = database_files(database) + ([ring[0]] if ring and ring[0].exists() else [])
    try:
        if aside:  # onto a missing registry nothing moves: no empty folder to puzzle over
            private_dir(folder)
        for path in aside:
            target = folder / path.name
            path.replace(target)
            moved.append(target)
        staged.replace(database)
        if ring is not None:  # the backup's key is not this folder's: its keys.json too
            _copy_private(ring[1], ring[0])
    except OSError as exc:
        for target in moved:  # put back what was moved: the office keeps its data as it was
            if not (database.parent / target.name).exists():
                target.replace(database.parent / target.name)
        staged.unlink(missing_ok=True)
        raise DatabaseError(
            f"恢复备份 {backup.name} 失败：{exc.strerror or type(exc).__name__}。"
            "当前数据库已放回原处，未做任何改动。请检查磁盘空间后重试。"
        ) from exc
    make_private(database)
    log.info("database restored from %s; previous files in %s", backup.name, folder.name)
    return Replaced(folder, tuple(moved), backup)
