"""社会化工会工作者: the union workers assigned to sites, their contracts and whether they
are still in post (leaving is a status, not a delete)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, insert, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import GENDER, WORKER_STATUS
from desktop.models.validation import check_phone
from desktop.services.activities.inputs import as_code, as_date, opt_text
from desktop.services.sites.records import get_in, stored_date
from desktop.storage.database import Database


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
            out[key] = as_code(WORKER_STATUS, value, key, "在岗状态")
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


# Column labels are WorkerRecord's field names: rows are read by name.
_WORKER_SQL = (
    "SELECT w.id, w.name, w.gender, w.phone, w.site_id, s.name AS site_name, w.position, "
    "w.contract_start, w.contract_end, w.status, w.notes "
    "FROM union_workers w LEFT JOIN sites s ON s.id = w.site_id "
)


def _worker(r: Row[Any]) -> WorkerRecord:
    return WorkerRecord(
        id=r.id,
        name=r.name,
        gender=r.gender,
        phone=r.phone,
        site_id=r.site_id,
        site_name=r.site_name,
        position=r.position,
        contract_start=stored_date(r.contract_start),
        contract_end=stored_date(r.contract_end),
        status=r.status,
        notes=r.notes,
    )


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
        merged_start = clean.get("contract_start", stored_date(old.contract_start))
        merged_end = clean.get("contract_end", stored_date(old.contract_end))
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


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer. The ORM table is imported here, not at the top: the window's start reads
    this module and must not pay for the ORM."""
    from desktop.models.site import UnionWorker

    if rows:
        conn.execute(insert(UnionWorker), rows)


def unassign_all_of(conn: Connection, site_id: str) -> None:
    """The workers of a site being deleted become 未分配 (in the caller's transaction)."""
    conn.execute(
        text("UPDATE union_workers SET site_id = NULL WHERE site_id = :id AND deleted = 0"),
        {"id": site_id},
    )
