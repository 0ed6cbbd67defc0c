"""Legal-aid cases: intake, stage changes and closing, with the checks a clerk needs.

The one writer of ``legal_cases``. Every function opens its own transaction and refuses
bad input with a Chinese ``ValidationError`` before anything is written. Dates are
checked against the caller's ``today`` (a case cannot be taken in or closed in the
future). Messages never quote a name or phone: they say which field and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.codes import LEGAL_CASE_STATUS, LEGAL_CASE_TYPE, LEGAL_OUTCOME
from desktop.models.ids import new_id
from desktop.models.masking import mask_phone
from desktop.models.validation import check_no_control_chars, check_phone
from desktop.services.activities.inputs import as_amount_fen, as_date, opt_text, yuan
from desktop.storage import redaction
from desktop.storage.database import Database

# Fields a clerk may set on intake or edit (status, outcome and closing have their own calls).
EDITABLE = (
    "intake_on",
    "member_id",
    "applicant_name",
    "applicant_phone",
    "case_type",
    "summary",
    "employer",
    "handler",
    "notes",
)
_LABELS = {
    "intake_on": "受理日期",
    "applicant_name": "申请人姓名",
    "summary": "案情摘要",
    "employer": "用人单位",
    "handler": "承办人",
    "notes": "备注",
}
_LENGTHS = {"applicant_name": 50, "summary": 100_000, "employer": 100, "handler": 50}


@dataclass(frozen=True)
class LegalCaseRecord:
    """A case as the case page and the intake form show it (the phone in full)."""

    id: str
    intake_on: date
    member_id: str | None
    applicant_name: str
    applicant_phone: str | None
    is_member: bool
    case_type: str
    summary: str | None
    employer: str | None
    handler: str | None
    status: str
    outcome: str | None
    amount_recovered_fen: int | None
    closed_on: date | None
    notes: str | None

    @property
    def type_label(self) -> str:
        return LEGAL_CASE_TYPE.label(self.case_type)

    @property
    def status_label(self) -> str:
        return LEGAL_CASE_STATUS.label(self.status)

    @property
    def outcome_label(self) -> str:
        return LEGAL_OUTCOME.label(self.outcome)

    @property
    def amount_text(self) -> str:
        return yuan(self.amount_recovered_fen)


@dataclass(frozen=True)
class LegalCaseRow:
    """A case in a list: the phone masked."""

    id: str
    intake_on: date
    applicant_name: str
    phone_masked: str
    is_member: bool
    case_type: str
    type_label: str
    employer: str | None
    handler: str | None
    status: str
    status_label: str
    outcome_label: str
    amount_recovered_fen: int | None
    closed_on: date | None


# Column labels are the fields of ``_Stored``: rows are read by name.
_SELECT = (
    "SELECT c.id, c.intake_on, c.member_id, coalesce(m.name, c.applicant_name, '') AS name, "
    "coalesce(m.phone, c.applicant_phone) AS phone, c.case_type, c.summary, c.employer, "
    "c.handler, c.status, c.outcome, c.amount_recovered_fen, c.closed_on, c.notes "
    "FROM legal_cases c LEFT JOIN members m ON m.id = c.member_id "
)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _record(r: Any) -> LegalCaseRecord:
    intake = _day(r.intake_on)
    assert intake is not None
    return LegalCaseRecord(
        id=str(r.id),
        intake_on=intake,
        member_id=r.member_id,
        applicant_name=str(r.name),
        applicant_phone=r.phone,
        is_member=r.member_id is not None,
        case_type=str(r.case_type),
        summary=r.summary,
        employer=r.employer,
        handler=r.handler,
        status=str(r.status),
        outcome=r.outcome,
        amount_recovered_fen=None
        if r.amount_recovered_fen is None
        else int(r.amount_recovered_fen),
        closed_on=_day(r.closed_on),
        notes=r.notes,
    )


def get_in(conn: Connection, case_id: str) -> LegalCaseRecord:
    row = conn.execute(
        text(_SELECT + "WHERE c.id = :id AND c.deleted = 0"), {"id": case_id}
    ).first()
    if row is None:
        raise NotFoundError("该法律援助案件不存在或已删除", field="case_id")
    return _record(row)


def get_case(db: Database, case_id: str) -> LegalCaseRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, case_id)


def as_row(rec: LegalCaseRecord) -> LegalCaseRow:
    """The list form of a case (phone masked): also what the CLI prints for one case."""
    return LegalCaseRow(
        id=rec.id,
        intake_on=rec.intake_on,
        applicant_name=rec.applicant_name,
        phone_masked=mask_phone(rec.applicant_phone),
        is_member=rec.is_member,
        case_type=rec.case_type,
        type_label=rec.type_label,
        employer=rec.employer,
        handler=rec.handler,
        status=rec.status,
        status_label=rec.status_label,
        outcome_label=rec.outcome_label,
        amount_recovered_fen=rec.amount_recovered_fen,
        closed_on=rec.closed_on,
    )


def list_cases(
    db: Database,
    *,
    status: str | None = None,
    case_type: str | None = None,
    year: int | None = None,
    open_only: bool = False,
) -> list[LegalCaseRow]:
    """Cases newest intake first, phones masked; filters by status, type, intake year."""
    where, params = ["c.deleted = 0"], {}
    if status:
        where.append("c.status = :status")
        params["status"] = _code(LEGAL_CASE_STATUS, status, "status", "案件状态")
    if case_type:
        where.append("c.case_type = :type")
        params["type"] = _code(LEGAL_CASE_TYPE, case_type, "case_type", "案件类型")
    if year is not None:
        where.append("c.intake_on BETWEEN :first AND :last")
        params.update(first=f"{year:04d}-01-01", last=f"{year:04d}-12-31")
    if open_only:
        where.append("c.status <> 'closed'")
    sql = _SELECT + f"WHERE {' AND '.join(where)} ORDER BY c.intake_on DESC, c.rowid DESC"
    with db.connect(write=False) as conn:
        return [as_row(_record(r)) for r in conn.execute(text(sql), params).all()]


def cases_of_member(db: Database, member_id: str) -> list[LegalCaseRow]:
    """A member's cases (for the member page), newest first."""
    sql = _SELECT + "WHERE c.deleted = 0 AND c.member_id = :m ORDER BY c.intake_on DESC"
    with db.connect(write=False) as conn:
        return [as_row(_record(r)) for r in conn.execute(text(sql), {"m": member_id}).all()]


# ---- checks ---------------------------------------------------------------------------


def _code(codes: Any, value: Any, field: str, label: str) -> str:
    code = codes.lookup(str(value or ""))
    if code is None:
        raw = str(value or "").strip()
        what = f"「{raw}」不在代码表中" if raw else "不能为空"
        raise ValidationError(f"{label}{what}，可选：{'、'.join(codes.labels)}", field=field)
    return str(code)


def _not_future(day: date, today: date, field: str, label: str) -> date:
    if day > today:
        raise ValidationError(
            f"{label} {day.isoformat()} 晚于今天（{today.isoformat()}），请填写已发生的日期",
            field=field,
        )
    return day


def _clean(conn: Connection, values: dict[str, Any], today: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in EDITABLE:
            raise ValidationError(f"未知的案件字段：{key}")
        if key == "intake_on":
            day = as_date(value, key, "受理日期")
            if day is None:
                raise ValidationError("受理日期不能为空", field=key)
            out[key] = _not_future(day, today, key, "受理日期")
        elif key == "member_id":
            out[key] = _member(conn, value)
        elif key == "applicant_phone":
            out[key] = _phone(value)
        elif key == "case_type":
            out[key] = _code(LEGAL_CASE_TYPE, value, key, "案件类型")
        else:
            clean = opt_text(value, key, _LABELS[key], _LENGTHS.get(key, 100_000))
            if clean is not None:
                check_no_control_chars(clean, key, _LABELS[key], one_line=key != "summary")
            out[key] = clean
    return out


def _member(conn: Connection, value: Any) -> str | None:
    member_id = str(value or "").strip() or None
    if member_id is None:
        return None
    found = conn.execute(
        text("SELECT 1 FROM members WHERE id = :id AND deleted = 0"), {"id": member_id}
    ).first()
    if found is None:
        raise ValidationError("申请人会员记录不存在或已删除，请重新选择会员", field="member_id")
    return member_id


def _phone(value: Any) -> str | None:
    try:
        return check_phone(None if value is None else str(value))
    except ValidationError as exc:
        # check_phone quotes the number; a legal-aid message must not.
        raise ValidationError(
            "申请人手机号应为以 1 开头的 11 位数字，请核对后重新输入", field="applicant_phone"
        ) from exc


def _check_applicant(merged: dict[str, Any]) -> None:
    if merged.get("member_id"):
        return
    if not merged.get("applicant_name"):
        raise ValidationError("请选择申请人会员，或填写非会员申请人的姓名", field="applicant_name")


def _refuse_typed_applicant(member_id: str | None, clean: dict[str, Any]) -> None:
    """A member applicant's name and phone are the member record's: one typed beside a
    member is refused, never dropped unseen."""
    typed = [k for k in ("applicant_phone", "applicant_name") if clean.get(k)]
    if member_id and typed:
        raise ValidationError(
            "会员申请人的姓名和手机号取自会员记录，不另填写：请清空非会员姓名和手机号"
            "（会员换了手机号请在会员信息中修改）",
            field=typed[0],
        )


def _today(db: Database, today: date | None) -> date:
    return today if today is not None else db.clock.today()


# ---- writes ---------------------------------------------------------------------------


def add_case(db: Database, values: dict[str, Any], *, today: date | None = None) -> LegalCaseRecord:
    """受理 a case. Needs the type and either a member or a non-member's name; the
    intake date defaults to today. A member applicant's name and phone come from the
    member record (never copied, so they follow the member's corrections)."""
    now = _today(db, today)
    with db.connect() as conn:
        clean = _clean(conn, {"intake_on": now, **values}, now)
        if "case_type" not in clean:
            raise ValidationError(
                f"案件类型不能为空，可选：{'、'.join(LEGAL_CASE_TYPE.labels)}", field="case_type"
            )
        _check_applicant(clean)
        _refuse_typed_applicant(clean.get("member_id"), clean)
        if clean.get("member_id"):
            clean["applicant_name"] = None
            clean["applicant_phone"] = None
        case_id = new_id()
        cols = ["id", "status", *clean]
        conn.execute(
            text(
                f"INSERT INTO legal_cases ({', '.join(cols)}) "
                f"VALUES ({', '.join(':' + c for c in cols)})"
            ),
            {"id": case_id, "status": "accepted", **clean},
        )
        return get_in(conn, case_id)


def update_case(
    db: Database,
    case_id: str,
    values: dict[str, Any],
    *,
    status: str | None = None,
    today: date | None = None,
) -> LegalCaseRecord:
    """Edit a case's fields and/or move it to a stage (调解/仲裁/诉讼/咨询).

    A closed case is not changed here (结案 is final; its outcome is on record). A
    case never moves back to 受理, and 结案 is reached only through ``close_case``,
    which asks for the outcome.
    """
    now = _today(db, today)
    with db.connect() as conn:
        current = get_in(conn, case_id)
        if current.status == "closed":
            raise ValidationError("该案件已结案，不能再修改", field="status")
        clean = _clean(conn, values, now)
        if status is not None:
            stage = _code(LEGAL_CASE_STATUS, status, "status", "案件状态")
            if stage == "closed":
                raise ValidationError("结案请使用「结案」操作并填写结案结果", field="status")
            if stage == "accepted" and current.status != "accepted":
                raise ValidationError(
                    "案件已进入办理阶段，不能退回「受理」；可改为调解、仲裁、诉讼或咨询",
                    field="status",
                )
            clean["status"] = stage
        merged = {
            "member_id": current.member_id,
            "applicant_name": None if current.is_member else current.applicant_name,
            **clean,
        }
        _check_applicant(merged)
        _refuse_typed_applicant(merged["member_id"], clean)
        if clean.get("member_id"):
            clean["applicant_name"] = None
            clean["applicant_phone"] = None
        if clean:
            sets = ", ".join(f"{c} = :{c}" for c in clean)
            conn.execute(
                text(f"UPDATE legal_cases SET {sets} WHERE id = :id"), {"id": case_id, **clean}
            )
        return get_in(conn, case_id)


def close_case(
    db: Database,
    case_id: str,
    *,
    outcome: str | None,
    amount_recovered: Any = None,
    closed_on: Any = None,
    today: date | None = None,
) -> LegalCaseRecord:
    """结案: the outcome is required; the amount recovered (元, two decimals at most) is
    0 or more; the closing date (default today) lies between intake and today."""
    now = _today(db, today)
    if outcome is None or not str(outcome).strip():
        raise ValidationError(
            f"结案必须填写结案结果，可选：{'、'.join(LEGAL_OUTCOME.labels)}", field="outcome"
        )
    code = _code(LEGAL_OUTCOME, outcome, "outcome", "结案结果")
    fen = as_amount_fen(amount_recovered, "amount_recovered", "追回金额")
    day = as_date(closed_on, "closed_on", "结案日期") or now
    _not_future(day, now, "closed_on", "结案日期")
    with db.connect() as conn:
        current = get_in(conn, case_id)
        if current.status == "closed":
            raise ValidationError("该案件已结案", field="status")
        if day < current.intake_on:
            raise ValidationError(
                f"结案日期 {day.isoformat()} 早于受理日期 {current.intake_on.isoformat()}，请核对",
                field="closed_on",
            )
        conn.execute(
            text(
                "UPDATE legal_cases SET status = 'closed', outcome = :o, "
                "amount_recovered_fen = :f, closed_on = :d WHERE id = :id"
            ),
            {"o": code, "f": fen, "d": day, "id": case_id},
        )
        return get_in(conn, case_id)


def delete_case(db: Database, case_id: str) -> None:
    """A tombstone that travels by sync (a case entered by mistake)."""
    with db.connect() as conn:
        get_in(conn, case_id)
        conn.execute(text("UPDATE legal_cases SET deleted = 1 WHERE id = :id"), {"id": case_id})


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert cases the caller has already made whole and valid (the demo generator), in
    one statement on its transaction: this module stays the table's one writer."""
    from sqlalchemy import insert

    from desktop.models.legal import LegalCase

    if rows:
        conn.execute(insert(LegalCase), rows)


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the 法律援助案件 of ``from_member`` become ``to_member``'s, in the caller's
    transaction (captured: the move travels); returns how many moved. Called by the
    duplicates service, so this module stays the one writer of ``legal_cases``."""
    moved = conn.exec_driver_sql(
        "UPDATE legal_cases SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)


def erase_personal_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: blank the personal fields of these rows (``services.erasure`` calls
    it with ``models.erasure.PERSONAL``), in the caller's transaction; captured, so the
    blanking travels. Here because this module is the table's one writer."""
    redaction.blank_fields(conn, "legal_cases", row_ids, blanks)
