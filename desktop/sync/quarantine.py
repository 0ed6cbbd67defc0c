"""The quarantine list: received changes kept out of the merge for invalid values.

Written by the import's apply step from the plan (so a dry run counts exactly what the
real import records), read by ``sync quarantine`` and the sync page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from desktop.models import values
from desktop.storage import engines
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
            engines.insert_ignoring(
                conn,
                "INSERT OR IGNORE INTO sync_quarantine (origin, counter, tbl, row_id, field, "
                "reason, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ),
            rows,
        )


def list_all(conn: Connection) -> list[QuarantineEntry]:
    rows = conn.exec_driver_sql(
        "SELECT q.origin, coalesce(p.name, '') AS office, q.counter, q.tbl, q.row_id, q.field, "
        "q.reason, "
        "q.detected_at FROM sync_quarantine q LEFT JOIN sync_peer p ON p.node_id = q.origin "
        "ORDER BY q.id"
    ).all()
    return [
        QuarantineEntry(
            origin=str(r.origin),
            office=str(r.office),
            counter=int(r.counter),
            table=str(r.tbl),
            table_label=values.table_label(str(r.tbl)),
            row_id=str(r.row_id),
            field=str(r.field),
            field_label=values.field_label(str(r.tbl), str(r.field)),
            reason=str(r.reason),
            detected_at=(
                r.detected_at
                if isinstance(r.detected_at, datetime)
                else datetime.fromisoformat(str(r.detected_at))
            ),
        )
        for r in rows
    ]
