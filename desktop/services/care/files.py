"""A whole hardship file for its page and the printed form: file, household, ledger,
reviews and consents, read in one transaction.

``get_file`` hides the sensitive values (``sensitive_shown`` False); only
``sensitive.reveal`` — which asks for a reason and writes the audit log — returns them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Connection, text

from desktop.models.codes import DISABILITY_GRADE, HARDSHIP_LEVEL
from desktop.services.care import assistance, consent, household, reviews, settings
from desktop.services.care.common import FILE_SENSITIVE, case_row, need_date, stored_date
from desktop.services.care.hardship import _state, cause_labels
from desktop.storage.database import Database


@dataclass(frozen=True)
class HardshipFile:
    id: str
    member_id: str
    member_name: str
    union_name: str
    level: str
    level_label: str
    causes: tuple[str, ...]
    cause_labels: str
    household_size: int | None
    opened_on: date
    review_due_on: date
    closed_on: date | None
    close_reason: str | None
    notes: str | None
    state: str
    household: tuple[household.HouseholdRecord, ...]
    assistance: tuple[assistance.AssistanceRecord, ...]
    reviews: tuple[reviews.ReviewRecord, ...]
    consents: tuple[consent.ConsentRecord, ...]
    income_threshold: int | None  # yuan per head per month, set by the office
    # Sensitive: None unless ``sensitive_shown``.
    monthly_income_per_capita: int | None
    disability_grade: str | None
    health_notes: str | None
    sensitive_shown: bool
    # the person withdrew the consent (撤回同意) and none has been recorded since
    consent_withdrawn: bool = False

    @property
    def has_consent(self) -> bool:
        return bool(self.consents)

    @property
    def disability_label(self) -> str:
        return DISABILITY_GRADE.label(self.disability_grade)

    @property
    def assistance_total_fen(self) -> int:
        return sum(a.amount_fen for a in self.assistance)

    @property
    def below_threshold(self) -> bool | None:
        """Income per head under the office's threshold (None: either unknown/hidden)."""
        if self.income_threshold is None or self.monthly_income_per_capita is None:
            return None
        return self.monthly_income_per_capita < self.income_threshold


def load_in(conn: Connection, case_id: str, *, today: date, shown: bool) -> HardshipFile:
    case_row(conn, case_id)
    r = conn.execute(
        text(
            "SELECT h.*, m.name AS member_name, coalesce(u.name, '') AS union_name "
            "FROM hardship_cases h JOIN members m ON m.id = h.member_id "
            "LEFT JOIN unions u ON u.id = m.union_id WHERE h.id = :id"
        ),
        {"id": case_id},
    ).one()
    due, closed = need_date(r.review_due_on), stored_date(r.closed_on)
    people = household.list_in(conn, case_id)
    record = HardshipFile(
        id=r.id,
        member_id=r.member_id,
        member_name=r.member_name,
        union_name=r.union_name,
        level=r.level,
        level_label=HARDSHIP_LEVEL.label(r.level),
        causes=tuple((r.cause or "").split()),
        cause_labels=cause_labels(r.cause),
        household_size=r.household_size,
        opened_on=need_date(r.opened_on),
        review_due_on=due,
        closed_on=closed,
        close_reason=r.close_reason,
        notes=r.notes,
        state=_state(due, closed, today),
        household=tuple(people if shown else [p.hidden() for p in people]),
        assistance=tuple(assistance.list_in(conn, case_id)),
        reviews=tuple(reviews.list_in(conn, case_id)),
        consents=tuple(consent.list_in(conn, case_id)),
        income_threshold=settings.threshold_in(conn),
        monthly_income_per_capita=r.monthly_income_per_capita,
        disability_grade=r.disability_grade,
        health_notes=r.health_notes,
        sensitive_shown=True,
        consent_withdrawn=consent.withdrawn_in(conn, case_id),
    )
    return record if shown else hide(record)


def hide(record: HardshipFile) -> HardshipFile:
    return replace(
        record,
        sensitive_shown=False,
        household=tuple(p.hidden() for p in record.household),
        **dict.fromkeys(FILE_SENSITIVE),  # type: ignore[arg-type]
    )


def get_file(db: Database, case_id: str, *, today: date) -> HardshipFile:
    """The file with its sensitive values hidden."""
    with db.connect(write=False) as conn:
        return load_in(conn, case_id, today=today, shown=False)
