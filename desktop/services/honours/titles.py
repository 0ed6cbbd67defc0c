"""荣誉称号: the seeded titles and those an office adds, by stable code.

The one writer of ``honour_titles``. Like the service categories, a title is referred
to by ``code`` so honours recorded on two offline PCs group together; a retired title
still labels old honours. A team title (工人先锋号) is given to a team or union, not to a
member.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from uuid6 import uuid7

from desktop.errors import ValidationError
from desktop.models.ids import new_id
from desktop.models.validation import check_no_control_chars
from desktop.services.activities.inputs import opt_text
from desktop.storage.database import Database


@dataclass(frozen=True)
class TitleRecord:
    code: str
    name: str
    team: bool
    active: bool
    sort_order: int


def list_in(conn: Connection, *, include_inactive: bool = False) -> list[TitleRecord]:
    where = "deleted = 0" + ("" if include_inactive else " AND active = 1")
    rows = conn.execute(
        text(
            "SELECT code, name, team, active, sort_order FROM honour_titles "
            f"WHERE {where} ORDER BY sort_order, name"
        )
    ).all()
    seen: dict[str, TitleRecord] = {}
    for r in rows:
        seen.setdefault(
            str(r.code),
            TitleRecord(str(r.code), str(r.name), bool(r.team), bool(r.active), int(r.sort_order)),
        )
    return list(seen.values())


def list_titles(db: Database, *, include_inactive: bool = False) -> list[TitleRecord]:
    with db.connect(write=False) as conn:
        return list_in(conn, include_inactive=include_inactive)


def labels_in(conn: Connection) -> dict[str, str]:
    """Code → name for every title ever listed (retired ones still label old honours)."""
    return {t.code: t.name for t in list_in(conn, include_inactive=True)}


def resolve_in(conn: Connection, value: object) -> TitleRecord:
    """An active title by code or current name; refuses unknown and retired ones."""
    raw = str(value or "").strip()
    titles = list_in(conn, include_inactive=True)
    names = "、".join(t.name for t in titles if t.active)
    if not raw:
        raise ValidationError(f"荣誉称号不能为空，可选：{names}", field="title")
    found = next((t for t in titles if t.code == raw), None) or next(
        (t for t in titles if t.name == raw), None
    )
    if found is None:
        raise ValidationError(
            f"未知的荣誉称号「{raw}」，可选：{names}；新称号请先在「荣誉称号」中添加",
            field="title",
        )
    if not found.active:
        raise ValidationError(f"荣誉称号「{found.name}」已停用，请选择其他称号", field="title")
    return found


def add_title(db: Database, name: str, *, team: bool = False) -> TitleRecord:
    """Add a title to the editable list; a name already listed is refused."""
    clean = opt_text(name, "name", "称号名称", 50)
    if clean is None:
        raise ValidationError("称号名称不能为空", field="name")
    check_no_control_chars(clean, "name", "称号名称")
    with db.connect() as conn:
        for t in list_in(conn, include_inactive=True):
            if t.name == clean:
                hint = "（已停用，可重新启用）" if not t.active else ""
                raise ValidationError(f"荣誉称号「{clean}」已存在{hint}", field="name")
        order = int(
            conn.execute(
                text("SELECT coalesce(max(sort_order), 0) + 10 FROM honour_titles")
            ).scalar_one()
        )
        code = f"t_{uuid7().hex[-10:]}"
        conn.execute(
            text(
                "INSERT INTO honour_titles (id, code, name, team, active, sort_order) "
                "VALUES (:id, :code, :name, :team, 1, :order)"
            ),
            {"id": new_id(), "code": code, "name": clean, "team": int(team), "order": order},
        )
    return TitleRecord(code, clean, team, True, order)


def set_active(db: Database, code: str, active: bool) -> TitleRecord:
    """Retire (or bring back) a title; honours already given keep their label."""
    with db.connect() as conn:
        title = next(
            (t for t in list_in(conn, include_inactive=True) if code in (t.code, t.name)), None
        )
        if title is None:
            raise ValidationError(f"未找到荣誉称号「{code}」", field="title")
        conn.execute(
            text("UPDATE honour_titles SET active = :a WHERE code = :c AND deleted = 0"),
            {"a": int(active), "c": title.code},
        )
    return TitleRecord(title.code, title.name, title.team, active, title.sort_order)
