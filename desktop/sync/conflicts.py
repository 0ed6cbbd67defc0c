"""The conflict log: list the open ones, resolve one by a new local write."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from desktop import clock
from desktop.errors import NotFoundError, UnionDeskError
from desktop.models import values
from desktop.sync import merge, schema, writer
from desktop.sync.knowledge import Contexts
from desktop.sync.segments import Change


@dataclass(frozen=True)
class ConflictView:
    id: int
    table: str
    row_id: str
    field: str
    winner_node: str
    winner_value: Any
    loser_node: str
    loser_value: Any
    detected_at: datetime


def _row_changes(conn: Connection, table: str, row_id: str) -> list[Change]:
    rows = conn.exec_driver_sql(
        "SELECT node_id, counter, hlc, ctx, fields FROM sync_change WHERE tbl = :t AND row_id = :r",
        {"t": table, "r": row_id},
    ).all()
    changes = [
        Change(
            str(r.node_id),
            int(r.counter),
            int(r.hlc),
            int(r.ctx),
            table,
            row_id,
            json.loads(r.fields),
        )
        for r in rows
    ]
    return [c for c in changes if not values.check(table, c.fields)]  # quarantined: not merged


def refresh(conn: Connection) -> int:
    """Mark resolved every open conflict a later write (local or received) has settled."""
    contexts = Contexts(conn, {})
    now = clock.current().utcnow()
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT tbl, row_id FROM sync_conflict WHERE resolved_at IS NULL"
    ).all()
    closed = 0
    for table, row_id in rows:
        found = merge.open_conflicts(_row_changes(conn, str(table), str(row_id)), contexts.get)
        still = {(c.key.field, c.key.lose_node, c.key.lose_counter) for c in found}
        for c in conn.exec_driver_sql(
            "SELECT id, field, lose_node, lose_counter FROM sync_conflict "
            "WHERE tbl = :t AND row_id = :r AND resolved_at IS NULL",
            {"t": table, "r": row_id},
        ).all():
            if (str(c.field), str(c.lose_node), int(c.lose_counter)) not in still:
                conn.exec_driver_sql(
                    "UPDATE sync_conflict SET resolved_at = :at WHERE id = :i",
                    {"at": now, "i": c.id},
                )
                closed += 1
    return closed


def list_open(conn: Connection) -> list[ConflictView]:
    rows = conn.exec_driver_sql(
        "SELECT id, tbl, row_id, field, win_node, win_value, lose_node, lose_value, "
        "detected_at FROM sync_conflict WHERE resolved_at IS NULL ORDER BY id"
    ).all()
    return [
        ConflictView(
            id=int(r.id),
            table=str(r.tbl),
            row_id=str(r.row_id),
            field=str(r.field),
            winner_node=str(r.win_node),
            winner_value=json.loads(r.win_value),
            loser_node=str(r.lose_node),
            loser_value=json.loads(r.lose_value),
            detected_at=_timestamp(r.detected_at),
        )
        for r in rows
    ]


def _timestamp(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def resolve(conn: Connection, conflict_id: int, value: Any) -> None:
    """Settle a conflict by writing ``value`` now (a local write that has seen both)."""
    row = conn.exec_driver_sql(
        "SELECT tbl, row_id, field FROM sync_conflict WHERE id = :i AND resolved_at IS NULL",
        {"i": conflict_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"冲突 {conflict_id} 不存在或已处理。")
    table, row_id, fld = str(row.tbl), str(row.row_id), str(row.field)
    info = schema.load(conn).get(table)
    if info is None or fld not in info.synced:
        raise UnionDeskError(
            f"冲突 {conflict_id} 的字段「{fld}」在本版本中不存在，请升级后再处理。"
        )
    # Touch the field even when the value is unchanged, so a write that saw both exists.
    current = conn.exec_driver_sql(
        f'SELECT "{fld}" AS value FROM "{table}" WHERE id = ?', (row_id,)
    ).first()
    if current is not None and current.value == value:
        # Write another value and back, inside the same transaction: two dots, both seeing all.
        placeholder = "" if not isinstance(value, int) else (0 if value else 1)
        writer.update_row(conn, table, row_id, {fld: placeholder})
    writer.update_row(conn, table, row_id, {fld: value})
    refresh(conn)
