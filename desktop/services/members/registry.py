"""实名制会员: register, edit, mark as left, delete (tombstone), read one member.

Every rule lives in ``validate``: the dialog, the CLI and the roster importer call the
same function and show its per-field Chinese messages. Birth date and gender are never
typed: they come from the ID number. The rows themselves are written by
``members.writer`` (the one module that writes ``members``), with their search
documents, dashboard counts and change records.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, text

from desktop import clock
from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.models import dates
from desktop.models.codes import LEFT_STATUSES, MEMBERSHIP_STATUS, RURAL_HUKOU
from desktop.models.masking import mask_id_number
from desktop.models.member_fields import EDITABLE, FIELDS_BY_NAME, FieldSpec
from desktop.models.validation import (
    check_no_control_chars,
    check_phone,
    id_number_parts,
)
from desktop.services.members import card_numbers, conflicts, status_rules, writer
from desktop.services.unions import federations
from desktop.storage.database import Database
from desktop.textnorm import normalise_name


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
    # +1 at every write of the record: an edit based on this record passes it back
    # (``seen``) and is refused if another clerk saved meanwhile (``conflicts``)
    version: int = 1

    def seen(self) -> writer.Seen:
        """What a clerk who loaded this record has seen: its version and shown fields."""
        return writer.Seen(
            self.version, {f: getattr(self, f) for f in conflicts.LABELS if hasattr(self, f)}
        )


@dataclass(frozen=True)
class Validated:
    values: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _as_date(
    value: Any, field: str, today: date | None = None, notes: list[str] | None = None
) -> date | None:
    """A typed date by the shared rule (``desktop.models.dates``), as the roster reads it.

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
_MISSING: Any = object()
# Cleaned text and code values per field and spelling, when the value is a str: the
# result depends on nothing else, and a roster repeats the same employers, positions,
# ethnicities and names thousands of times. Refusals are never stored (each raises
# again). Bounded: a field stops adding once it holds ``_CLEANED_LIMIT`` spellings.
_CLEANED_LIMIT = 8192
_CLEANED: dict[str, dict[str, Any]] = {
    spec.name: {} for spec in _FIELD_SPECS if spec.kind in ("text", "code")
}
# (name, kind, spec, cache of cleaned values or None) per field, in form order.
_FIELD_PLAN = tuple((spec.name, spec.kind, spec, _CLEANED.get(spec.name)) for spec in _FIELD_SPECS)


@lru_cache(maxsize=256)
def _plan(fields: tuple[str, ...], creating: bool) -> tuple[tuple[str, str, FieldSpec, Any], ...]:
    """The fields ``validate`` visits for values with these keys, in form order: the given
    ones, and a new member's required ones even when missing (checked as blank). Made
    once per set of keys: the importer's 100k rows all have the same."""
    given = set(fields)
    return tuple(
        step for step in _FIELD_PLAN if step[0] in given or (creating and step[2].required)
    )


@lru_cache(maxsize=4096)
def _code_of(field: str, raw: str) -> str | None:
    """``CodeList.lookup`` (a scan of up to 56 labels) once per field and spelling: a roster
    repeats the same few spellings 100k times."""
    codes = FIELDS_BY_NAME[field].codes
    assert codes is not None
    return codes.lookup(raw)


def _clean_text(spec: FieldSpec, raw: Any) -> str | None:
    """A text field's value: trimmed (a name also folded), one line (notes excepted), not
    over its length, present if required."""
    name = spec.name
    cleaned = str(raw).strip() if raw is not None else ""
    if name == "name":
        cleaned = normalise_name(cleaned)
    check_no_control_chars(cleaned, name, spec.label, one_line=name != "notes")
    if spec.required and not cleaned:
        raise ValidationError(f"{spec.label}不能为空", field=name)
    if len(cleaned) > spec.max_len:
        raise ValidationError(f"{spec.label}不能超过 {spec.max_len} 个字", field=name)
    return cleaned or None


def _clean_code(spec: FieldSpec, raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    code = _code_of(spec.name, str(raw))
    if code is None:
        message = f"{spec.label}「{raw}」不在代码表中；{_allowed(spec)}"
        raise ValidationError(message, field=spec.name)
    return code


#: Up to this many labels, a refusal lists them all (政治面貌, 学历, 户籍类型 …).
LISTED_LABELS = 16


def _allowed(spec: FieldSpec) -> str:
    """What may be written instead: every label of a short list, else a few examples."""
    assert spec.codes is not None
    labels = spec.codes.labels
    if len(labels) <= LISTED_LABELS:
        return f"可填：{'、'.join(labels)}"
    return f"请写全称，如 {'、'.join(labels[:3])}（模板的「代码表」工作表列出全部）"


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
    duplicates themselves in one batch with the same messages. Text and code values are
    cleaned once per spelling (``_CLEANED``) and an ID number's parts come as a tuple,
    because the importer calls this 100k times; a property test holds the results equal
    to the straightforward version.
    """
    if not EDITABLE.issuperset(values):
        unknown = values.keys() - EDITABLE
        raise ValidationError(f"未知的会员字段：{'、'.join(sorted(unknown))}")
    problems: dict[str, str] = {}
    warnings: list[str] = []
    out: dict[str, Any] = {}
    creating = member_id is None
    for name, kind, spec, cache in _plan(tuple(values), creating):
        raw = values.get(name)
        if cache is not None and type(raw) is str:
            cleaned = cache.get(raw, _MISSING)
            if cleaned is not _MISSING:
                out[name] = cleaned
                continue
        try:
            if kind == "text":
                cleaned = _clean_text(spec, raw)
            elif kind == "code":
                cleaned = _clean_code(spec, raw)
            elif kind == "id_number":
                number, birth, gender, warning = id_number_parts(str(raw or ""), today, check_area)
                out["id_number"] = number
                out["birth_date"] = birth
                out["gender"] = gender
                if warning:
                    warnings.append(warning)
                continue
            elif kind == "phone":
                cleaned = check_phone(None if raw is None else str(raw))
            elif kind == "date":
                cleaned = raw if type(raw) is date else _as_date(raw, name, today, warnings)
            elif kind == "bool":
                cleaned = _as_bool(raw)
            else:  # "union"
                cleaned = _check_union(conn, raw, union_ids)
        except ValidationError as exc:
            problems[name] = exc.message
            continue
        out[name] = cleaned
        if cache is not None and type(raw) is str and len(cache) < _CLEANED_LIMIT:
            cache[raw] = cleaned
    if (
        creating
        and out.get("joined_on") is None
        and "joined_on" not in problems
        and out.get("membership_status") != "applicant"
    ):
        # a new member's join date left blank is today: checked as if typed (a child
        # registered with no date is refused with the same words as with today's date)
        out["joined_on"] = today or clock.current().today()
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
    elif "is_migrant_worker" in out and out["is_migrant_worker"] is None:
        out["is_migrant_worker"] = False
    return Validated(out, tuple(warnings))


def _check_union(conn: Connection, raw: Any, union_ids: Container[str] | None) -> str:
    """The union's id, if it is a live union (in ``union_ids`` when the caller gave them)."""
    union = str(raw or "").strip()
    if not union:
        raise ValidationError("请选择所属工会", field="union_id")
    if union_ids is not None:
        exists = union in union_ids
    else:
        exists = (
            conn.execute(
                text("SELECT 1 FROM unions WHERE id = :u AND deleted = 0"), {"u": union}
            ).first()
            is not None
        )
    if not exists:
        raise ValidationError("所选工会不存在或已删除", field="union_id")
    return union


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
    # a join date in a later year than the 16th birthday's needs no birthday worked out
    if (
        isinstance(birth, date)
        and joined.year <= birth.year + 16
        and joined < dates.sixteenth_birthday(birth)
    ):
        problems["joined_on"] = (
            f"入会日期 {joined:%Y-%m-%d} 早于该会员年满 16 周岁的日子（按身份证号中的出生日期），"
            "请核对入会日期"
        )


def duplicate_id_message(id_number: str, name: str, union_name: str, status: str = "") -> str:
    """The refusal of a second record for one ID number. For a person who left, what the
    record is and the way back (an application, approved onto the same record): a clerk
    re-admitting someone tried 新增会员 and learnt only that the person was registered."""
    head = f"身份证号 {mask_id_number(id_number)} 已登记为会员「{name}」（{union_name}"
    if status not in LEFT_STATUSES:
        return f"{head}），同一人不能重复登记"
    way_back = (
        "如其转回本单位，请办理会籍转入" if status == "transferred_out"
        else "如需重新入会，请为其办理入会申请"
    )  # fmt: skip
    return (
        f"{head}，会籍状态「{MEMBERSHIP_STATUS.label(status)}」），同一人不能重复登记；"
        f"{way_back}，办理后沿用原记录"
    )


def _check_duplicate_id(
    conn: Connection, id_number: str, member_id: str | None, problems: dict[str, str]
) -> None:
    row = conn.execute(
        text(
            "SELECT m.name AS name, u.name AS union_name, m.membership_status AS status "
            "FROM members m JOIN unions u ON u.id = m.union_id "
            "WHERE m.id_number = :n AND m.deleted = 0 AND m.id IS DISTINCT FROM :me LIMIT 1"
        ),
        {"n": id_number, "me": member_id},
    ).first()
    if row is not None:
        problems["id_number"] = duplicate_id_message(
            id_number, row.name, row.union_name, row.status
        )


def _check_duplicate_card(
    conn: Connection, card_no: str, member_id: str | None, problems: dict[str, str]
) -> None:
    row = conn.execute(
        text(
            "SELECT name FROM members WHERE card_no = :c AND deleted = 0 "
            "AND id IS DISTINCT FROM :me"
        ),
        {"c": card_no, "me": member_id},
    ).first()
    if row is not None:
        problems["card_no"] = f"会员证号 {card_no} 已被「{row[0]}」使用"


def add(db: Database, values: dict[str, Any]) -> tuple[MemberRecord, tuple[str, ...]]:
    """Register one member; returns the record and any warnings (e.g. old area code).
    A new member is 在会, 申请中 or 保留会籍 (``status_rules``); a join date left blank is
    the database clock's today."""
    with db.connect() as conn:
        checked = validate(conn, values, today=db.clock.today())
        status_rules.check_new(checked.values["membership_status"])
        row = dict(checked.values)
        if not row.get("card_no") and row["membership_status"] != "applicant":
            row["card_no"] = card_numbers.issue_for_federation(
                conn, federations.require_current_id(conn)
            )[0]
        member_id = writer.insert_one(conn, row)
    return get(db, member_id), checked.warnings


def update(
    db: Database,
    member_id: str,
    changes: dict[str, Any],
    *,
    seen: writer.Seen | None = None,
) -> tuple[MemberRecord, tuple[str, ...]]:
    """Change a member's fields. ``seen``: what the clerk loaded (``MemberRecord.seen()``,
    or ``writer.Seen(version)`` alone from a command): if another write came since,
    ``EditConflictError`` with the differences, nothing written. None: no check (a
    caller that read nothing first). A leaving status is refused here
    (``status_rules.check_edit``): 会员离会 and transfers set it, with its date."""
    with db.connect() as conn:
        stored = _require(conn, member_id)
        checked = validate(conn, changes, member_id=member_id, today=db.clock.today())
        status_rules.check_edit(stored, checked.values.get("membership_status"))
        writer.update_fields(conn, member_id, checked.values, seen=seen)
    return get(db, member_id), checked.warnings


def mark_left(
    db: Database,
    member_id: str,
    status: str,
    *,
    on: date | None = None,
    reason: str | None = None,
    seen: writer.Seen | None = None,
) -> MemberRecord:
    """会员离会 is a status change, never a delete: the record stays in the registry.

    ``status``: 已退会, 已开除 or 保留会籍 (已转出 is a transfer out, which issues a slip);
    ``on``: the day, today (the database clock's) when None. Refused, nothing written
    (``status_rules.check_leave``): a member not current (said with since when), a day
    after today, before the join date or before the last status change. The record's
    leave date and reason and its history row are written together. ``seen``: checked
    as in ``update``."""
    status_rules.check_leave_status(status)
    today = db.clock.today()
    day = on or today
    with db.connect() as conn:
        member = get_in(conn, member_id)
        status_rules.check_leave(
            conn, member_id, stored=member.membership_status, joined_on=member.joined_on,
            left_on=member.left_on, status=status, day=day, today=today,
        )  # fmt: skip
        writer.mark_left(conn, member_id, status, day, reason, seen=seen)
    return get(db, member_id)


def delete(db: Database, member_id: str, *, seen: writer.Seen | None = None) -> None:
    """Remove a record entered by mistake: a tombstone that travels, not a row removal.
    ``seen``: checked as in ``update``."""
    with db.connect() as conn:
        _require(conn, member_id)
        writer.mark_deleted(conn, member_id, seen=seen)


def _require(conn: Connection, member_id: str) -> str:
    """The live member's stored status, or ``NotFoundError``."""
    found = conn.execute(
        text("SELECT membership_status FROM members WHERE id = :id AND deleted = 0"),
        {"id": member_id},
    ).first()
    if found is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已被删除）")
    return str(found.membership_status)


def get(db: Database, member_id: str) -> MemberRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, member_id)


def get_in(conn: Connection, member_id: str) -> MemberRecord:
    row = conn.execute(
        text(
            "SELECT m.id, m.name, m.id_number, m.union_id, u.name AS union_name, m.gender, "
            "m.birth_date, m.ethnicity, m.political_status, m.education, m.hukou_type, "
            "m.is_migrant_worker, m.phone, m.employer, m.position, m.card_no, m.joined_on, "
            "m.membership_status, m.left_on, m.leave_reason, m.photo, m.notes, m.version "
            "FROM members m "
            "JOIN unions u ON u.id = m.union_id WHERE m.id = :id AND m.deleted = 0"
        ),
        {"id": member_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已被删除）")
    stored = row._asdict()
    for name in ("birth_date", "joined_on", "left_on"):
        if stored[name] is not None:
            stored[name] = date.fromisoformat(str(stored[name]))
    stored["is_migrant_worker"] = bool(stored["is_migrant_worker"])
    return MemberRecord(**stored)


def require_federation(db: Database) -> None:
    with db.connect(write=False) as conn:
        if federations.current_id(conn) is None:
            raise UnionDeskError("尚未创建本单位（工会联合会）")
