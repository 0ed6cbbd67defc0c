"""实名制会员: register, edit, mark as left, delete (tombstone), read one member.

Every rule lives in ``validate``: the dialog, the CLI and the roster importer call the
same function and show its per-field Chinese messages. Birth date and gender are never
typed: they come from the ID number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, text

from desktop import clock
from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.models import Member, dates
from desktop.models.base import new_id
from desktop.models.codes import LEFT_STATUSES, MEMBERSHIP_STATUS, RURAL_HUKOU
from desktop.models.masking import mask_id_number
from desktop.models.member_fields import EDITABLE, FIELDS_BY_NAME
from desktop.models.validation import (
    check_id_number,
    check_no_control_chars,
    check_phone,
    normalise_text,
)
from desktop.services.figures import summary as stats
from desktop.services.members import card_numbers
from desktop.services.unions import federations
from desktop.storage import health as db_health
from desktop.storage import search_index
from desktop.storage.database import Database
from desktop.storage.deferred_indexes import deferred_indexes
from desktop.storage.pinyin import sort_key


@dataclass(frozen=True)
class MemberRecord:
    id: str
    name: str
    id_number: str
    union_id: str
    union_name: str
    gender: str | None
    birth_date: date | None
    ethnicity: str | None
    political_status: str | None
    education: str | None
    hukou_type: str | None
    is_migrant_worker: bool
    phone: str | None
    employer: str | None
    position: str | None
    card_no: str | None
    joined_on: date | None
    membership_status: str
    left_on: date | None
    leave_reason: str | None
    photo: str | None
    notes: str | None


@dataclass(frozen=True)
class Validated:
    values: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _as_date(
    value: Any, field: str, today: date | None = None, notes: list[str] | None = None
) -> date | None:
    """A typed date by the shared rule (``desktop.services.dates``), as the roster reads it.

    A year or year-month is completed to the first day and a note is added to ``notes``
    (shown as a warning by the dialog and the CLI), never completed silently.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    label = FIELDS_BY_NAME[field].label if field in FIELDS_BY_NAME else field
    try:
        reading = dates.read_date(value, today=today or clock.current().today())
    except dates.DateError as exc:
        raise ValidationError(f"{label}：{exc}", field=field) from None
    if reading.note and notes is not None:
        notes.append(f"{label}{reading.note}")
    return reading.value


def _as_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text_value = str(value).strip().lower()
    if text_value in {"1", "true", "yes", "是", "y"}:
        return True
    if text_value in {"0", "false", "no", "否", "n"}:
        return False
    raise ValidationError("农民工一栏只能填「是」或「否」", field="is_migrant_worker")


# Fields in form order (the order of messages and of the cleaned values).
_FIELD_SPECS = tuple(FIELDS_BY_NAME.values())


@lru_cache(maxsize=4096)
def _code_of(field: str, raw: str) -> str | None:
    """``CodeList.lookup`` (a scan of up to 56 labels) once per field and spelling: a roster
    repeats the same few spellings 100k times."""
    codes = FIELDS_BY_NAME[field].codes
    assert codes is not None
    return codes.lookup(raw)


def validate(
    conn: Connection,
    values: dict[str, Any],
    *,
    member_id: str | None = None,
    check_area: bool = True,
    today: date | None = None,
    union_ids: Container[str] | None = None,
    check_duplicates: bool = True,
) -> Validated:
    """Clean ``values`` (a new member's fields, or the changed ones) or raise with all problems.

    Bulk callers (the roster importer) may pass the set of live ``union_ids`` and
    ``check_duplicates=False`` to skip the per-row queries, and must then check ID and card
    duplicates themselves in one batch with the same messages. The kinds are tested most
    common first and code spellings cached, because the importer calls this 100k times;
    a property test holds the results equal to the straightforward version.
    """
    unknown = values.keys() - EDITABLE
    if unknown:
        raise ValidationError(f"未知的会员字段：{'、'.join(sorted(unknown))}")
    problems: dict[str, str] = {}
    warnings: list[str] = []
    out: dict[str, Any] = {}
    creating = member_id is None
    for spec in _FIELD_SPECS:
        name = spec.name
        if name in values:
            raw = values[name]
        elif creating and spec.required:
            raw = None
        else:
            continue
        kind = spec.kind
        try:
            if kind == "text":
                cleaned = str(raw).strip() if raw is not None else ""
                if name == "name":
                    cleaned = normalise_text(cleaned)
                check_no_control_chars(cleaned, name, spec.label, one_line=name != "notes")
                if spec.required and not cleaned:
                    raise ValidationError(f"{spec.label}不能为空", field=name)
                if len(cleaned) > spec.max_len:
                    raise ValidationError(f"{spec.label}不能超过 {spec.max_len} 个字", field=name)
                out[name] = cleaned or None
            elif kind == "code":
                if raw is None or raw == "":
                    out[name] = None
                else:
                    code = _code_of(name, str(raw))
                    if code is None:
                        raise ValidationError(f"{spec.label}「{raw}」不在代码表中", field=name)
                    out[name] = code
            elif kind == "id_number":
                info = check_id_number(str(raw or ""), today=today, check_area=check_area)
                out["id_number"] = info.id_number
                out["birth_date"] = info.birth_date
                out["gender"] = info.gender
                if info.warning:
                    warnings.append(info.warning)
            elif kind == "phone":
                out[name] = check_phone(None if raw is None else str(raw))
            elif kind == "date":
                out[name] = raw if type(raw) is date else _as_date(raw, name, today, warnings)
            elif kind == "bool":
                out[name] = _as_bool(raw)
            else:  # "union"
                union = str(raw or "").strip()
                if not union:
                    raise ValidationError("请选择所属工会", field=name)
                if union_ids is not None:
                    exists = union in union_ids
                else:
                    exists = (
                        conn.execute(
                            text("SELECT 1 FROM unions WHERE id = :u AND deleted = 0"),
                            {"u": union},
                        ).first()
                        is not None
                    )
                if not exists:
                    raise ValidationError("所选工会不存在或已删除", field=name)
                out[name] = union
        except ValidationError as exc:
            problems[name] = exc.message
    _check_joined_on(conn, out, problems, today, member_id if check_duplicates else None)
    if "id_number" in out and "id_number" not in problems and check_duplicates:
        _check_duplicate_id(conn, out["id_number"], member_id, problems)
    if out.get("card_no") and check_duplicates:
        _check_duplicate_card(conn, out["card_no"], member_id, problems)
    if problems:
        raise ValidationError("；".join(problems.values()), problems=problems)
    if creating:
        if out.get("is_migrant_worker") is None:
            out["is_migrant_worker"] = out.get("hukou_type") in RURAL_HUKOU
        out.setdefault("membership_status", None)
        out["membership_status"] = out["membership_status"] or "active"
        if out.get("joined_on") is None and out["membership_status"] != "applicant":
            out["joined_on"] = today or clock.current().today()
    elif "is_migrant_worker" in out and out["is_migrant_worker"] is None:
        out["is_migrant_worker"] = False
    return Validated(out, tuple(warnings))


def _check_joined_on(
    conn: Connection,
    out: dict[str, Any],
    problems: dict[str, str],
    today: date | None,
    stored_id: str | None,
) -> None:
    """A join date after today, or before the member turned 16, is refused.

    After today is a typing slip (2062 for 2026): counted as a member from a future day,
    the person would be missing from today's figures. Before the 16th birthday is a date
    misread (2019 taken as an Excel serial gave 1905) or mistyped: the 工会法 admits
    workers from 16. The birth date comes from the ID number in ``out``, or, when an edit
    changes only the join date, from the stored member ``stored_id`` (per-row callers only;
    the roster import always has the ID number).
    """
    joined = out.get("joined_on")
    if joined is None or "joined_on" in problems:
        return
    if joined > (today or clock.current().today()):
        problems["joined_on"] = f"入会日期 {joined:%Y-%m-%d} 晚于今天，请核对"
        return
    birth = out.get("birth_date")
    if birth is None and "id_number" not in problems and stored_id is not None:
        stored = conn.execute(
            text("SELECT birth_date FROM members WHERE id = :id"), {"id": stored_id}
        ).scalar()
        birth = date.fromisoformat(stored) if isinstance(stored, str) else stored
    if isinstance(birth, date) and joined < dates.sixteenth_birthday(birth):
        problems["joined_on"] = (
            f"入会日期 {joined:%Y-%m-%d} 早于该会员年满 16 周岁的日子（按身份证号中的出生日期），"
            "请核对入会日期"
        )


def duplicate_id_message(id_number: str, name: str, union_name: str) -> str:
    return (
        f"身份证号 {mask_id_number(id_number)} 已登记为会员「{name}」（{union_name}），"
        "同一人不能重复登记"
    )


def _check_duplicate_id(
    conn: Connection, id_number: str, member_id: str | None, problems: dict[str, str]
) -> None:
    row = conn.execute(
        text(
            "SELECT m.name, u.name FROM members m JOIN unions u ON u.id = m.union_id "
            "WHERE m.id_number = :n AND m.deleted = 0 AND m.id IS NOT :me LIMIT 1"
        ),
        {"n": id_number, "me": member_id},
    ).first()
    if row is not None:
        problems["id_number"] = duplicate_id_message(id_number, row[0], row[1])


def _check_duplicate_card(
    conn: Connection, card_no: str, member_id: str | None, problems: dict[str, str]
) -> None:
    row = conn.execute(
        text("SELECT name FROM members WHERE card_no = :c AND deleted = 0 AND id IS NOT :me"),
        {"c": card_no, "me": member_id},
    ).first()
    if row is not None:
        problems["card_no"] = f"会员证号 {card_no} 已被「{row[0]}」使用"


def _prefix(conn: Connection) -> str:
    fed = federations.require_current_id(conn)
    return str(
        conn.execute(
            text("SELECT card_prefix FROM federations WHERE id = :f"), {"f": fed}
        ).scalar_one()
    )


def add(db: Database, values: dict[str, Any]) -> tuple[MemberRecord, tuple[str, ...]]:
    """Register one member; returns the record and any warnings (e.g. old area code)."""
    with db.connect() as conn:
        checked = validate(conn, values)
        row = dict(checked.values)
        if not row.get("card_no") and row["membership_status"] != "applicant":
            row["card_no"] = card_numbers.issue(conn, _prefix(conn))[0]
        member_id = insert_rows(conn, [row])[0]
    return get(db, member_id), checked.warnings


# Column order of the bulk insert: every column of ``members`` (the model is the schema).
_INSERT_COLUMNS: tuple[str, ...] = tuple(c.name for c in Member.__table__.columns)
_INSERT_SQL = (
    f"INSERT INTO members (rowid, {', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(_INSERT_COLUMNS) + 1))})"
)
# What a column holds when a row leaves it out (the model's defaults).
_ROW_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(_INSERT_COLUMNS),
    "is_migrant_worker": False,
    "membership_status": "active",
}
_DATE_NAMES = tuple(c.name for c in Member.__table__.columns if isinstance(c.type, Date))
_in_column_order = itemgetter(*_INSERT_COLUMNS)
# A prepared row (rowid first, then the columns) → what stats.member_figures reads.
_figure_values = itemgetter(
    *(
        1 + _INSERT_COLUMNS.index(c)
        for c in (
            "union_id", "membership_status", "gender", "is_migrant_worker",
            "birth_date", "joined_on", "left_on",
        )
    )
)  # fmt: skip
# From this many rows on, the dashboard counts are written set-based with their trigger
# suspended; below it the trigger does it (suspending it changes the schema version, which
# every other open connection then has to re-read).
SET_BASED_FROM = 200


@dataclass(frozen=True)
class PreparedRows:
    """Member rows as the bulk insert writes them, made without a database.

    Why a separate step: making the rows (ids, pinyin sort keys, search documents) needs
    no connection, so a caller makes and writes them a chunk at a time (the demo
    generator at a million members) without holding every row in memory.
    """

    first_rowid: int
    ids: list[str]
    params: list[tuple[Any, ...]]
    documents: list[search_index.Document]
    figures: Counter[stats.FigureKey]  # what the rows add to the dashboard summary


def prepare_rows(rows: list[dict[str, Any]], first_rowid: int) -> PreparedRows:
    """Already-validated member rows → what ``appending`` inserts at ``first_rowid``."""
    unknown = set().union(*rows) - set(_INSERT_COLUMNS)
    if unknown:
        raise UnionDeskError(f"未知的会员字段：{'、'.join(sorted(unknown))}")
    ids: list[str] = []
    params: list[tuple[Any, ...]] = []
    documents: list[search_index.Document] = []
    for rowid, row in enumerate(rows, first_rowid):
        member_id = row.get("id") or new_id()
        ids.append(member_id)
        name = row["name"]
        values = {**_ROW_DEFAULTS, **row, "id": member_id, "deleted": False}
        values["sort_key"] = sort_key(name)
        for column in _DATE_NAMES:
            if values[column] is not None:
                values[column] = values[column].isoformat()
        params.append((rowid, *_in_column_order(values)))
        documents.append(
            search_index.document(
                rowid, name, values["id_number"], values["phone"], values["card_no"]
            )
        )
    figures = stats.member_figures(map(_figure_values, params))
    return PreparedRows(first_rowid, ids, params, documents, figures)


@contextmanager
def appending(
    conn: Connection, *, rows: int | None = None
) -> Iterator[Callable[[PreparedRows], list[str]]]:
    """Append many prepared batches; dashboard counts once, at the end.

    Change capture is the insert trigger's, row by row (set-based capture bought under
    15% of a bulk insert: docs/benchmarks.md). ``stats.bulk_member_insert`` counts the
    rows for the dashboard, exactly what its insert trigger would, in one statement
    instead of a trigger run per row. One block for all the batches of an import or a
    demo fill, not one per batch: the count's upserts would otherwise hit the same
    (date, union) keys batch after batch (5 of the demo fill's 58 s at a million
    members). Only appends inside the block. ``rows``, how many the block will append
    when the caller knows: fewer than ``SET_BASED_FROM`` are left to the triggers; at
    least as many as the table holds, and its secondary indexes are built once at the
    end instead (``deferred_indexes``).
    """
    if rows is not None and rows < SET_BASED_FROM:
        yield partial(_append, conn)
        return
    figures: Counter[stats.FigureKey] = Counter()
    with (
        deferred_indexes(conn, "members", rows) if rows is not None else nullcontext(),
        stats.bulk_member_insert(conn, figures),
    ):

        def append(prepared: PreparedRows) -> list[str]:
            ids = _append(conn, prepared)
            figures.update(prepared.figures)
            return ids

        yield append


def next_rowid(conn: Connection) -> int:
    """The rowid the next appended member gets (``prepare_rows``' ``first_rowid``)."""
    return 1 + int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM members").scalar_one())


def _append(conn: Connection, prepared: PreparedRows) -> list[str]:
    if not prepared.params:
        return []
    start = next_rowid(conn)
    if start != prepared.first_rowid:
        # the rowids are explicit: rows prepared for another place in the table would
        # collide with (or leave a gap after) what is there now
        raise UnionDeskError(
            f"内部错误：会员行按第 {prepared.first_rowid} 行准备，但表中已有 {start - 1} 行"
        )
    conn.exec_driver_sql(_INSERT_SQL, prepared.params)
    conn.exec_driver_sql(search_index.INSERT_SQL, prepared.documents)
    return prepared.ids


# Rows prepared per batch by ``insert_rows``: a batch's tuples and documents need not all
# sit in memory at once.
BULK_CHUNK = 10_000
# A bulk insert of at least this many rows first runs SQLite's quick_check (db_health).
CHECK_BEFORE_ROWS = 1000


def insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """Bulk insert already-validated member rows (captured, indexed), in the caller's
    transaction.

    Why not Core ``insert(Member)`` with dicts: SQLAlchemy's per-row parameter processing
    cost more than SQLite's own work. Rows go to ``executemany`` as tuples in column
    order instead, converted exactly as SQLAlchemy stores them (dates as ISO text,
    booleans as 0/1), with explicit rowids so the search documents are made from the rows
    in hand rather than read back. Capture and counts as ``appending`` decides: set-based
    from ``SET_BASED_FROM`` rows, by the triggers below it.
    """
    if not rows:
        return []
    if len(rows) >= CHECK_BEFORE_ROWS:
        db_health.check_connection(conn)  # a bulk write into a damaged file spreads it
    first = next_rowid(conn)
    ids: list[str] = []
    with appending(conn, rows=len(rows)) as append:
        for start in range(0, len(rows), BULK_CHUNK):
            ids += append(prepare_rows(rows[start : start + BULK_CHUNK], first + start))
    return ids


def update(
    db: Database, member_id: str, changes: dict[str, Any]
) -> tuple[MemberRecord, tuple[str, ...]]:
    with db.connect() as conn:
        _require(conn, member_id)
        checked = validate(conn, changes, member_id=member_id)
        values = dict(checked.values)
        if "name" in values:
            values["sort_key"] = sort_key(values["name"])
        if values:
            sets = ", ".join(f"{k} = :{k}" for k in values)
            conn.execute(
                text(f"UPDATE members SET {sets} WHERE id = :id"), {**values, "id": member_id}
            )
            search_index.reindex_member(conn, member_id)
    return get(db, member_id), checked.warnings


def mark_left(
    db: Database, member_id: str, status: str, *, on: date | None = None, reason: str | None = None
) -> MemberRecord:
    """会员离会 is a status change, never a delete: the record stays in the registry."""
    if status not in LEFT_STATUSES and status != "retained":
        labels = "、".join(MEMBERSHIP_STATUS.label(s) for s in sorted(LEFT_STATUSES))
        raise ValidationError(f"离会状态只能是：{labels} 或 保留会籍", field="membership_status")
    with db.connect() as conn:
        _require(conn, member_id)
        conn.execute(
            text(
                "UPDATE members SET membership_status = :s, left_on = :d, leave_reason = :r "
                "WHERE id = :id"
            ),
            {"s": status, "d": on or db.clock.today(), "r": reason, "id": member_id},
        )
    return get(db, member_id)


def delete(db: Database, member_id: str) -> None:
    """Remove a record entered by mistake: a tombstone that travels, not a row removal."""
    with db.connect() as conn:
        _require(conn, member_id)
        conn.execute(text("UPDATE members SET deleted = 1 WHERE id = :id"), {"id": member_id})
        search_index.reindex_member(conn, member_id)


def _require(conn: Connection, member_id: str) -> None:
    found = conn.execute(
        text("SELECT 1 FROM members WHERE id = :id AND deleted = 0"), {"id": member_id}
    ).first()
    if found is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已被删除）")


def get(db: Database, member_id: str) -> MemberRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, member_id)


def get_in(conn: Connection, member_id: str) -> MemberRecord:
    row = conn.execute(
        text(
            "SELECT m.id, m.name, m.id_number, m.union_id, u.name, m.gender, m.birth_date, "
            "m.ethnicity, m.political_status, m.education, m.hukou_type, m.is_migrant_worker, "
            "m.phone, m.employer, m.position, m.card_no, m.joined_on, m.membership_status, "
            "m.left_on, m.leave_reason, m.photo, m.notes FROM members m "
            "JOIN unions u ON u.id = m.union_id WHERE m.id = :id AND m.deleted = 0"
        ),
        {"id": member_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已被删除）")
    values = list(row)
    for i in (6, 16, 18):
        if values[i] is not None:
            values[i] = date.fromisoformat(str(values[i]))
    values[11] = bool(values[11])
    return MemberRecord(*values)


def require_federation(db: Database) -> None:
    with db.connect(write=False) as conn:
        if federations.current_id(conn) is None:
            raise UnionDeskError("尚未创建本单位（工会联合会）")
