"""The backups an office has, a backup made now, and a backup checked on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop import acting
from desktop.errors import DatabaseError
from desktop.services import audit
from desktop.services.backups import options
from desktop.storage import backups as files
from desktop.storage.database import Database

#: What each ``Database.backup`` reason means to a clerk.
REASON_LABELS = {
    "manual": "手动备份",
    "roster-import": "导入名册前",
    "before-sync-import": "导入同步包前",
}
UPGRADE_PREFIX = "before-upgrade-"
#: Beside a backup named after now: its name's time is not when it was made.
AHEAD_NOTE = "（名称中的时间晚于现在：做这份备份时电脑时钟超前，实际更早，排在最后）"


def reason_label(reason: str) -> str:
    if reason.startswith(UPGRADE_PREFIX):
        return "程序升级前"
    return REASON_LABELS.get(reason, reason)


@dataclass(frozen=True)
class BackupEntry:
    """One backup as the page and ``backup list`` show it. ``verified``: the last
    check passed (True), failed (False) or none is recorded (None)."""

    name: str
    path: Path
    created: datetime
    reason: str
    reason_label: str
    size: int
    verified: bool | None
    checked_at: datetime | None
    second_copy: Path | None
    #: Named after now (the PC's clock was ahead when it was made): listed last.
    ahead: bool = False

    @property
    def id(self) -> str:  # tables find a row by id
        return self.name


@dataclass(frozen=True)
class Created:
    """A backup just made; ``warning`` (Chinese) when the second copy did not happen."""

    backup: BackupEntry
    second_copy: Path | None
    warning: str


@dataclass(frozen=True)
class Verified:
    name: str
    findings: list[str]

    @property
    def ok(self) -> bool:
        return not self.findings


def _entry(item: files.BackupFile) -> BackupEntry:
    return BackupEntry(
        name=item.name,
        path=item.path,
        created=item.created,
        reason=item.reason,
        reason_label=reason_label(item.reason),
        size=item.size,
        verified=item.verified,
        checked_at=item.checked_at,
        second_copy=item.second_copy,
        ahead=item.ahead,
    )


def list_backups(db: Database) -> list[BackupEntry]:
    """The backups in the data dir's ``backups/``, newest first (those named after the
    registry's clock last: made while the PC's clock was ahead)."""
    second = options.second_copy_dir(db)
    return [_entry(item) for item in files.catalog(db.paths.backups, db.clock.now(), second)]


def create(db: Database, reason: str = "manual") -> Created:
    """Make a backup now, then its second copy when the office chose a folder.

    Every backup made here is recorded in the audit trail, so the registry must be
    writable first (``Database.check_writable``): a read-only file is refused before
    the backup is written and before the rotation removes any older one. A backup only
    reads the registry, but an unaudited backup, or one reported as failed after it was
    made and rotated, is what the clerk must not get. A missing or full stick never
    fails the backup: it is ``Created.warning``.
    """
    acting.require(acting.WRITE)  # each backup rotates the oldest out of the kept ones
    try:
        db.check_writable()
    except DatabaseError as exc:
        raise DatabaseError(
            f"{exc.message.rstrip('。')}。没有做这次备份（每次备份都要记入审计记录），"
            "原有备份均未改动。"
        ) from exc
    path = db.backup(reason)
    audit.record(db, audit.BACKUP, path.name)
    second = options.second_copy_dir(db)
    copied: Path | None = None
    warning = ""
    if second is not None:
        result = files.second_copy(path, second, options.keep_count(db), db.clock.today())
        copied, warning = result.path, result.warning
    entry = next(e for e in list_backups(db) if e.name == path.name)
    return Created(entry, copied, warning)


def made_at(path: Path) -> datetime | None:
    """When the backup at ``path`` was made, from its name (None: not named like ours)."""
    parsed = files.parse_name(path.name)
    return parsed[0] if parsed is not None else None


def resolve(db: Database, ref: str | Path) -> Path:
    """A backup named in the catalog, or a backup file given by its path (a USB stick)."""
    return resolve_in(db.paths.backups, ref)


def resolve_in(folder: Path, ref: str | Path) -> Path:
    """``resolve`` for a data dir whose registry cannot be opened (damaged)."""
    text = str(ref)
    candidate = Path(text)
    if candidate.is_file() and (len(candidate.parts) > 1 or candidate.is_absolute()):
        return candidate
    return files.find(folder, text)


def list_in(folder: Path, now: datetime) -> list[BackupEntry]:
    """``list_backups`` for a data dir whose registry cannot be opened (no settings)."""
    return [_entry(item) for item in files.catalog(folder, now)]


def verify(db: Database, ref: str | Path) -> Verified:
    """Check a backup again (quick_check, size, tables); the outcome is shown in the list."""
    path = resolve(db, ref)
    return Verified(path.name, files.verify(path, at=db.clock.now()))


def verify_in(folder: Path, ref: str | Path, now: datetime) -> Verified:
    """``verify`` for a data dir whose registry cannot be opened (damaged)."""
    path = resolve_in(folder, ref)
    return Verified(path.name, files.verify(path, at=now))
