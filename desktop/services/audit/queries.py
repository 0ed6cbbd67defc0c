"""Reading the trail: the viewer's and ``audit list``'s filters, newest first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from desktop import acting
from desktop.services.audit import chain, record_names
from desktop.services.audit.codes import ACTION_LABELS, RECORD_CHANGE
from desktop.storage.database import Database


@dataclass(frozen=True)
class AuditRecord:
    occurred_at: datetime  # UTC, timezone-aware
    os_user: str
    action: str
    label: str
    detail: str
    id: int
    account: str  # the acting account (the OS account before accounts existed)
    account_id: int | None
    tbl: str | None
    record_id: str | None
    fields: str | None
    #: The record's name now, for a record change in a table named without personal
    #: data (``record_names``); looked up when read, never stored in the trail.
    record_name: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    """``account``: the account (or OS account) name; ``since``/``until``: local dates,
    both included; ``text``: a piece of the detail; ``changes``: include record changes."""

    account: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    changes: bool = True
    limit: int = 200


def _utc_start(day: date) -> str:
    local = datetime.combine(day, time()).astimezone()  # the clerk's midnight
    return chain.stamp(local.astimezone(UTC))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def entries(db: Database, wanted: AuditFilter = AuditFilter()) -> list[AuditRecord]:
    """The entries ``wanted`` selects, newest first, at most ``wanted.limit``.
    Administrators only, once accounts exist (``acting.ADMINISTER``)."""
    acting.require(acting.ADMINISTER)
    where: list[str] = []
    params: list[Any] = []
    if wanted.account:
        where.append("(account = ? OR (account IS NULL AND os_user = ?))")
        params += [wanted.account, wanted.account]
    if wanted.action:
        where.append("action = ?")
        params.append(wanted.action)
    elif not wanted.changes:
        where.append("action != ?")
        params.append(RECORD_CHANGE)
    if wanted.since:
        where.append("occurred_at >= ?")
        params.append(_utc_start(wanted.since))
    if wanted.until:
        where.append("occurred_at < ?")
        params.append(_utc_start(wanted.until + timedelta(days=1)))
    if wanted.text:
        where.append("detail LIKE ? ESCAPE '\\'")
        params.append(_like(wanted.text))
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql(
            f"{chain.SELECT_ALL}{clause} ORDER BY id DESC LIMIT ?", (*params, wanted.limit)
        ).all()
        records = [_record(chain.read_stored(r)) for r in rows]
        names = record_names.names_in(
            conn, ((r.tbl, r.record_id) for r in records if r.tbl and r.record_id)
        )
    return [
        replace(r, record_name=names.get((r.tbl, r.record_id))) if r.tbl and r.record_id else r
        for r in records
    ]


def accounts(db: Database) -> list[str]:
    """Every account name the trail mentions (the viewer's account filter)."""
    acting.require(acting.ADMINISTER)
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT coalesce(account, os_user) AS who FROM audit_log ORDER BY who"
        ).all()
    return [str(r[0]) for r in rows]


def _record(entry: chain.StoredEntry) -> AuditRecord:
    try:
        at = datetime.fromisoformat(entry.occurred_at).replace(tzinfo=UTC)
    except ValueError:
        at = datetime(1970, 1, 1, tzinfo=UTC)  # an edited time: verify names it
    return AuditRecord(
        occurred_at=at,
        os_user=entry.os_user,
        action=entry.action,
        label=ACTION_LABELS.get(entry.action, entry.action),
        detail=entry.detail,
        id=entry.id,
        account=entry.account or entry.os_user,
        account_id=entry.account_id,
        tbl=entry.tbl,
        record_id=entry.record_id,
        fields=entry.fields,
    )
