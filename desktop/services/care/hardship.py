"""困难职工档案: the hardship file itself, one writer of ``hardship_cases``.

One open file per member's household (一户一档). The level and the causes come from the
code lists; the review falls due a year after opening (then a year after each review,
``reviews``); closing records the 脱困 date and reason. Disability grade, health notes
and income per head are sensitive: saved only with a recorded consent (``consent``),
given with the new file or already on it. Lists carry no sensitive value at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import (
    CURRENT_STATUSES,
    DISABILITY_GRADE,
    HARDSHIP_CAUSE,
    HARDSHIP_LEVEL,
    MEMBERSHIP_STATUS,
)
from desktop.services.activities.inputs import as_code, as_count, opt_text, require_date
from desktop.services.care import consent as consents
from desktop.services.care import household
from desktop.services.care.common import (
    FILE_SENSITIVE,
    REVIEW_INTERVAL_YEARS,
    add_years,
    case_row,
    need_date,
    open_case_row,
    refuse_without_consent,
    sensitive_given,
    stored_date,
)
from desktop.storage.database import Database

# The dashboard's window: a review due within this many days is "due soon".
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class FileRow:
    """A file as lists show it: no sensitive value, no ID number."""

    id: str
    member_id: str
    member_name: str
    union_name: str
    level: str
    level_label: str
    causes: str  # labels joined by 、
    household_size: int | None
    opened_on: date
    review_due_on: date
    closed_on: date | None
    days_left: int  # until the review; negative when overdue
    state: str  # overdue / due / ok / closed

    @property
    def state_label(self) -> str:
        return {"overdue": "已逾期", "due": "即将到期", "ok": "正常", "closed": "已脱困"}[
            self.state
        ]


def clean_causes(value: Any) -> str:
    """Causes as codes or labels (a list, or text split by 、，, or blanks) → codes."""
    if value is None or value == "":
        return ""
    parts = value if isinstance(value, list | tuple) else str(value).replace("，", ",")
    if isinstance(parts, str):
        parts = [p for chunk in parts.split(",") for q in chunk.split("、") for p in q.split()]
    codes = [as_code(HARDSHIP_CAUSE, p, "causes", "致困原因") for p in parts if str(p).strip()]
    return " ".join(dict.fromkeys(codes))


def cause_labels(codes: str | None) -> str:
    return "、".join(HARDSHIP_CAUSE.label(c) for c in (codes or "").split())


def _clean_sensitive(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "disability_grade" in values:
        grade = values["disability_grade"]
        out["disability_grade"] = (
            as_code(DISABILITY_GRADE, grade, "disability_grade", "残疾等级") if grade else None
        )
    if "health_notes" in values:
        out["health_notes"] = opt_text(values["health_notes"], "health_notes", "健康状况", 1000)
    if "monthly_income_per_capita" in values:
        out["monthly_income_per_capita"] = as_count(
            values["monthly_income_per_capita"],
            "monthly_income_per_capita",
            "家庭月人均收入（元）",
            allow_none=True,
        )
    return out


def _require_current(status: str, left_on: Any) -> None:
    """困难职工档案 are opened for this federation's members: 在会 or 保留会籍."""
    if status in CURRENT_STATUSES:
        return
    since = f"（{str(left_on)[:10]} 起）" if left_on else ""
    raise ValidationError(
        f"该会员的会籍状态是「{MEMBERSHIP_STATUS.label(status)}」{since}，不能建立困难职工档案："
        "困难职工档案只为本联合会在会或保留会籍的会员建立",
        field="member_id",
    )


def add_file(
    db: Database,
    member_id: str,
    *,
    level: Any,
    opened_on: Any,
    today: date,
    causes: Any = None,
    household_size: Any = None,
    monthly_income_per_capita: Any = None,
    disability_grade: Any = None,
    health_notes: Any = None,
    household_members: Sequence[dict[str, Any]] = (),
    consent: consents.ConsentInput | None = None,
    notes: Any = None,
) -> str:
    """建档: open a file for a member with its household; returns the file's id.

    Everything is checked before anything is written; one transaction.
    """
    opened = require_date(opened_on, "opened_on", "建档日期")
    if opened > today:
        raise ValidationError(f"建档日期 {opened.isoformat()} 晚于今天", field="opened_on")
    values: dict[str, Any] = {
        "level": as_code(HARDSHIP_LEVEL, level, "level", "困难类别"),
        "cause": clean_causes(causes) or None,
        "household_size": as_count(household_size, "household_size", "家庭人口", allow_none=True),
        "notes": opt_text(notes, "notes", "备注", 100_000),
        **_clean_sensitive(
            {
                "disability_grade": disability_grade,
                "health_notes": health_notes,
                "monthly_income_per_capita": monthly_income_per_capita,
            }
        ),
    }
    rows = [household.clean(v, n, today=today) for n, v in enumerate(household_members, 1)]
    if values["household_size"] is None:
        values["household_size"] = len(rows) + 1
    elif values["household_size"] < len(rows) + 1:
        raise ValidationError(
            f"家庭人口 {values['household_size']} 少于登记的家庭成员 {len(rows)} 位加本人",
            field="household_size",
        )
    if consent is None:
        labels = sensitive_given(values, FILE_SENSITIVE)
        if labels:
            refuse_without_consent(labels)
        household.gate(None, None, rows)
    case_id = new_id()
    with db.connect() as conn:
        member = conn.execute(
            text("SELECT membership_status, left_on FROM members WHERE id = :id AND deleted = 0"),
            {"id": member_id},
        ).first()
        if member is None:
            raise NotFoundError("找不到该会员（可能已删除），不能建立困难职工档案。")
        _require_current(member.membership_status, member.left_on)
        existing = conn.execute(
            text(
                "SELECT opened_on FROM hardship_cases WHERE member_id = :m AND deleted = 0 "
                "AND closed_on IS NULL"
            ),
            {"m": member_id},
        ).first()
        if existing is not None:
            raise ValidationError(
                f"该会员已有在档的困难职工档案（{existing.opened_on} 建档）：一户只建一档，"
                "请在原档案中更新，或先办理脱困退档。",
                field="member_id",
            )
        due = add_years(opened, REVIEW_INTERVAL_YEARS)
        conn.execute(
            text(
                "INSERT INTO hardship_cases (id, member_id, level, cause, household_size, "
                "monthly_income_per_capita, disability_grade, health_notes, opened_on, "
                "review_due_on, notes) VALUES (:id, :member_id, :level, :cause, "
                ":household_size, :monthly_income_per_capita, :disability_grade, "
                ":health_notes, :opened_on, :review_due_on, :notes)"
            ),
            {
                "id": case_id,
                "member_id": member_id,
                "opened_on": opened.isoformat(),
                "review_due_on": due.isoformat(),
                **values,
            },
        )
        if consent is not None:
            consents.record_in(conn, case_id, consent)
        household.add_in(conn, case_id, rows)
    return case_id


def update_file(db: Database, case_id: str, **values: Any) -> None:
    """Change the level, causes, household size, notes or the sensitive fields (gated)."""
    allowed = {"level", "causes", "household_size", "notes", *FILE_SENSITIVE}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(f"未知的档案字段：{'、'.join(sorted(unknown))}")
    clean = _clean_sensitive(values)
    if "level" in values:
        clean["level"] = as_code(HARDSHIP_LEVEL, values["level"], "level", "困难类别")
    if "causes" in values:
        clean["cause"] = clean_causes(values["causes"]) or None
    if "household_size" in values:
        clean["household_size"] = as_count(
            values["household_size"], "household_size", "家庭人口", allow_none=True
        )
    if "notes" in values:
        clean["notes"] = opt_text(values["notes"], "notes", "备注", 100_000)
    with db.connect() as conn:
        case_row(conn, case_id)
        labels = sensitive_given(clean, FILE_SENSITIVE)
        if labels and not consents.has_consent_in(conn, case_id):
            refuse_without_consent(labels)
        if clean:
            sets = ", ".join(f"{k} = :{k}" for k in clean)
            conn.execute(
                text(f"UPDATE hardship_cases SET {sets} WHERE id = :id"), {"id": case_id, **clean}
            )


def set_review_in(conn: Connection, case_id: str, due_on: date, level: str | None = None) -> None:
    """The next due date (and a changed level) after a review, on the caller's transaction."""
    params: dict[str, Any] = {"id": case_id, "due": due_on.isoformat()}
    extra = ""
    if level is not None:
        extra, params["level"] = ", level = :level", level
    conn.execute(
        text(f"UPDATE hardship_cases SET review_due_on = :due{extra} WHERE id = :id"), params
    )


def close_in(conn: Connection, case_id: str, closed_on: date, reason: str) -> None:
    row = open_case_row(conn, case_id, "脱困退档")
    opened = need_date(row.opened_on)
    if closed_on < opened:
        raise ValidationError(
            f"脱困日期 {closed_on.isoformat()} 早于建档日期 {opened.isoformat()}，请核对",
            field="closed_on",
        )
    last = conn.execute(
        text(
            "SELECT max(d) FROM (SELECT max(given_on) AS d FROM hardship_assistance "
            "WHERE case_id = :c AND deleted = 0 UNION ALL SELECT max(reviewed_on) "
            "FROM hardship_reviews WHERE case_id = :c AND deleted = 0) AS dated"
        ),
        {"c": case_id},
    ).scalar()
    if last is not None and closed_on < need_date(last):
        raise ValidationError(
            f"脱困日期 {closed_on.isoformat()} 早于本档案最后一次救助或复核的日期 "
            f"{need_date(last).isoformat()}，请核对",
            field="closed_on",
        )
    conn.execute(
        text("UPDATE hardship_cases SET closed_on = :d, close_reason = :r WHERE id = :id"),
        {"id": case_id, "d": closed_on.isoformat(), "r": reason},
    )


def close_file(db: Database, case_id: str, closed_on: Any, reason: Any, *, today: date) -> None:
    """脱困退档: the exit date and reason; the file is then kept ≥ 10 years (``retention``)."""
    day = require_date(closed_on, "closed_on", "脱困日期")
    if day > today:
        raise ValidationError(f"脱困日期 {day.isoformat()} 晚于今天", field="closed_on")
    why = opt_text(reason, "close_reason", "脱困原因", 200)
    if why is None:
        raise ValidationError(
            "脱困原因不能为空：如 再就业、病愈、子女完成学业", field="close_reason"
        )
    with db.connect() as conn:
        close_in(conn, case_id, day, why)


def count_household_in(conn: Connection, case_id: str, at_least: int) -> None:
    """家庭人口 raised to ``at_least`` (the members listed and the worker) when it is
    below it or blank, on the caller's transaction; a larger size typed is kept."""
    conn.execute(
        text(
            "UPDATE hardship_cases SET household_size = :n WHERE id = :id "
            "AND (household_size IS NULL OR household_size < :n)"
        ),
        {"id": case_id, "n": at_least},
    )


def clear_sensitive_in(conn: Connection, case_id: str) -> int:
    """撤回同意: blank the file's sensitive fields, on the caller's transaction; returns 1
    when the file held any (captured: the blanks travel)."""
    held = " OR ".join(f"{k} IS NOT NULL" for k in FILE_SENSITIVE)
    sets = ", ".join(f"{k} = NULL" for k in FILE_SENSITIVE)
    done = conn.execute(
        text(f"UPDATE hardship_cases SET {sets} WHERE id = :id AND ({held})"), {"id": case_id}
    )
    return int(done.rowcount)


def erase_in(conn: Connection, case_id: str) -> None:
    """Purge: tombstone the file with every personal value blanked."""
    conn.execute(
        text(
            "UPDATE hardship_cases SET deleted = 1, cause = NULL, household_size = NULL, "
            "monthly_income_per_capita = NULL, disability_grade = NULL, health_notes = NULL, "
            "close_reason = NULL, notes = NULL WHERE id = :id"
        ),
        {"id": case_id},
    )


_LIST_SQL = (
    "SELECT h.id, h.member_id, m.name AS member_name, coalesce(u.name, '') AS union_name, "
    "h.level, h.cause, h.household_size, h.opened_on, h.review_due_on, h.closed_on "
    "FROM hardship_cases h JOIN members m ON m.id = h.member_id "
    "LEFT JOIN unions u ON u.id = m.union_id WHERE h.deleted = 0 "
)


def _state(due: date, closed: date | None, today: date) -> str:
    if closed is not None:
        return "closed"
    if due < today:
        return "overdue"
    return "due" if due <= today + timedelta(days=DUE_SOON_DAYS) else "ok"


def list_files(
    db: Database,
    *,
    today: date,
    due_within: int | None = None,
    include_closed: bool = False,
) -> list[FileRow]:
    """Files, the most urgent review first. ``due_within``: only open files whose review
    is overdue or due within that many days of ``today``."""
    where, params = "", {}
    if due_within is not None:
        if due_within < 0:
            raise ValidationError(f"天数应为 0 或正整数，当前为 {due_within}", field="due_within")
        where += " AND h.closed_on IS NULL AND h.review_due_on <= :limit"
        params["limit"] = (today + timedelta(days=due_within)).isoformat()
    elif not include_closed:
        where += " AND h.closed_on IS NULL"
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(_LIST_SQL + where + " ORDER BY h.closed_on IS NOT NULL, h.review_due_on, m.name"),
            params,
        ).all()
    out = []
    for r in rows:
        due, closed = need_date(r.review_due_on), stored_date(r.closed_on)
        out.append(
            FileRow(
                id=r.id,
                member_id=r.member_id,
                member_name=r.member_name,
                union_name=r.union_name,
                level=r.level,
                level_label=HARDSHIP_LEVEL.label(r.level),
                causes=cause_labels(r.cause),
                household_size=r.household_size,
                opened_on=need_date(r.opened_on),
                review_due_on=due,
                closed_on=closed,
                days_left=(due - today).days,
                state=_state(due, closed, today),
            )
        )
    return out


def file_of_member(db: Database, member_id: str) -> str | None:
    """The member's open file, else the latest closed one; None when there is none."""
    with db.connect(write=False) as conn:
        row = conn.execute(
            text(
                "SELECT id FROM hardship_cases WHERE member_id = :m AND deleted = 0 "
                "ORDER BY closed_on IS NOT NULL, opened_on DESC LIMIT 1"
            ),
            {"m": member_id},
        ).first()
    return None if row is None else str(row.id)


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert files the caller has already made whole and valid (the demo generator), on
    its transaction: this module stays the table's one writer."""
    from sqlalchemy import insert

    from desktop.models.member import HardshipCase

    if rows:
        conn.execute(insert(HardshipCase), rows)


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the hardship files of ``from_member`` become ``to_member``'s, in the
    caller's transaction (captured: the move travels); returns how many moved. Called by
    the duplicates service, so this module stays the one writer of ``hardship_cases``.
    A person with a file on each record keeps both (one household, two files: the clerk
    closes one; 一户一档 is checked when a file is opened, not rewritten by a merge)."""
    moved = conn.exec_driver_sql(
        "UPDATE hardship_cases SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)
