"""活动 under the 3+N plan: the activity itself (title, 服务类别, time, site, money).

Attendance (签到) and photos hang off an activity and live beside it in ``attendance``
and ``photos``; each user action is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models import dates
from desktop.models.ids import new_id
from desktop.services.activities import categories
from desktop.services.activities.inputs import (
    as_amount_fen,
    as_datetime,
    opt_text,
)
from desktop.storage.database import Database

FIELDS = (
    "title",
    "category",
    "starts_at",
    "ends_at",
    "site_id",
    "organiser",
    "budget",
    "spent",
    "description",
    "notes",
)


@dataclass(frozen=True)
class ActivityRecord:
    id: str
    title: str
    category: str
    category_name: str
    starts_at: datetime
    ends_at: datetime
    site_id: str | None
    site_name: str | None
    organiser: str | None
    budget_fen: int | None
    spent_fen: int | None
    description: str | None
    notes: str | None
    attendance: int = 0


def stored_datetime(value: Any) -> datetime:
    """A timestamp column as read back (SQLite hands back the text it stored)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def stamp(value: datetime) -> str:
    """A timestamp as stored: fixed-width text, so the column sorts in time order."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


#: How far ahead an activity may be planned: a year past that is a slip (9999 was taken).
YEARS_AHEAD = 2


def _in_range(when: datetime, field: str, label: str, today: date) -> datetime:
    last = today.year + YEARS_AHEAD
    if not dates.FIRST_YEAR <= when.year <= last:
        raise ValidationError(
            f"{label} {when:%Y-%m-%d} 不在可登记的年份内（{dates.FIRST_YEAR}–{last} 年），"
            "请核对年份",
            field=field,
        )
    return when


def validate(
    conn: Connection, values: dict[str, Any], old: ActivityRecord | None = None, *, today: date
) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"未知的活动字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "title":
            title = opt_text(value, key, "活动名称", 200)
            if title is None:
                raise ValidationError("活动名称不能为空", field=key)
            out[key] = title
        elif key == "category":
            # an activity keeps its own category, even one retired since
            kept = old is not None and value == old.category
            out[key] = value if kept else categories.check_code(conn, value)
        elif key == "starts_at":
            out[key] = _in_range(as_datetime(value, key, "开始时间"), key, "开始时间", today)
        elif key == "ends_at":
            out[key] = _in_range(as_datetime(value, key, "结束时间"), key, "结束时间", today)
        elif key == "site_id":
            if value and (old is None or value != old.site_id):  # its own: even if deleted
                exists = conn.execute(
                    text("SELECT 1 FROM sites WHERE id = :id AND deleted = 0"), {"id": value}
                ).first()
                if exists is None:
                    raise ValidationError("所选阵地不存在或已删除", field=key)
            out[key] = value or None
        elif key == "budget":
            out["budget_fen"] = as_amount_fen(value, key, "预算")
        elif key == "spent":
            out["spent_fen"] = as_amount_fen(value, key, "实际支出")
        elif key == "organiser":
            out[key] = opt_text(value, key, "组织者", 100)
        else:
            out[key] = opt_text(value, key, "活动简介" if key == "description" else "备注", 100_000)
    start = out.get("starts_at", old.starts_at if old else None)
    end = out.get("ends_at", old.ends_at if old else None)
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"结束时间（{end:%Y-%m-%d %H:%M}）不能早于开始时间（{start:%Y-%m-%d %H:%M}）",
            field="ends_at",
        )
    return out


def _params(clean: dict[str, Any]) -> dict[str, Any]:
    return {k: (stamp(v) if isinstance(v, datetime) else v) for k, v in clean.items()}


# Column labels are ActivityRecord's field names: rows are read by name.
_SELECT = (
    "SELECT a.id, a.title, a.category, coalesce(c.name, a.category) AS category_name, "
    "a.starts_at, a.ends_at, a.site_id, s.name AS site_name, a.organiser, a.budget_fen, "
    "a.spent_fen, a.description, a.notes, "
    "(SELECT count(*) FROM attendances t WHERE t.activity_id = a.id AND t.deleted = 0) "
    "AS attendance "
    "FROM activities a "
    "LEFT JOIN sites s ON s.id = a.site_id "
    "LEFT JOIN (SELECT code, min(name) AS name FROM service_categories WHERE deleted = 0 "
    "GROUP BY code) c ON c.code = a.category "
)


def _record(r: Row[Any]) -> ActivityRecord:
    return ActivityRecord(
        id=r.id,
        title=r.title,
        category=r.category,
        category_name=r.category_name,
        starts_at=stored_datetime(r.starts_at),
        ends_at=stored_datetime(r.ends_at),
        site_id=r.site_id,
        site_name=r.site_name,
        organiser=r.organiser,
        budget_fen=r.budget_fen,
        spent_fen=r.spent_fen,
        description=r.description,
        notes=r.notes,
        attendance=int(r.attendance),
    )


def get_in(conn: Connection, activity_id: str) -> ActivityRecord:
    row = conn.execute(
        text(_SELECT + "WHERE a.id = :id AND a.deleted = 0"), {"id": activity_id}
    ).first()
    if row is None:
        raise NotFoundError("该活动不存在或已删除", field="activity_id")
    return _record(row)


def get(db: Database, activity_id: str) -> ActivityRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, activity_id)


def add(db: Database, values: dict[str, Any]) -> ActivityRecord:
    with db.connect() as conn:
        clean = validate(conn, values, today=db.clock.today())
        for required, label in (
            ("title", "活动名称"),
            ("category", "服务类别"),
            ("starts_at", "开始时间"),
        ):
            if required not in clean:
                raise ValidationError(f"{label}不能为空", field=required)
        clean.setdefault("ends_at", clean["starts_at"])
        activity_id = new_id()
        params = _params(clean)
        cols = ", ".join(["id", *params])
        marks = ", ".join([":id", *(f":{k}" for k in params)])
        conn.execute(
            text(f"INSERT INTO activities ({cols}) VALUES ({marks})"), {"id": activity_id, **params}
        )
        return get_in(conn, activity_id)


def update(db: Database, activity_id: str, values: dict[str, Any]) -> ActivityRecord:
    with db.connect() as conn:
        old = get_in(conn, activity_id)
        params = _params(validate(conn, values, old, today=db.clock.today()))
        if params:
            sets = ", ".join(f"{k} = :{k}" for k in params)
            conn.execute(
                text(f"UPDATE activities SET {sets} WHERE id = :id"), {"id": activity_id, **params}
            )
        return get_in(conn, activity_id)


def delete(db: Database, activity_id: str) -> None:
    with db.connect() as conn:
        get_in(conn, activity_id)
        conn.execute(text("UPDATE activities SET deleted = 1 WHERE id = :id"), {"id": activity_id})
        for table in ("attendances", "activity_photos"):
            conn.execute(
                text(f"UPDATE {table} SET deleted = 1 WHERE activity_id = :id AND deleted = 0"),
                {"id": activity_id},
            )


def list_activities(
    db: Database,
    *,
    year: int | None = None,
    category: str | None = None,
    site_id: str | None = None,
    search: str | None = None,
    limit: int = 500,
) -> list[ActivityRecord]:
    parts = ["a.deleted = 0"]
    params: dict[str, Any] = {"limit": limit}
    if year is not None:
        parts.append("a.starts_at >= :y0 AND a.starts_at < :y1")
        params.update(y0=f"{year:04d}-01-01", y1=f"{year + 1:04d}-01-01")
    if category:
        parts.append("a.category = :cat")
        params["cat"] = category
    if site_id:
        parts.append("a.site_id = :site")
        params["site"] = site_id
    if search and search.strip():
        parts.append("a.title LIKE :q ESCAPE '\\'")
        q = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = f"%{q}%"
    sql = _SELECT + f"WHERE {' AND '.join(parts)} ORDER BY a.starts_at DESC LIMIT :limit"
    with db.connect(write=False) as conn:
        return [_record(r) for r in conn.execute(text(sql), params).all()]


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer. The ORM table is imported here, not at the top: the window's start reads
    this module and must not pay for the ORM."""
    from desktop.models.activity import Activity

    if rows:
        conn.execute(insert(Activity), rows)
