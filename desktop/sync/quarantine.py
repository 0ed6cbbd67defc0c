"""The quarantine list: received changes kept out of the merge for invalid values.

Written by the import's apply step from the plan (so a dry run counts exactly what the
real import records), read by ``sync quarantine`` and the sync page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from desktop.sync import values
from desktop.sync.plan import Quarantined


@dataclass(frozen=True)
class QuarantineEntry:
    """One invalid value of a received change: where it came from, which record, why."""

    origin: str
    office: str
    counter: int
    table: str
    table_label: str
    row_id: str
    field: str
    field_label: str
    reason: str
    detected_at: datetime


def record(conn: Connection, items: Sequence[Quarantined], at: datetime) -> None:
    rows = [
        (q.change.node, q.change.counter, q.change.tbl, q.change.row_id, p.field, p.reason, at)
        for q in items
        for p in q.problems
    ]
    if rows:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_quarantine (origin, counter, tbl, row_id, field, "
            "reason, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def list_all(conn: Connection) -> list[QuarantineEntry]:
    rows = conn.exec_driver_sql(
        "SELECT q.origin, coalesce(p.name, ''), q.counter, q.tbl, q.row_id, q.field, q.reason, "
        "q.detected_at FROM sync_quarantine q LEFT JOIN sync_peer p ON p.node_id = q.origin "
        "ORDER BY q.id"
    ).all()
    return [
        QuarantineEntry(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            str(r[3]),
            values.table_label(str(r[3])),
            str(r[4]),
            str(r[5]),
            values.field_label(str(r[3]), str(r[5])),
            str(r[6]),
            r[7] if isinstance(r[7], datetime) else datetime.fromisoformat(str(r[7])),
        )
        for r in rows
    ]


_CHUNK = 50_000


def flagged_values(conn: Connection, limit: int = 20) -> tuple[int, list[str], list[str]]:
    """Stored rows of synced tables holding a value the rules refuse, for ``check``:
    (how many rows, up to ``limit`` of their ids, the tables and fields concerned).

    Read a chunk of rows at a time and judged column by column (each distinct value of
    a field once), so a million members take seconds, not a Python loop per field.
    """
    from desktop.sync import schema

    count = 0
    ids: list[str] = []
    where: set[str] = set()
    for table, info in sorted(schema.load(conn).items()):
        cols = ["id", *info.synced]
        select = ", ".join(f'"{c}"' for c in cols)
        last = 0
        while True:
            rows = conn.exec_driver_sql(
                f'SELECT rowid, {select} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
                (last, _CHUNK),
            ).all()
            if not rows:
                break
            last = int(rows[-1][0])
            bad_rows: set[int] = set()
            for at, name in enumerate(info.synced, start=2):
                found = values.check_column(table, name, [r[at] for r in rows])
                if found:
                    bad_rows.update(found)
                    where.add(f"{values.table_label(table)}.{values.field_label(table, name)}")
            for index in sorted(bad_rows):
                count += 1
                if len(ids) < limit:
                    ids.append(str(rows[index][1]))
    return count, ids, sorted(where)
