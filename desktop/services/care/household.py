"""家庭成员: the household of a hardship file (一户一档), one writer of ``hardship_household``.

An ID number, when given, must be a valid 公民身份号码 (the same rule as a member's);
the age then follows from it. Health and income are sensitive: saved only when the file
has a recorded consent. Lists elsewhere never show them; ``HouseholdRecord`` carries them
only for the audited 查看敏感信息 (``sensitive``) and the printed form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import HOUSEHOLD_RELATION, WORK_STATUS
from desktop.models.erasure import PERSONAL
from desktop.models.masking import mask_id_number
from desktop.models.validation import check_id_number
from desktop.services.activities.inputs import as_code, as_count, opt_text
from desktop.services.care import scrub
from desktop.services.care.common import (
    HOUSEHOLD_SENSITIVE,
    case_row,
    refuse_without_consent,
    sensitive_given,
)
from desktop.services.care.consent import has_consent_in
from desktop.storage.database import Database


@dataclass(frozen=True)
class HouseholdRecord:
    id: str
    name: str
    relation: str | None
    id_number: str | None
    age: int | None
    health: str | None
    work_status: str | None
    work_place: str | None
    monthly_income: int | None  # yuan

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    def hidden(self) -> HouseholdRecord:
        """The row as lists show it: sensitive values removed."""
        return replace(self, health=None, monthly_income=None)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def clean(values: dict[str, Any], row_no: int, *, today: date) -> dict[str, Any]:
    """A household member as typed → stored values; messages name the row (第 N 位)."""
    where = f"家庭成员第 {row_no} 位"
    allowed = {"name", "relation", "id_number", "age", "health", "work_status", "work_place"}
    unknown = set(values) - allowed - {"monthly_income"}
    if unknown:
        raise ValidationError(f"{where}：未知字段 {'、'.join(sorted(unknown))}")
    try:
        name = opt_text(values.get("name"), "name", "姓名", 50)
        if name is None:
            raise ValidationError("姓名不能为空", field="name")
        out: dict[str, Any] = {"name": name}
        relation = values.get("relation")
        out["relation"] = (
            as_code(HOUSEHOLD_RELATION, relation, "relation", "与本人关系") if (relation) else None
        )
        status = values.get("work_status")
        out["work_status"] = (
            as_code(WORK_STATUS, status, "work_status", "就业就学状况") if (status) else None
        )
        out["work_place"] = opt_text(values.get("work_place"), "work_place", "工作单位或学校", 100)
        out["health"] = opt_text(values.get("health"), "health", "健康状况", 100)
        income = as_count(
            values.get("monthly_income"), "monthly_income", "月收入（元）", allow_none=True
        )
        out["monthly_income"] = income
        out["age"] = as_count(values.get("age"), "age", "年龄", allow_none=True)
        raw_id = opt_text(values.get("id_number"), "id_number", "身份证号", 30)
        out["id_number"] = None
        if raw_id is not None:
            info = check_id_number(raw_id, today=today)
            out["id_number"] = info.id_number
            if out["age"] is None:
                out["age"] = _age(info.birth_date, today)
    except ValidationError as exc:
        raise ValidationError(f"{where}：{exc.message}", field=exc.field) from exc
    if out["age"] is not None and out["age"] > 130:
        raise ValidationError(f"{where}：年龄 {out['age']} 不合理，请核对", field="age")
    return out


def add_in(conn: Connection, case_id: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert cleaned rows on the caller's transaction (the consent gate is the caller's)."""
    for row in rows:
        conn.execute(
            text(
                "INSERT INTO hardship_household (id, case_id, name, relation, id_number, age, "
                "health, work_status, work_place, monthly_income) VALUES (:id, :case_id, :name, "
                ":relation, :id_number, :age, :health, :work_status, :work_place, :monthly_income)"
            ),
            {"id": new_id(), "case_id": case_id, **row},
        )


def gate(conn: Connection | None, case_id: str | None, rows: Sequence[dict[str, Any]]) -> None:
    """Refuse sensitive values without a consent (``conn``/``case_id`` None: none yet)."""
    for n, row in enumerate(rows, start=1):
        labels = sensitive_given(row, HOUSEHOLD_SENSITIVE)
        if labels and (conn is None or case_id is None or not has_consent_in(conn, case_id)):
            refuse_without_consent(labels, f"家庭成员第 {n} 位的")


def add_member(
    db: Database, case_id: str, values: dict[str, Any], *, today: date
) -> list[HouseholdRecord]:
    """Add one household member; returns the household as it now stands (unhidden)."""
    with db.connect() as conn:
        case_row(conn, case_id)
        count = int(
            conn.execute(
                text("SELECT count(*) FROM hardship_household WHERE case_id = :c AND deleted = 0"),
                {"c": case_id},
            ).scalar_one()
        )
        row = clean(values, count + 1, today=today)
        gate(conn, case_id, [row])
        add_in(conn, case_id, [row])
        from desktop.services.care.hardship import count_household_in  # its writer

        count_household_in(conn, case_id, count + 2)  # the members listed and the worker
        return list_in(conn, case_id)


#: What a removed household member's row keeps: nothing about the person.
_BLANKS = PERSONAL["hardship_household"]


def remove_member(db: Database, case_id: str, member_row_id: str) -> None:
    """移除家庭成员 (entered by mistake, or no longer of the household): the row is
    tombstoned with every personal value blanked, and its logged changes rewritten, so
    no package sends the person's ID number, health or income again."""
    with db.connect() as conn:
        case_row(conn, case_id)
        live = conn.execute(
            text(
                "SELECT 1 FROM hardship_household WHERE id = :id AND case_id = :c AND deleted = 0"
            ),
            {"id": member_row_id, "c": case_id},
        ).first()
        if live is None:
            raise NotFoundError("找不到该家庭成员（可能已移除），请刷新后重试。")
        with scrub.scrubbing(conn):
            sets = ", ".join(f"{k} = NULL" for k in _BLANKS)
            conn.execute(
                text(f"UPDATE hardship_household SET deleted = 1, {sets} WHERE id = :id"),
                {"id": member_row_id},
            )
            scrub.redact_logged_in(
                conn, [("hardship_household", member_row_id)], {"hardship_household": _BLANKS}
            )


def list_in(conn: Connection, case_id: str) -> list[HouseholdRecord]:
    rows = conn.execute(
        text(
            "SELECT id, name, relation, id_number, age, health, work_status, work_place, "
            "monthly_income FROM hardship_household WHERE case_id = :c AND deleted = 0 "
            "ORDER BY rowid"
        ),
        {"c": case_id},
    ).all()
    return [
        HouseholdRecord(
            id=r.id,
            name=r.name or "",
            relation=r.relation,
            id_number=r.id_number,
            age=r.age,
            health=r.health,
            work_status=r.work_status,
            work_place=r.work_place,
            monthly_income=r.monthly_income,
        )
        for r in rows
    ]


def clear_sensitive_in(conn: Connection, case_id: str) -> int:
    """撤回同意: blank the household's health and income, on the caller's transaction;
    returns how many members held any (captured: the blanks travel)."""
    done = conn.execute(
        text(
            "UPDATE hardship_household SET health = NULL, monthly_income = NULL "
            "WHERE case_id = :c AND (health IS NOT NULL OR monthly_income IS NOT NULL)"
        ),
        {"c": case_id},
    )
    return int(done.rowcount)


def erase_in(conn: Connection, case_id: str) -> None:
    """Purge: tombstone the household, every personal value blanked first."""
    conn.execute(
        text(
            "UPDATE hardship_household SET deleted = 1, name = NULL, id_number = NULL, "
            "age = NULL, health = NULL, work_place = NULL, monthly_income = NULL "
            "WHERE case_id = :c"
        ),
        {"c": case_id},
    )
