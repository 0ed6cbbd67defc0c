"""The backups made before an erasure: they still hold the person until rotation
removes them.

Backups are whole copies of the database (``Database.backup``: ``backups/uniondesk-
<local time stamp>-<reason>.db``); an erasure cannot reach into them, and rewriting
them would defeat what they are for. So the erasure says which ones still hold the
person, and until when at the latest. The rotation keeps the newest N backups
(``settings_store.BACKUP_KEEP``, 30 by default) and one per month for 12 months: a
backup may be kept as its month's copy for up to 12 months, and the monthly pass that
drops it runs within the month after — so ``removed_by`` is the backup's date plus
13 months, the latest date by which rotation is certain to have removed it (sooner
when newer backups push it out of both rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.storage.health import backups_newest_first

KEPT_MONTHS = 12
"""The rotation's monthly copies span a year (issue #23 part 4)."""
_STAMP = re.compile(r"^uniondesk-(\d{8}-\d{6})(?:-(\d{1,6}))?-(.+)\.db$")


@dataclass(frozen=True)
class HeldBackup:
    """A backup file (its name, no folder) made before an erasure."""

    name: str
    made_at: datetime  # local time, from the file name
    removed_by: date


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def removed_by(made_at: datetime) -> date:
    return add_months(made_at.date(), KEPT_MONTHS + 1)


def made_at(name: str) -> datetime | None:
    """The local time a backup was made, from its file name (None: not a backup's name)."""
    found = _STAMP.match(name)
    if found is None:
        return None
    try:
        stamp = datetime.strptime(found.group(1), "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    micro = found.group(2)
    return stamp.replace(microsecond=int(micro.ljust(6, "0"))) if micro else stamp


def held(folder: Path, before: datetime) -> list[HeldBackup]:
    """The backups in ``folder`` made before ``before`` (local time; one stamped at the
    very same instant was made first, by the same office), oldest first."""
    found: list[HeldBackup] = []
    for path in backups_newest_first(folder):
        at = made_at(path.name)
        if at is not None and at <= before:
            found.append(HeldBackup(path.name, at, removed_by(at)))
    return sorted(found, key=lambda b: b.made_at)


def describe(held: list[HeldBackup]) -> list[str]:
    """What the clerk is told about the backups made before an erasure (CLI and page)."""
    if not held:
        return ["没有早于本次删除的备份。"]
    lines = [
        f"以下 {len(held)} 份备份早于本次删除，仍含有此人的信息；备份轮换最迟在所列日期后删除它们"
        f"（保留最近的备份，另每月一份保留 {KEPT_MONTHS} 个月，因此最迟为备份日期后 "
        f"{KEPT_MONTHS + 1} 个月）："
    ]
    lines += [f"  {b.name}：最迟 {b.removed_by.isoformat()} 后删除" for b in held]
    return lines
