"""服务台账: services delivered at a site — date, category, people served (人次), notes.

``add_day`` is the fast daily-entry form: one site, one date, a row per category; every
row is checked first and all are written in one transaction (or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.activity import ServiceRecord
from desktop.models.base import new_id
from desktop.services.activities import categories
from desktop.services.activities.inputs import as_count, opt_text, require_past_date
from desktop.storage.database import Database


@dataclass(frozen=True)
class DayEntry:
    category: str
    people: int | str
    notes: str | None = None


@dataclass(frozen=True)
class ServiceRow:
    id: str
    served_on: date
    site_id: str
    site_name: str
    category: str
    category_name: str
    people: int
    worker_id: str | None
    notes: str | None


def _site(conn: Connection, site_id: str) -> None:
    if (
        not site_id
        or conn.execute(
            text("SELECT 1 FROM sites WHERE id = :id AND deleted = 0"), {"id": site_id}
        ).first()
        is None
    ):
        raise ValidationError("请选择服务阵地（站点不存在或已删除）", field="site_id")


def _worker(conn: Connection, worker_id: str | None) -> str | None:
    if not worker_id:
        return None
    if (
        conn.execute(
            text("SELECT 1 FROM union_workers WHERE id = :id AND deleted = 0"), {"id": worker_id}
        ).first()
        is None
    ):
        raise ValidationError("所选工会工作者不存在或已删除", field="worker_id")
    return worker_id


def add_day(
    db: Database,
    served_on: date | str,
    site_id: str,
    entries: Sequence[DayEntry],
    worker_id: str | None = None,
    *,
    today: date | None = None,
) -> list[str]:
    """Write one day's entries for a site; rows with 0 人次 and no note are skipped.

    The day is not after ``today`` (default: the registry's clock): a service is logged
    once given."""
    day = require_past_date(served_on, "served_on", "服务日期", today or db.clock.today())
    with db.connect() as conn:
        _site(conn, site_id)
        worker = _worker(conn, worker_id)
        rows: list[dict[str, Any]] = []
        for n, entry in enumerate(entries, start=1):
            where = f"第 {n} 行" if len(entries) > 1 else ""
            try:
                code = categories.check_code(conn, entry.category)
                people = as_count(entry.people, "people", "服务人次")
                note = opt_text(entry.notes, "notes", "备注", 2000)
            except ValidationError as exc:
                raise ValidationError(
                    f"{where}{'：' if where else ''}{exc.message}", field=exc.field
                ) from exc
            if not people and note is None:
                continue
            rows.append(
                {
                    "id": new_id(),
                    "served_on": day,
                    "site_id": site_id,
                    "category": code,
                    "people": people,
                    "worker_id": worker,
                    "notes": note,
                    "deleted": False,
                }
            )
        if rows:
            conn.execute(insert(ServiceRecord), rows)
    return [str(r["id"]) for r in rows]


def add_record(
    db: Database,
    served_on: date | str,
    site_id: str,
    category: str,
    people: int | str,
    notes: str | None = None,
    worker_id: str | None = None,
    *,
    today: date | None = None,
) -> str:
    ids = add_day(
        db, served_on, site_id, [DayEntry(category, people, notes)], worker_id, today=today
    )
    if not ids:
        raise ValidationError("服务人次为 0 且没有备注，未记录", field="people")
    return ids[0]


def delete_record(db: Database, record_id: str) -> None:
    with db.connect() as conn:
        done = conn.execute(
            text("UPDATE service_records SET deleted = 1 WHERE id = :id AND deleted = 0"),
            {"id": record_id},
        )
        if done.rowcount == 0:
            raise NotFoundError("该台账记录不存在或已删除")


def list_records(
    db: Database,
    *,
    site_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 1000,
) -> list[ServiceRow]:
    parts = ["r.deleted = 0"]
    params: dict[str, Any] = {"limit": limit}
    if site_id:
        parts.append("r.site_id = :s")
        params["s"] = site_id
    if date_from:
        parts.append("r.served_on >= :d0")
        params["d0"] = date_from.isoformat()
    if date_to:
        parts.append("r.served_on <= :d1")
        params["d1"] = date_to.isoformat()
    sql = (
        "SELECT r.id, r.served_on, r.site_id, s.name AS site_name, r.category, "
        "coalesce(c.name, r.category) AS category_name, r.people, r.worker_id, r.notes "
        "FROM service_records r JOIN sites s ON s.id = r.site_id "
        "LEFT JOIN (SELECT code, min(name) AS name FROM service_categories WHERE deleted = 0 "
        f"GROUP BY code) c ON c.code = r.category WHERE {' AND '.join(parts)} "
        "ORDER BY r.served_on DESC, s.sort_key LIMIT :limit"
    )
    with db.connect(write=False) as conn:
        rows = conn.execute(text(sql), params).all()
    return [
        ServiceRow(
            id=r.id,
            served_on=date.fromisoformat(r.served_on)
            if isinstance(r.served_on, str)
            else r.served_on,
            site_id=r.site_id,
            site_name=r.site_name,
            category=r.category,
            category_name=r.category_name,
            people=int(r.people),
            worker_id=r.worker_id,
            notes=r.notes,
        )
        for r in rows
    ]


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer."""
    if rows:
        conn.execute(insert(ServiceRecord), rows)
