"""会站家 register of sites: the federation office, service stations and worker homes.

A site's facilities (``facilities``), its social union workers (``workers``), its
service log and its star ratings hang off it and live beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, insert, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import SITE_KIND
from desktop.services.activities.inputs import (
    as_area,
    as_code,
    as_count,
    as_date,
    opt_text,
)
from desktop.storage.database import Database
from desktop.storage.pinyin import text_pinyin

SITE_FIELDS = (
    "kind",
    "name",
    "union_id",
    "address",
    "area_m2",
    "seats",
    "opening_hours",
    "contact_person",
    "contact_phone",
    "opened_on",
    "photos",
    "notes",
)


@dataclass(frozen=True)
class SiteRecord:
    id: str
    kind: str
    name: str
    union_id: str | None = None
    address: str | None = None
    area_m2: float | None = None
    seats: int | None = None
    opening_hours: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    opened_on: date | None = None
    star_level: int | None = None
    photos: str | None = None
    notes: str | None = None

    @property
    def kind_label(self) -> str:
        return SITE_KIND.label(self.kind)


def _clean_site(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SITE_FIELDS)
    if unknown:
        raise ValidationError(f"未知的阵地字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "kind":
            out[key] = as_code(SITE_KIND, value, key, "阵地类别")
        elif key == "name":
            name = opt_text(value, key, "阵地名称", 100)
            if name is None:
                raise ValidationError("阵地名称不能为空", field=key)
            out[key] = name
        elif key == "area_m2":
            out[key] = as_area(value, key, "面积")
        elif key == "seats":
            out[key] = as_count(value, key, "座位数", allow_none=True)
        elif key == "opened_on":
            out[key] = as_date(value, key, "启用日期")
        elif key == "union_id":
            out[key] = value or None
        else:
            limit = {
                "address": 200,
                "opening_hours": 100,
                "contact_person": 50,
                "contact_phone": 20,
            }.get(key, 100_000)
            labels = {
                "address": "地址",
                "opening_hours": "开放时间",
                "contact_person": "联系人",
                "contact_phone": "联系电话",
                "photos": "照片",
                "notes": "备注",
            }
            out[key] = opt_text(value, key, labels.get(key, key), limit)
    return out


_SITE_COLS = (
    "id, kind, name, union_id, address, area_m2, seats, opening_hours, contact_person, "
    "contact_phone, opened_on, star_level, photos, notes"
)


def stored_date(value: Any) -> date | None:
    """A date column as read back (SQLite hands back the ISO text it stored)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _site(r: Row[Any]) -> SiteRecord:
    return SiteRecord(
        id=r.id,
        kind=r.kind,
        name=r.name,
        union_id=r.union_id,
        address=r.address,
        area_m2=None if r.area_m2 is None else float(r.area_m2),
        seats=r.seats,
        opening_hours=r.opening_hours,
        contact_person=r.contact_person,
        contact_phone=r.contact_phone,
        opened_on=stored_date(r.opened_on),
        star_level=r.star_level,
        photos=r.photos,
        notes=r.notes,
    )


def get_in(conn: Connection, site_id: str) -> SiteRecord:
    row = conn.execute(
        text(f"SELECT {_SITE_COLS} FROM sites WHERE id = :id AND deleted = 0"), {"id": site_id}
    ).first()
    if row is None:
        raise NotFoundError("该阵地不存在或已删除", field="site_id")
    return _site(row)


def get_site(db: Database, site_id: str) -> SiteRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, site_id)


def add_site(db: Database, kind: str, name: str, **values: Any) -> SiteRecord:
    clean = _clean_site({"kind": kind, "name": name, **values})
    site_id = new_id()
    with db.connect() as conn:
        _write_site(conn, site_id, clean, insert=True)
        return get_in(conn, site_id)


def _write_site(conn: Connection, site_id: str, clean: dict[str, Any], *, insert: bool) -> None:
    if "name" in clean:
        clean["sort_key"] = text_pinyin(clean["name"]).full if clean["name"] else ""
    params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in clean.items()}
    if insert:
        cols = ", ".join(["id", *params])
        marks = ", ".join([":id", *(f":{k}" for k in params)])
        conn.execute(
            text(f"INSERT INTO sites ({cols}) VALUES ({marks})"), {"id": site_id, **params}
        )
    elif params:
        sets = ", ".join(f"{k} = :{k}" for k in params)
        conn.execute(text(f"UPDATE sites SET {sets} WHERE id = :id"), {"id": site_id, **params})


def update_site(db: Database, site_id: str, **values: Any) -> SiteRecord:
    clean = _clean_site(values)
    with db.connect() as conn:
        get_in(conn, site_id)
        _write_site(conn, site_id, clean, insert=False)
        return get_in(conn, site_id)


def tombstone(conn: Connection, site_id: str) -> None:
    """Mark the site deleted (``closing.delete_site`` also closes its facilities)."""
    get_in(conn, site_id)
    conn.execute(text("UPDATE sites SET deleted = 1 WHERE id = :id"), {"id": site_id})


def list_in(conn: Connection, kind: str | None = None) -> list[SiteRecord]:
    where, params = "deleted = 0", {}
    if kind:
        where += " AND kind = :kind"
        params["kind"] = kind
    rows = conn.execute(
        text(
            f"SELECT {_SITE_COLS} FROM sites WHERE {where} "
            "ORDER BY CASE kind WHEN 'federation' THEN 0 WHEN 'station' THEN 1 ELSE 2 END, "
            "sort_key"
        ),
        params,
    ).all()
    return [_site(r) for r in rows]


def list_sites(db: Database, kind: str | None = None) -> list[SiteRecord]:
    with db.connect(write=False) as conn:
        return list_in(conn, kind)


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer. The ORM table is imported here, not at the top: the window's start reads
    this module and must not pay for the ORM."""
    from desktop.models.site import Site

    if rows:
        conn.execute(insert(Site), rows)


def set_star_level(conn: Connection, site_id: str, star: int | None) -> None:
    """The site's current star level, as its latest evaluation found it (this module
    writes ``sites``; the evaluations module calls here)."""
    conn.execute(
        text("UPDATE sites SET star_level = :s WHERE id = :id"), {"s": star, "id": site_id}
    )
