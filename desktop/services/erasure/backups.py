"""The backups made before an erasure: they still hold the person until rotation
removes them.

Backups are whole copies of the database (``storage.backups``); an erasure cannot
reach into them, and rewriting them would defeat what they are for. So the erasure says
which ones still hold the person, and from which day at the latest rotation no longer
keeps them (``storage.backups.removed_by``: the newest N and one a month for a year are
kept, so a backup is gone by the first of the month a year after it was made, as long as
backups keep being made).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.storage import backups as files


@dataclass(frozen=True)
class HeldBackup:
    """A backup file (its name, no folder) made before an erasure."""

    name: str
    made_at: datetime  # local time, from the file name
    removed_by: date


def held(folder: Path, before: datetime) -> list[HeldBackup]:
    """The backups in ``folder`` made before ``before`` (local time; one stamped at the
    very same instant was made first, by the same office), oldest first.

    A backup named after ``before`` was made while the PC's clock was ahead (it cannot
    have been made after this erasure, which reads the same clock): it holds the person
    too. Backups from before the person came to this registry are listed as well: when
    the person first reached it is not known for sure (a record received by sync carries
    another PC's clock), and a backup wrongly left off this list would be a promise the
    office cannot keep; the note says "may" (``describe``)."""
    found = [
        HeldBackup(b.name, b.created, files.removed_by(b.created))
        for b in files.catalog(folder, before)
    ]
    return sorted(found, key=lambda b: b.made_at)


#: An erasure at the hub: its backups are pg_dump files kept by the administrator.
HUB_BACKUPS = (
    "总库由数据库管理员用 pg_dump 备份：早于本次删除的备份中仍有此人的信息，"
    "请告知数据库管理员，按备份保存期限删除或到期销毁。"
)


def describe(held: list[HeldBackup], *, file_backups: bool = True) -> list[str]:
    """What the clerk is told about the backups made before an erasure (CLI and page);
    ``file_backups`` False: at a hub, whose backups this program does not hold."""
    if not file_backups:
        return [HUB_BACKUPS]
    if not held:
        return ["没有早于本次删除的备份。"]
    lines = [
        f"以下 {len(held)} 份备份早于本次删除，可能仍含有此人的信息；"
        "备份轮换最迟从所列日期起删除它们"
        f"（保留最近的备份，另每月一份保留 {files.MONTHS_KEPT} 个月）："
    ]
    lines += [f"  {b.name}：最迟 {b.removed_by.isoformat()} 起删除" for b in held]
    return lines
