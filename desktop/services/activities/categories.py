"""服务类别 (3+N): the 3 fixed categories and the editable N list, by stable code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from uuid6 import uuid7

from desktop.errors import NotFoundError, ValidationError
from desktop.models.ids import new_id
from desktop.services.activities.inputs import opt_text
from desktop.storage.database import Database


@dataclass(frozen=True)
class CategoryRecord:
    code: str
    name: str
    fixed: bool
    active: bool
    sort_order: int


def list_in(conn: Connection, *, include_inactive: bool = False) -> list[CategoryRecord]:
    where = "deleted = 0" + ("" if include_inactive else " AND active = 1")
    rows = conn.execute(
        text(
            "SELECT code, name, fixed, active, sort_order FROM service_categories "
            f"WHERE {where} ORDER BY fixed DESC, sort_order, name"
        )
    ).all()
    # Two offline PCs may each add a category with the same code only by seeding; keep one.
    seen: dict[str, CategoryRecord] = {}
    for r in rows:
        seen.setdefault(
            str(r.code),
            CategoryRecord(
                code=str(r.code),
                name=str(r.name),
                fixed=bool(r.fixed),
                active=bool(r.active),
                sort_order=int(r.sort_order),
            ),
        )
    return list(seen.values())


def list_categories(db: Database, *, include_inactive: bool = False) -> list[CategoryRecord]:
    with db.connect(write=False) as conn:
        return list_in(conn, include_inactive=include_inactive)


def labels_in(conn: Connection) -> dict[str, str]:
    """Code → name for every category ever used (inactive ones still label old records)."""
    return {c.code: c.name for c in list_in(conn, include_inactive=True)}


def check_code(conn: Connection, value: str | None, field: str = "category") -> str:
    """A category given by code or name → its code; refuses unknown and retired ones."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("服务类别不能为空", field=field)
    for cat in list_in(conn, include_inactive=True):
        if raw in (cat.code, cat.name):
            if not cat.active:
                raise ValidationError(f"服务类别「{cat.name}」已停用，请选择其他类别", field=field)
            return cat.code
    names = "、".join(c.name for c in list_in(conn))
    raise ValidationError(f"未知的服务类别「{raw}」，可选：{names}", field=field)


def add_category(db: Database, name: str) -> CategoryRecord:
    clean = _clean_name(name)
    with db.connect() as conn:
        for cat in list_in(conn, include_inactive=True):
            if cat.name == clean:
                hint = "（已停用，可重新启用）" if not cat.active else ""
                raise ValidationError(f"服务类别「{clean}」已存在{hint}", field="name")
        order = conn.execute(
            text("SELECT coalesce(max(sort_order), 0) + 10 FROM service_categories")
        ).scalar_one()
        code = f"n_{uuid7().hex[-10:]}"
        conn.execute(
            text(
                "INSERT INTO service_categories (id, code, name, fixed, active, sort_order) "
                "VALUES (:id, :code, :name, 0, 1, :order)"
            ),
            {"id": new_id(), "code": code, "name": clean, "order": int(order)},
        )
    return CategoryRecord(code, clean, False, True, int(order))


def resolve_in(conn: Connection, value: str | None) -> CategoryRecord:
    """A category named by its code or its current name, retired ones included.

    Clerks think in names (「亲情关爱」), scripts and sync in codes; the CLI and the
    dialog accept either. A code wins over a name so a name can never shadow a code.
    """
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("请指定服务类别（代码或名称）", field="category")
    cats = list_in(conn, include_inactive=True)
    for cat in cats:
        if cat.code == raw:
            return cat
    for cat in cats:
        if cat.name == raw:
            return cat
    raise NotFoundError(
        f"未找到服务类别「{raw}」，可用 categories list --all 查看全部类别", field="category"
    )


def find_category(db: Database, value: str | None) -> CategoryRecord:
    with db.connect(write=False) as conn:
        return resolve_in(conn, value)


def _editable(conn: Connection, value: str) -> CategoryRecord:
    cat = resolve_in(conn, value)
    if cat.fixed:
        raise ValidationError(
            f"「{cat.name}」是固定的 3 类服务之一（困难帮扶、法律援助、文体健康），不能修改或停用"
        )
    return cat


def _clean_name(name: str | None) -> str:
    clean = opt_text(name, "name", "类别名称", 50)
    if clean is None:
        raise ValidationError("类别名称不能为空", field="name")
    return clean


def rename_category(db: Database, code: str, name: str) -> CategoryRecord:
    """Rename an N category (given by code or name); its records follow by code.

    Two categories with one name would make 「按名称选择」 in the CLI, the service-log
    form and the spreadsheets ambiguous, so a name another category holds is refused.
    """
    clean = _clean_name(name)
    with db.connect() as conn:
        cat = _editable(conn, code)
        for other in list_in(conn, include_inactive=True):
            if other.code != cat.code and other.name == clean:
                state = "" if other.active else "（已停用）"
                raise ValidationError(
                    f"服务类别「{clean}」已存在{state}，请换一个名称", field="name"
                )
        if clean != cat.name:
            conn.execute(
                text("UPDATE service_categories SET name = :n WHERE code = :c AND deleted = 0"),
                {"n": clean, "c": cat.code},
            )
    return CategoryRecord(cat.code, clean, cat.fixed, cat.active, cat.sort_order)


def set_active(db: Database, code: str, active: bool) -> CategoryRecord:
    """Retire (or bring back) an N category (by code or name); old records keep their label."""
    with db.connect() as conn:
        cat = _editable(conn, code)
        if cat.active != active:
            conn.execute(
                text("UPDATE service_categories SET active = :a WHERE code = :c AND deleted = 0"),
                {"a": int(active), "c": cat.code},
            )
    return CategoryRecord(cat.code, cat.name, cat.fixed, active, cat.sort_order)
