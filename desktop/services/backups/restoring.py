"""Put a backup back: checked, the current database moved aside, the registry reopened.

The order is the point: the backup is checked while everything still runs (a bad
backup changes nothing); the database is closed; its file with ``-wal``/``-shm`` goes
to ``backups/replaced-<time>/`` (never deleted); the backup is copied into place; the
caller's opener (``desktop.opening.open_database``: services sit below it) reopens the
file and binds the sync identity — a restored copy that is behind this PC's node marker
takes a fresh identity before its first write, its former identity's changes come back
from the partners, and the partners re-send whatever its next package says it lacks
(docs/SYNC.md, "Identity" and "Re-delivery after loss").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop import acting
from desktop.clock import Clock
from desktop.config import Paths
from desktop.errors import DatabaseError
from desktop.services import audit
from desktop.services.accounts import records
from desktop.services.audit import anchor, chain
from desktop.services.backups.catalog import resolve, resolve_in
from desktop.storage import backups as files
from desktop.storage.database import HUB_RESTORE_REFUSED, Database
from desktop.storage.health import finding_summary

Opener = Callable[[Paths, Clock], Database]


@dataclass(frozen=True)
class Restored:
    """The reopened registry and what the clerk is told happens next (``message``)."""

    db: Database
    backup_name: str
    backup_time: datetime | None
    replaced_folder: Path
    identity_renewed: bool
    message: str


class RestoreError(DatabaseError):
    """The restore did not happen; ``db`` is the registry reopened as it was (None when
    even that failed: the message then says where the files are)."""

    def __init__(self, message: str, db: Database | None) -> None:
        super().__init__(message)
        self.db = db


def _node_id(db: Database) -> str:
    with db.connect(write=False) as conn:
        value = conn.execute(text("SELECT node_id FROM sync_clock WHERE id = 1")).scalar()
    return "" if value is None else str(value)


def next_steps(
    name: str, created: datetime | None, replaced: Path, renewed: bool, *, moved: bool = True
) -> str:
    """What the clerk reads after a restore (also printed by ``backup restore``);
    ``moved``: False when the registry file was missing (nothing was moved aside)."""
    when = f"{created:%Y-%m-%d %H:%M} 的备份（{name}）" if created else f"备份 {name}"
    if moved:
        head = f"已恢复到 {when}。恢复前的数据库已移到 {replaced}（没有删除）。"
    else:
        head = f"已恢复到 {when}（恢复前数据文件夹中没有登记库文件）。"
    if renewed:
        sync = (
            "本机已换用新的同步身份（由原身份的密钥签名证明，各单位无需重新登记）。"
            "请与各单位各交换一次同步包：把本机导出的同步包发给对方，再导入对方发来的包，"
            "对方会补发备份之后的数据（包括本机在备份之后发出过的修改）。"
        )
    else:
        sync = (
            "请与各单位各交换一次同步包：本机导出的同步包会告诉对方本机现在有哪些数据，"
            "对方会补发备份之后的数据。"
        )
    return head + sync + "备份之后在本机录入、但从未发给其他单位的数据不会回来，需要重新录入。"


def _checked(backup: Path, clock: Clock) -> None:
    findings = files.verify(backup, at=clock.now())
    if findings:
        raise DatabaseError(
            f"备份 {backup.name} 校验未通过（{finding_summary(findings)}），不能用它恢复。"
            "当前数据库未做任何改动。请选择另一份备份。"
        )


def restore(db: Database, ref: str | Path, reopen: Opener) -> Restored:
    """Restore the backup ``ref`` (a name in the catalog, or a file's path) in place of
    ``db``, which this closes; returns the reopened registry. Administrators only.
    The hub is refused: a backup file here is an office's registry, not the hub."""
    if not db.takes_file_backups:
        raise DatabaseError(HUB_RESTORE_REFUSED)
    acting.require(acting.ADMINISTER)
    backup = resolve(db, ref)
    paths, clock = db.paths, db.clock
    _checked(backup, clock)  # while everything runs: a bad backup changes nothing
    before = _node_id(db)
    accounts_now = records.snapshot(db)
    with db.connect(write=False) as conn:
        trail_end = chain.head(conn)[0] if chain.ready(conn) else None
    db.checkpoints.flush()
    db.close()
    return _put_in_place(paths, clock, backup, reopen, before, accounts_now, trail_end)


def restore_unopenable(paths: Paths, clock: Clock, ref: str | Path, reopen: Opener) -> Restored:
    """Restore into a data dir whose registry cannot be opened (damaged, not a database):
    the case a restore is most often for. Nothing to close; the same checks and moves."""
    if paths.database_url is not None:
        raise DatabaseError(HUB_RESTORE_REFUSED)
    acting.require(acting.ADMINISTER)
    backup = resolve_in(paths.backups, ref)
    _checked(backup, clock)
    return _put_in_place(paths, clock, backup, reopen, None)


def _reopen_as_it_was(paths: Paths, clock: Clock, reopen: Opener) -> Database | None:
    if not paths.database.exists():  # restoring onto a missing registry: none to reopen
        return None
    try:
        return reopen(paths, clock)
    except Exception:  # noqa: BLE001 - a damaged original stays unopenable, as before
        return None


def _put_in_place(
    paths: Paths,
    clock: Clock,
    backup: Path,
    reopen: Opener,
    before: str | None,
    accounts_now: list[dict[str, Any]] | None = None,
    trail_end: int | None = None,
) -> Restored:
    """Move the (closed) registry aside, copy ``backup`` in, reopen; ``before``: the node
    id the registry had (None when it could not be read); ``accounts_now``: its accounts,
    which the restored registry keeps (None or none: the backup's stay); ``trail_end``:
    the id of its last audit entry (None: the anchor's, when one is kept)."""
    try:
        replaced = files.replace_database(paths.database, paths.backups, backup, clock.now())
    except DatabaseError as exc:
        raise RestoreError(exc.message, _reopen_as_it_was(paths, clock, reopen)) from exc
    try:
        restored = reopen(paths, clock)
    except Exception as exc:
        files.put_back(replaced, paths.database)
        message = getattr(exc, "message", type(exc).__name__)
        raise RestoreError(
            f"恢复的备份 {backup.name} 无法打开（{message}），已放回恢复前的数据库，未做任何改动。",
            _reopen_as_it_was(paths, clock, reopen),
        ) from exc
    renewed = before is not None and _node_id(restored) != before
    # The restored trail is older than the one this PC anchored: say so in its RESTORE
    # entry (the newer trail stays in the moved-aside database) and anchor it afresh, so
    # ``audit verify`` checks from here on instead of reporting a cut tail.
    # the same file: what this PC anchored before
    if trail_end is None and (was := anchor.read_anchor(restored)) is not None:
        trail_end = was.id
    kept = (
        f"；恢复前的审计记录到第 {trail_end} 条，随原数据库保存在 {replaced.folder.name}"
        if trail_end
        else ""
    )
    with restored.connect() as conn:
        if accounts_now:
            records.carry_over_in(conn, accounts_now)
            kept += f"；账号沿用恢复前的状态（{len(accounts_now)} 个）"
        audit.record_in(conn, audit.RESTORE, backup.name + kept)
    anchor.reanchor(restored)
    created = parsed[0] if (parsed := files.parse_name(backup.name)) else None
    return Restored(
        db=restored,
        backup_name=backup.name,
        backup_time=created,
        replaced_folder=replaced.folder,
        identity_renewed=renewed,
        message=next_steps(
            backup.name,
            created,
            replaced.folder,
            renewed,
            moved=any(p.name == paths.database.name for p in replaced.moved),
        ),
    )
