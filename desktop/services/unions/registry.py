"""基层工会 registry: add, edit, list, remove (tombstone) the unions of the federation.

Validation and the rules (unique names, no delete while members remain) live here; the
rows are written by ``unions.writer``, the one module that writes ``unions``.

An upper office also holds its sub-federations' unions, received by sync: ``list_held``
shows them (own first, each with its federation), and they are read-only here — each is
registered and kept by its own office, and its changes arrive in that office's packages
(``update`` and ``delete`` refuse them, naming the federation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.models.codes import INDUSTRY, OWNERSHIP
from desktop.models.validation import check_credit_code, check_no_control_chars, require_text
from desktop.services.unions import federations, scope
from desktop.services.unions import writer as union_writer
from desktop.storage.database import Database

EDITABLE = (
    "name",
    "employer",
    "credit_code",
    "industry",
    "ownership",
    "address",
    "founded_on",
    "chair",
    "employee_count",
    "notes",
)
# For messages about the free-text fields (the CLI's option help uses the same words).
FIELD_LABELS = {"employer": "单位名称", "address": "地址", "chair": "工会主席", "notes": "备注"}


@dataclass(frozen=True)
class UnionRecord:
    id: str
    name: str
    employer: str | None = None
    credit_code: str | None = None
    industry: str | None = None
    ownership: str | None = None
    address: str | None = None
    founded_on: date | None = None
    chair: str | None = None
    employee_count: int | None = None
    notes: str | None = None
    member_count: int = 0
    federation_id: str = ""
    # The federation's name, and whether it is this office's own (``list_held``, ``get``).
    federation_name: str = ""
    own: bool = True


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"未知的工会字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in values.items():
        try:
            if key == "name":
                out[key] = require_text(value, "name", "工会名称", 100)
            elif key == "credit_code":
                out[key] = check_credit_code(value)
            elif key == "industry":
                out[key] = _code(INDUSTRY, value, key)
            elif key == "ownership":
                out[key] = _code(OWNERSHIP, value, key)
            elif key == "employee_count":
                out[key] = _count(value)
            elif key == "founded_on":
                out[key] = (
                    value
                    if value is None or isinstance(value, date)
                    else date.fromisoformat(str(value))
                )
            else:
                cleaned = str(value).strip() if value is not None else ""
                label = FIELD_LABELS.get(key, key)
                check_no_control_chars(cleaned, key, label, one_line=key != "notes")
                out[key] = cleaned or None
        except ValidationError as exc:
            problems[key] = exc.message
        except ValueError:
            problems[key] = "日期格式应为 YYYY-MM-DD"
    if problems:
        raise ValidationError("；".join(problems.values()), problems=problems)
    return out


def _code(code_list: Any, value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    code = code_list.lookup(str(value))
    if code is None:
        raise ValidationError(f"{code_list.label_zh}「{value}」不在代码表中", field=field)
    return str(code)


def _count(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("职工人数应为整数", field="employee_count") from exc
    if number < 0:
        raise ValidationError("职工人数不能为负数", field="employee_count")
    return number


def _name_taken(conn: Connection, name: str, fed_id: str, except_id: str | None) -> bool:
    return (
        conn.execute(
            text(
                "SELECT 1 FROM unions WHERE name = :n AND federation_id = :f AND deleted = 0 "
                "AND id IS DISTINCT FROM :x"
            ),
            {"n": name, "f": fed_id, "x": except_id},
        ).first()
        is not None
    )


def add(db: Database, name: str, **values: Any) -> UnionRecord:
    clean = _clean({"name": name, **values})
    with db.connect() as conn:
        fed_id = federations.require_current_id(conn)
        if _name_taken(conn, clean["name"], fed_id, None):
            raise ValidationError(f"工会「{clean['name']}」已存在", field="name")
        row = {key: clean.get(key) for key in EDITABLE}
        union_id = union_writer.insert_one(conn, {**row, "federation_id": fed_id})
    return get(db, union_id)


def update(db: Database, union_id: str, **values: Any) -> UnionRecord:
    clean = _clean(values)
    if not clean:
        return get(db, union_id)
    with db.connect() as conn:
        fed_id = federations.require_current_id(conn)
        _require(conn, union_id)
        _require_own(conn, union_id, fed_id, "修改")
        if "name" in clean:
            if _name_taken(conn, clean["name"], fed_id, union_id):
                raise ValidationError(f"工会「{clean['name']}」已存在", field="name")
        union_writer.update_fields(conn, union_id, clean)
    return get(db, union_id)


def delete(db: Database, union_id: str) -> None:
    """Tombstone a union; refused while it still has current members."""
    with db.connect() as conn:
        _require(conn, union_id)
        _require_own(conn, union_id, federations.require_current_id(conn), "删除")
        members = conn.execute(
            text("SELECT count(*) FROM members WHERE union_id = :u AND deleted = 0"),
            {"u": union_id},
        ).scalar_one()
        if members:
            raise UnionDeskError(f"该工会还有 {members} 名会员，请先转出或删除会员后再删除工会")
        union_writer.mark_deleted(conn, union_id)


def _require(conn: Connection, union_id: str) -> None:
    found = conn.execute(
        text("SELECT 1 FROM unions WHERE id = :id AND deleted = 0"), {"id": union_id}
    ).first()
    if found is None:
        raise NotFoundError("找不到该工会（可能已被删除）")


def _require_own(conn: Connection, union_id: str, own_id: str, verb: str) -> None:
    """Refuse changing another federation's union: it belongs to that office, which
    registers and keeps it; its changes reach this registry in that office's packages."""
    row = conn.execute(
        text(
            "SELECT u.name AS name, u.federation_id AS fed, f.name AS fed_name FROM unions u "
            "LEFT JOIN federations f ON f.id = u.federation_id WHERE u.id = :id"
        ),
        {"id": union_id},
    ).one()
    if str(row.fed) == own_id:
        return
    raise UnionDeskError(foreign_message(str(row.name), row.fed_name, verb), field="union_id")


def foreign_message(union_name: str, federation_name: str | None, verb: str) -> str:
    """Why another federation's union cannot be changed here (``verb``: 修改, 删除)."""
    owner = federation_name or "其他联合会"
    return (
        f"工会「{union_name}」属于「{owner}」，由该单位登记和维护，本机不能{verb}；"
        f"它的变更随「{owner}」的同步数据包而来。如需{verb}，请联系该单位办理后再同步"
    )


_SELECT = (
    "SELECT u.id, u.name, u.employer, u.credit_code, u.industry, u.ownership, u.address, "
    "u.founded_on, u.chair, u.employee_count, u.notes, u.federation_id, "
    "(SELECT count(*) FROM members m WHERE m.union_id = u.id AND m.deleted = 0 "
    " AND m.membership_status IN ('active', 'retained')) AS member_count FROM unions u "
)


def _record(row: Any, names: dict[str, str] | None = None, own: str | None = None) -> UnionRecord:
    stored = row._asdict()
    founded = stored["founded_on"]
    if founded is not None and not isinstance(founded, date):
        stored["founded_on"] = date.fromisoformat(str(founded))
    fed = str(stored["federation_id"])
    stored["federation_id"] = fed
    if names is not None:
        stored["federation_name"] = names.get(fed, "（已删除的联合会）")
        stored["own"] = fed == own
    return UnionRecord(**stored)


def get(db: Database, union_id: str) -> UnionRecord:
    with db.connect(write=False) as conn:
        row = conn.execute(
            text(_SELECT + "WHERE u.id = :id AND u.deleted = 0"), {"id": union_id}
        ).one_or_none()
        names = scope.names_in(conn)
        own = federations.current_id(conn)
    if row is None:
        raise NotFoundError("找不到该工会（可能已被删除）")
    return _record(row, names, own)


def list_all(db: Database) -> list[UnionRecord]:
    """The federation's unions in pinyin order, with their current member counts."""
    with db.connect(write=False) as conn:
        fed_id = federations.current_id(conn)
        rows = conn.execute(
            text(_SELECT + "WHERE u.deleted = 0 AND u.federation_id = :f ORDER BY u.sort_key"),
            {"f": fed_id},
        ).all()
        names = scope.names_in(conn)
    return [_record(r, names, fed_id) for r in rows]


def list_held(db: Database, federation_id: str | None = None) -> list[UnionRecord]:
    """Every federation's unions held in this registry (an upper office receives its
    sub-federations' by sync), or one federation's: this office's own first, then each
    other federation by name, each in pinyin order, named with its federation.

    ``list_all`` stays this office's own unions: the pickers (a member's union, a roster's
    union) offer only unions this office may register members in."""
    where = "WHERE u.deleted = 0"
    params: dict[str, Any] = {}
    if federation_id is not None:
        where += " AND u.federation_id = :f"
        params["f"] = federation_id
    with db.connect(write=False) as conn:
        own = federations.current_id(conn)
        order = {c.id: i for i, c in enumerate(scope.held_in(conn))}
        names = scope.names_in(conn)
        rows = conn.execute(text(_SELECT + where + " ORDER BY u.sort_key, u.id"), params).all()
    records = [_record(r, names, own) for r in rows]
    return sorted(records, key=lambda r: (order.get(r.federation_id, len(order)),))


def find_by_name(conn: Connection, name: str, federation_id: str | None = None) -> str:
    """Union id for an exact name (what the CLI's --union and rosters give); among one
    federation's unions with ``federation_id`` (an upper office's parks may each have a
    union of the same name)."""
    sql = "SELECT id FROM unions WHERE name = :n AND deleted = 0"
    params = {"n": name.strip()}
    if federation_id is not None:
        sql += " AND federation_id = :f"
        params["f"] = federation_id
    rows = conn.execute(text(sql), params).all()
    if not rows:
        hint = _similar_hint(conn, name.strip(), federation_id)
        if federation_id is not None:
            raise NotFoundError(f"所选联合会没有名为「{name}」的工会{hint}，请用 unions list 核对")
        raise NotFoundError(f"找不到名为「{name}」的工会{hint}，请核对全称或先用 unions add 登记")
    if len(rows) > 1:
        raise UnionDeskError(
            f"有多个名为「{name}」的工会，请加 --federation 联合会名称 指明，或改用工会编号"
        )
    return str(rows[0][0])


def _similar_hint(conn: Connection, part: str, federation_id: str | None, limit: int = 3) -> str:
    """「（名称含「…」的有：A、B）」 when a clerk typed part of a union's full name."""
    if not part:
        return ""
    escaped = part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = "SELECT name FROM unions WHERE deleted = 0 AND name LIKE :p ESCAPE '\\'"
    params: dict[str, Any] = {"p": f"%{escaped}%"}
    if federation_id is not None:
        sql += " AND federation_id = :f"
        params["f"] = federation_id
    names = sorted({str(r[0]) for r in conn.execute(text(sql + " LIMIT 20"), params)})
    if not names:
        return ""
    more = "等" if len(names) > limit else ""
    return f"（名称含「{part}」的有：{'、'.join(names[:limit])}{more}）"


def id_by_name(db: Database, name: str, federation_id: str | None = None) -> str:
    """``find_by_name`` in its own read transaction (the CLI's --union)."""
    with db.connect(write=False) as conn:
        return find_by_name(conn, name, federation_id)
