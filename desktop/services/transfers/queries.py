"""Reading transfers: one in full, and the list (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, text

from desktop.errors import NotFoundError
from desktop.models.masking import mask_id_number
from desktop.storage.database import Database


@dataclass(frozen=True)
class TransferRecord:
    """One 会籍转接, with the names a clerk reads (unions by name, the member masked)."""

    id: str
    kind: str  # TRANSFER_KIND code
    member_id: str
    member_name: str
    id_number_masked: str
    card_no: str | None
    from_union_id: str | None
    from_union: str  # a union of the federation by name, else the written name
    to_union_id: str | None
    to_union: str
    transferred_on: date
    slip_no: str | None
    reason: str | None
    notes: str | None
    linked_transfer_id: str | None
    operator: str | None


_SELECT = (
    "SELECT t.id, coalesce(t.kind, CASE WHEN t.to_union_id IS NULL THEN 'out' "
    "ELSE 'internal' END) AS kind, t.member_id, m.name AS member_name, m.id_number, "
    "m.card_no, t.from_union_id, coalesce(f.name, t.from_union_name, '') AS from_union, "
    "t.to_union_id, coalesce(d.name, t.to_union_name, '') AS to_union, t.transferred_on, "
    "t.slip_no, t.reason, t.notes, t.linked_transfer_id, t.operator "
    "FROM transfers t JOIN members m ON m.id = t.member_id "
    "LEFT JOIN unions f ON f.id = t.from_union_id LEFT JOIN unions d ON d.id = t.to_union_id "
)


def _record(row: Row[Any]) -> TransferRecord:
    values = row._asdict()
    values["id_number_masked"] = mask_id_number(values.pop("id_number"))
    day = values["transferred_on"]
    values["transferred_on"] = day if isinstance(day, date) else date.fromisoformat(str(day))
    return TransferRecord(**values)


def get_in(conn: Connection, transfer_id: str) -> TransferRecord:
    row = conn.execute(
        text(_SELECT + "WHERE t.id = :i AND t.deleted = 0"), {"i": transfer_id}
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到会籍转接记录 {transfer_id}（可能已删除）")
    return _record(row)


def get(db: Database, transfer_id: str) -> TransferRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, transfer_id)


def exists(db: Database, transfer_id: str) -> bool:
    with db.connect(write=False) as conn:
        found = conn.execute(
            text("SELECT 1 FROM transfers WHERE id = :i AND deleted = 0"), {"i": transfer_id}
        ).first()
    return found is not None


def by_slip_in(conn: Connection, slip_no: str) -> TransferRecord | None:
    """The outgoing (or in-federation) transfer that issued ``slip_no``, if this PC has it."""
    row = conn.execute(
        text(
            _SELECT + "WHERE t.slip_no = :s AND t.deleted = 0 "
            "AND coalesce(t.kind, 'out') != 'in' ORDER BY t.rowid LIMIT 1"
        ),
        {"s": slip_no},
    ).one_or_none()
    return None if row is None else _record(row)


def latest_for_member_in(conn: Connection, member_id: str) -> TransferRecord | None:
    row = conn.execute(
        text(
            _SELECT + "WHERE t.member_id = :m AND t.deleted = 0 "
            "ORDER BY t.transferred_on DESC, t.rowid DESC LIMIT 1"
        ),
        {"m": member_id},
    ).one_or_none()
    return None if row is None else _record(row)


def listing(
    db: Database, *, kind: str | None = None, member_id: str | None = None, limit: int = 500
) -> list[TransferRecord]:
    """Newest first, optionally of one kind or one member."""
    where = ["t.deleted = 0"]
    params: dict[str, object] = {"limit": limit}
    if kind:
        where.append("coalesce(t.kind, 'out') = :k")
        params["k"] = kind
    if member_id:
        where.append("t.member_id = :m")
        params["m"] = member_id
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                _SELECT + f"WHERE {' AND '.join(where)} "
                "ORDER BY t.transferred_on DESC, t.rowid DESC LIMIT :limit"
            ),
            params,
        ).all()
    return [_record(r) for r in rows]
