"""A member's life in the union, read for the member page and ``members history``:
status history, activities attended, transfers (issue #21).

Read-only: the history rows are written by ``members.writer`` with each status change;
attendance by the activities area; transfers by the lifecycle's transfer service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, text

from desktop.services.members import registry
from desktop.storage.database import Database


@dataclass(frozen=True)
class StatusChangeRow:
    changed_on: date
    from_status: str | None
    to_status: str
    reason: str | None
    operator: str | None


@dataclass(frozen=True)
class AttendedRow:
    activity_id: str
    title: str
    category: str
    starts_at: datetime
    checked_in_at: datetime


@dataclass(frozen=True)
class TransferRow:
    transferred_on: date
    from_union: str | None
    to_union: str | None
    slip_no: str | None
    reason: str | None


@dataclass(frozen=True)
class MemberLife:
    member: registry.MemberRecord
    history: list[StatusChangeRow]
    activities: list[AttendedRow]
    transfers: list[TransferRow]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def status_history_in(conn: Connection, member_id: str) -> list[StatusChangeRow]:
    """Oldest first: the order a person's story is read in."""
    rows = conn.execute(
        text(
            "SELECT changed_on, from_status, to_status, reason, operator "
            "FROM member_status_changes WHERE member_id = :m AND deleted = 0 "
            "ORDER BY changed_on, rowid"
        ),
        {"m": member_id},
    ).all()
    return [
        StatusChangeRow(_day(r.changed_on), r.from_status, r.to_status, r.reason, r.operator)
        for r in rows
    ]


def activities_in(conn: Connection, member_id: str) -> list[AttendedRow]:
    """Newest first."""
    rows = conn.execute(
        text(
            "SELECT a.id, a.title, a.category, a.starts_at, t.checked_in_at "
            "FROM attendances t JOIN activities a ON a.id = t.activity_id "
            "WHERE t.member_id = :m AND t.deleted = 0 AND a.deleted = 0 "
            "ORDER BY a.starts_at DESC"
        ),
        {"m": member_id},
    ).all()
    return [
        AttendedRow(r.id, r.title, r.category, _moment(r.starts_at), _moment(r.checked_in_at))
        for r in rows
    ]


def transfers_in(conn: Connection, member_id: str) -> list[TransferRow]:
    """Oldest first; a destination outside the federation by its written name."""
    rows = conn.execute(
        text(
            "SELECT t.transferred_on, coalesce(f.name, t.from_union_name) AS from_union, "
            "coalesce(d.name, t.to_union_name) AS to_union, t.slip_no, t.reason "
            "FROM transfers t LEFT JOIN unions f ON f.id = t.from_union_id "
            "LEFT JOIN unions d ON d.id = t.to_union_id "
            "WHERE t.member_id = :m AND t.deleted = 0 ORDER BY t.transferred_on, t.rowid"
        ),
        {"m": member_id},
    ).all()
    return [
        TransferRow(_day(r.transferred_on), r.from_union, r.to_union, r.slip_no, r.reason)
        for r in rows
    ]


def status_history(db: Database, member_id: str) -> list[StatusChangeRow]:
    with db.connect(write=False) as conn:
        registry.get_in(conn, member_id)  # an unknown member is refused, not an empty list
        return status_history_in(conn, member_id)


def life(db: Database, member_id: str) -> MemberLife:
    """Everything the member page shows, read in one snapshot."""
    with db.connect(write=False) as conn:
        return MemberLife(
            registry.get_in(conn, member_id),
            status_history_in(conn, member_id),
            activities_in(conn, member_id),
            transfers_in(conn, member_id),
        )
