"""个人信息处理同意: the consents that allow a file's sensitive fields (PIPL art. 29).

One writer of ``hardship_consents``. A consent names its date, its form (书面签字,
口头同意有见证人, 电子确认) and who recorded it; without one, health, disability and
income cannot be saved on the file or its household (``common.refuse_without_consent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import ValidationError
from desktop.models.base import new_id
from desktop.models.codes import CONSENT_FORM
from desktop.services.activities.inputs import as_code, opt_text, require_date
from desktop.services.care.common import case_row, need_date
from desktop.storage.database import Database


@dataclass(frozen=True)
class ConsentInput:
    """A consent as checked, before it is stored."""

    consented_on: date
    form: str
    recorded_by: str
    notes: str | None = None


@dataclass(frozen=True)
class ConsentRecord:
    id: str
    case_id: str
    consented_on: date
    form: str
    form_label: str
    recorded_by: str
    notes: str | None


def clean(
    consented_on: Any, form: Any, recorded_by: Any, *, today: date, notes: Any = None
) -> ConsentInput:
    """Check a consent as typed: a date not after today, a known form, a recorder."""
    day = require_date(consented_on, "consented_on", "同意日期")
    if day > today:
        raise ValidationError(
            f"同意日期 {day.isoformat()} 晚于今天，请填写本人实际表示同意的日期",
            field="consented_on",
        )
    who = opt_text(recorded_by, "recorded_by", "登记人", 50)
    if who is None:
        raise ValidationError("登记人不能为空：请填写记录此次同意的工作人员", field="recorded_by")
    return ConsentInput(
        consented_on=day,
        form=as_code(CONSENT_FORM, form, "form", "同意方式"),
        recorded_by=who,
        notes=opt_text(notes, "notes", "备注", 1000),
    )


def record_in(conn: Connection, case_id: str, consent: ConsentInput) -> str:
    """Store a checked consent on the caller's transaction; returns its id. A date
    before the worker was born is refused (a slip: 1900-01-01 opened the gate)."""
    born = conn.execute(
        text(
            "SELECT m.birth_date FROM hardship_cases h JOIN members m ON m.id = h.member_id "
            "WHERE h.id = :c"
        ),
        {"c": case_id},
    ).scalar()
    birth = need_date(born) if born else None
    if birth is not None and consent.consented_on < birth:
        raise ValidationError(
            f"同意日期 {consent.consented_on.isoformat()} 早于本人出生日期，请填写本人实际"
            "表示同意的日期",
            field="consented_on",
        )
    consent_id = new_id()
    conn.execute(
        text(
            "INSERT INTO hardship_consents (id, case_id, consented_on, form, recorded_by, notes) "
            "VALUES (:id, :case_id, :day, :form, :who, :notes)"
        ),
        {
            "id": consent_id,
            "case_id": case_id,
            "day": consent.consented_on.isoformat(),
            "form": consent.form,
            "who": consent.recorded_by,
            "notes": consent.notes,
        },
    )
    return consent_id


def record(
    db: Database,
    case_id: str,
    consented_on: Any,
    form: Any,
    recorded_by: Any,
    *,
    today: date,
    notes: Any = None,
) -> ConsentRecord:
    """登记同意 on an existing file."""
    consent = clean(consented_on, form, recorded_by, today=today, notes=notes)
    with db.connect() as conn:
        case_row(conn, case_id)
        consent_id = record_in(conn, case_id, consent)
    return ConsentRecord(
        consent_id,
        case_id,
        consent.consented_on,
        consent.form,
        CONSENT_FORM.label(consent.form),
        consent.recorded_by,
        consent.notes,
    )


def has_consent_in(conn: Connection, case_id: str) -> bool:
    return (
        conn.execute(
            text("SELECT 1 FROM hardship_consents WHERE case_id = :c AND deleted = 0 LIMIT 1"),
            {"c": case_id},
        ).first()
        is not None
    )


def list_in(conn: Connection, case_id: str) -> list[ConsentRecord]:
    rows = conn.execute(
        text(
            "SELECT id, case_id, consented_on, form, recorded_by, notes FROM hardship_consents "
            "WHERE case_id = :c AND deleted = 0 ORDER BY consented_on, id"
        ),
        {"c": case_id},
    ).all()
    return [
        ConsentRecord(
            r.id,
            r.case_id,
            need_date(r.consented_on),
            r.form,
            CONSENT_FORM.label(r.form),
            r.recorded_by or "",
            r.notes,
        )
        for r in rows
    ]


def withdrawn_in(conn: Connection, case_id: str) -> bool:
    """The file's consent was withdrawn (a tombstone ``withdraw_in`` left, its recorder
    kept; a purge blanks it) and none is live now."""
    return not has_consent_in(conn, case_id) and (
        conn.execute(
            text(
                "SELECT 1 FROM hardship_consents WHERE case_id = :c AND deleted = 1 "
                "AND recorded_by IS NOT NULL LIMIT 1"
            ),
            {"c": case_id},
        ).first()
        is not None
    )


def withdraw_in(conn: Connection, case_id: str) -> None:
    """撤回同意: tombstone the file's consents (``withdrawal`` deletes the values)."""
    conn.execute(
        text("UPDATE hardship_consents SET deleted = 1 WHERE case_id = :c AND deleted = 0"),
        {"c": case_id},
    )


def erase_in(conn: Connection, case_id: str) -> None:
    """Purge: tombstone every consent of the file, its free text blanked."""
    conn.execute(
        text(
            "UPDATE hardship_consents SET deleted = 1, recorded_by = NULL, notes = NULL "
            "WHERE case_id = :c"
        ),
        {"c": case_id},
    )
