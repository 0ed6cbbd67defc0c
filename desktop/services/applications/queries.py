"""The review queue: applications by status and search text, counts, one in full.

Lists show ID numbers and phones masked (``models.masking``); an application whose ID
number belongs to a current member (在会 or 保留会籍) is flagged, since approving it would
register the person twice (``records.approve`` refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError
from desktop.models.codes import APPLICATION_STATUS, CURRENT_STATUSES
from desktop.models.masking import mask_id_number, mask_phone
from desktop.storage.database import Database

_CURRENT = ", ".join(f"'{s}'" for s in sorted(CURRENT_STATUSES))
# the submitted application's ID number is a current member's (one index lookup)
_FLAG = (
    "CASE WHEN a.status = 'submitted' AND EXISTS (SELECT 1 FROM members m "
    "WHERE m.id_number = a.id_number AND m.deleted = 0 "
    f"AND m.membership_status IN ({_CURRENT})) THEN 1 ELSE 0 END"
)
_COLUMNS = (
    "a.id, a.name, a.id_number, a.phone, a.union_id, u.name AS union_name, a.channel, "
    "a.submitted_on, a.status, a.employer, a.position, a.ethnicity, a.political_status, "
    "a.education, a.hukou_type, a.is_migrant_worker, a.joined_on, a.reviewer, a.reviewed_on, "
    f"a.reject_reason, a.notes, a.member_id, {_FLAG} AS current_member"
)
_DATES = ("submitted_on", "joined_on", "reviewed_on")


@dataclass(frozen=True)
class ApplicationRecord:
    """One application as stored (unmasked: for the form and the approval only)."""

    id: str
    name: str
    id_number: str
    phone: str | None
    union_id: str
    union_name: str
    channel: str | None
    submitted_on: date
    status: str
    employer: str | None
    position: str | None
    ethnicity: str | None
    political_status: str | None
    education: str | None
    hukou_type: str | None
    is_migrant_worker: bool | None  # None: not stated
    joined_on: date | None
    reviewer: str | None
    reviewed_on: date | None
    reject_reason: str | None
    notes: str | None
    member_id: str | None
    current_member: bool


@dataclass(frozen=True)
class ApplicationRow:
    """A queue line: what the clerk sees, ID number and phone masked."""

    id: str
    name: str
    id_number_masked: str
    phone_masked: str | None
    union_name: str
    channel: str | None
    submitted_on: date
    status: str
    employer: str | None
    joined_on: date | None
    reviewer: str | None
    reviewed_on: date | None
    reject_reason: str | None
    member_id: str | None
    current_member: bool


def _record(row: Any) -> ApplicationRecord:
    values = row._asdict()
    for name in _DATES:
        if values[name] is not None:
            values[name] = date.fromisoformat(str(values[name]))
    values["current_member"] = bool(values["current_member"])
    if values["is_migrant_worker"] is not None:
        values["is_migrant_worker"] = bool(values["is_migrant_worker"])
    return ApplicationRecord(**values)


def _row(record: ApplicationRecord) -> ApplicationRow:
    return ApplicationRow(
        id=record.id,
        name=record.name,
        id_number_masked=mask_id_number(record.id_number),
        phone_masked=mask_phone(record.phone),
        union_name=record.union_name,
        channel=record.channel,
        submitted_on=record.submitted_on,
        status=record.status,
        employer=record.employer,
        joined_on=record.joined_on,
        reviewer=record.reviewer,
        reviewed_on=record.reviewed_on,
        reject_reason=record.reject_reason,
        member_id=record.member_id,
        current_member=record.current_member,
    )


def get_in(conn: Connection, application_id: str) -> ApplicationRecord:
    row = conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM applications a JOIN unions u ON u.id = a.union_id "
            "WHERE a.id = :id AND a.deleted = 0"
        ),
        {"id": application_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到入会申请 {application_id}（可能已被删除）")
    return _record(row)


def get(db: Database, application_id: str) -> ApplicationRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, application_id)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queue(
    db: Database, *, status: str | None = None, search: str = "", limit: int = 1000
) -> list[ApplicationRow]:
    """Applications, newest received first; ``status`` one of ``APPLICATION_STATUS``
    (None: all); ``search`` matches the name, employer, reject reason or notes, or the
    end of the ID number or phone."""
    where = ["a.deleted = 0"]
    params: dict[str, Any] = {"limit": limit}
    if status is not None:
        where.append("a.status = :status")
        params["status"] = status
    term = search.strip()
    if term:
        where.append(
            "(a.name LIKE :like ESCAPE '\\' OR a.employer LIKE :like ESCAPE '\\' "
            "OR a.reject_reason LIKE :like ESCAPE '\\' OR a.notes LIKE :like ESCAPE '\\' "
            "OR (length(:term) >= 4 AND (a.id_number LIKE '%' || :term "
            "OR a.phone LIKE '%' || :term)))"
        )
        params["like"] = _like(term)
        params["term"] = term
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM applications a JOIN unions u ON u.id = a.union_id "
                f"WHERE {' AND '.join(where)} "
                "ORDER BY a.submitted_on DESC, a.id DESC LIMIT :limit"
            ),
            params,
        ).all()
    return [_row(_record(r)) for r in rows]


def counts(db: Database) -> dict[str, int]:
    """Status → number of applications, every status present (0 where none)."""
    with db.connect(write=False) as conn:
        return counts_in(conn)


def counts_in(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        text("SELECT status, count(*) AS n FROM applications WHERE deleted = 0 GROUP BY status")
    ).all()
    found = {str(r.status): int(r.n) for r in rows}
    return {code: int(found.get(code, 0)) for code in APPLICATION_STATUS.codes}


def pending_count(db: Database) -> int:
    """待审核: the figure in the navigation and on the dashboard."""
    with db.connect(write=False) as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM applications WHERE deleted = 0 AND status = 'submitted'")
            ).scalar_one()
        )
