"""会站家 registers: sites (federation office, service stations, worker homes), their
facilities with condition, and the social union workers assigned to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import FACILITY, FACILITY_CONDITION, GENDER, SITE_KIND, WORKER_STATUS
from desktop.models.validation import check_phone
from desktop.services.activities.inputs import (
    as_area,
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


@dataclass(frozen=True)
class FacilityRecord:
    id: str
    site_id: str
    facility: str
    condition: str
    quantity: int
    notes: str | None

    @property
    def label(self) -> str:
        return FACILITY.label(self.facility)


def _code(code_list: Any, value: Any, field: str, label: str) -> str:
    code = code_list.lookup(str(value or ""))
    if code is None:
        raise ValidationError(
            f"{label}「{value}」不在代码表中，可选：{'、'.join(code_list.labels)}", field=field
        )
    return str(code)


def _clean_site(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SITE_FIELDS)
    if unknown:
        raise ValidationError(f"未知的阵地字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "kind":
            out[key] = _code(SITE_KIND, value, key, "阵地类别")
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


def _site(r: Any) -> SiteRecord:
    opened = r[10]
    return SiteRecord(
        id=r[0],
        kind=r[1],
        name=r[2],
        union_id=r[3],
        address=r[4],
        area_m2=None if r[5] is None else float(r[5]),
        seats=r[6],
        opening_hours=r[7],
        contact_person=r[8],
        contact_phone=r[9],
        opened_on=date.fromisoformat(opened) if isinstance(opened, str) else opened,
        star_level=r[11],
        photos=r[12],
        notes=r[13],
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


def delete_site(db: Database, site_id: str) -> None:
    with db.connect() as conn:
        get_in(conn, site_id)
        conn.execute(text("UPDATE sites SET deleted = 1 WHERE id = :id"), {"id": site_id})
        conn.execute(
            text("UPDATE site_facilities SET deleted = 1 WHERE site_id = :id AND deleted = 0"),
            {"id": site_id},
        )


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


# ---- facilities --------------------------------------------------------------------


def set_facility(
    db: Database,
    site_id: str,
    facility: str,
    condition: str = "good",
    quantity: int | str = 1,
    notes: str | None = None,
) -> FacilityRecord:
    """Record (or update) one kind of facility at a site."""
    code = _code(FACILITY, facility, "facility", "设施")
    cond = _code(FACILITY_CONDITION, condition, "condition", "设施状况")
    qty = as_count(quantity, "quantity", "数量")
    note = opt_text(notes, "notes", "备注", 200)
    with db.connect() as conn:
        get_in(conn, site_id)
        row = conn.execute(
            text(
                "SELECT id FROM site_facilities WHERE site_id = :s AND facility = :f "
                "AND deleted = 0"
            ),
            {"s": site_id, "f": code},
        ).first()
        values = {"s": site_id, "f": code, "c": cond, "q": qty, "n": note}
        if row is None:
            fac_id = new_id()
            conn.execute(
                text(
                    "INSERT INTO site_facilities (id, site_id, facility, condition, quantity, "
                    "notes) VALUES (:id, :s, :f, :c, :q, :n)"
                ),
                {"id": fac_id, **values},
            )
        else:
            fac_id = str(row[0])
            conn.execute(
                text(
                    "UPDATE site_facilities SET condition = :c, quantity = :q, notes = :n "
                    "WHERE id = :id"
                ),
                {"id": fac_id, **values},
            )
    return FacilityRecord(fac_id, site_id, code, cond, int(qty or 0), note)


def remove_facility(db: Database, site_id: str, facility: str) -> None:
    code = _code(FACILITY, facility, "facility", "设施")
    with db.connect() as conn:
        conn.execute(
            text(
                "UPDATE site_facilities SET deleted = 1 WHERE site_id = :s AND facility = :f "
                "AND deleted = 0"
            ),
            {"s": site_id, "f": code},
        )


def facilities_in(conn: Connection, site_id: str) -> list[FacilityRecord]:
    rows = conn.execute(
        text(
            "SELECT id, site_id, facility, condition, quantity, notes FROM site_facilities "
            "WHERE site_id = :s AND deleted = 0"
        ),
        {"s": site_id},
    ).all()
    order = {c: i for i, c in enumerate(FACILITY.codes)}
    recs = [FacilityRecord(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]
    return sorted(recs, key=lambda f: order.get(f.facility, 999))


def list_facilities(db: Database, site_id: str) -> list[FacilityRecord]:
    with db.connect(write=False) as conn:
        return facilities_in(conn, site_id)


# ---- union workers -----------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRecord:
    id: str
    name: str
    gender: str | None
    phone: str | None
    site_id: str | None
    site_name: str | None
    position: str | None
    contract_start: date | None
    contract_end: date | None
    status: str
    notes: str | None

    def contract_expires_within(self, today: date, days: int) -> bool:
        return self.contract_end is not None and (self.contract_end - today).days <= days


def _clean_worker(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "name":
            name = opt_text(value, key, "姓名", 50)
            if name is None:
                raise ValidationError("姓名不能为空", field=key)
            out[key] = name
        elif key == "gender":
            out[key] = GENDER.lookup(str(value)) if value else None
        elif key == "phone":
            out[key] = check_phone(value)
        elif key in ("contract_start", "contract_end"):
            label = "合同开始日期" if key == "contract_start" else "合同结束日期"
            out[key] = as_date(value, key, label)
        elif key == "status":
            out[key] = _code(WORKER_STATUS, value, key, "在岗状态")
        elif key == "site_id":
            out[key] = value or None
        elif key in ("position", "notes"):
            out[key] = opt_text(
                value,
                key,
                "岗位" if key == "position" else "备注",
                50 if key == "position" else 100_000,
            )
        else:
            raise ValidationError(f"未知的工作者字段：{key}")
    start, end = out.get("contract_start"), out.get("contract_end")
    if start is not None and end is not None and end < start:
        raise ValidationError("合同结束日期不能早于开始日期", field="contract_end")
    return out


_WORKER_SQL = (
    "SELECT w.id, w.name, w.gender, w.phone, w.site_id, s.name, w.position, "
    "w.contract_start, w.contract_end, w.status, w.notes "
    "FROM union_workers w LEFT JOIN sites s ON s.id = w.site_id "
)


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _worker(r: Any) -> WorkerRecord:
    return WorkerRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _d(r[7]), _d(r[8]), r[9], r[10])


def add_worker(db: Database, name: str, **values: Any) -> WorkerRecord:
    clean = _clean_worker({"name": name, "status": "active", **values})
    worker_id = new_id()
    with db.connect() as conn:
        if clean.get("site_id"):
            get_in(conn, clean["site_id"])
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in clean.items()}
        cols = ", ".join(["id", *params])
        marks = ", ".join([":id", *(f":{k}" for k in params)])
        conn.execute(
            text(f"INSERT INTO union_workers ({cols}) VALUES ({marks})"),
            {"id": worker_id, **params},
        )
        row = conn.execute(text(_WORKER_SQL + "WHERE w.id = :id"), {"id": worker_id}).one()
    return _worker(row)


def update_worker(db: Database, worker_id: str, **values: Any) -> WorkerRecord:
    clean = _clean_worker(values)
    with db.connect() as conn:
        old = conn.execute(
            text(_WORKER_SQL + "WHERE w.id = :id AND w.deleted = 0"), {"id": worker_id}
        ).first()
        if old is None:
            raise NotFoundError("该工会工作者不存在或已删除")
        merged_start = clean.get("contract_start", _d(old[7]))
        merged_end = clean.get("contract_end", _d(old[8]))
        if merged_start and merged_end and merged_end < merged_start:
            raise ValidationError("合同结束日期不能早于开始日期", field="contract_end")
        if clean.get("site_id"):
            get_in(conn, clean["site_id"])
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in clean.items()}
        if params:
            sets = ", ".join(f"{k} = :{k}" for k in params)
            conn.execute(
                text(f"UPDATE union_workers SET {sets} WHERE id = :id"), {"id": worker_id, **params}
            )
        row = conn.execute(text(_WORKER_SQL + "WHERE w.id = :id"), {"id": worker_id}).one()
    return _worker(row)


def list_workers(
    db: Database, site_id: str | None = None, *, include_left: bool = False
) -> list[WorkerRecord]:
    where, params = "w.deleted = 0", {}
    if site_id:
        where += " AND w.site_id = :s"
        params["s"] = site_id
    if not include_left:
        where += " AND w.status = 'active'"
    with db.connect(write=False) as conn:
        rows = conn.execute(text(_WORKER_SQL + f"WHERE {where} ORDER BY w.name"), params).all()
    return [_worker(r) for r in rows]
