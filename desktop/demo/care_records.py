"""Demo legal-aid cases at every stage and honours (members' and teams'). Called by
``uniondesk demo`` inside its one transaction, after the members exist; reproducible
for a given ``random.Random`` seed. Rows go in through each table's writer
(``insert_prepared``), made whole here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from desktop.models.base import new_id
from desktop.models.codes import LEGAL_CASE_TYPE, LEGAL_OPEN_STAGES, LEGAL_OUTCOME
from desktop.services.honours import records as honour_records
from desktop.services.legal import cases

EMPLOYERS = (
    "某电子厂",
    "某物流公司",
    "某建筑劳务公司",
    "某餐饮管理公司",
    "某服装厂",
    "某保安服务公司",
)
HANDLERS = ("陈律师", "林律师", "黄干事", "周干事")
SUMMARIES = {
    "labour_contract": "用人单位未与申请人签订书面劳动合同，申请人要求支付二倍工资差额。",
    "wage_arrears": "用人单位拖欠申请人近三个月工资，多次催讨未果。",
    "work_injury": "申请人在工作中受伤，用人单位未申报工伤认定。",
    "social_insurance": "用人单位未依法为申请人缴纳社会保险费。",
    "dismissal": "用人单位单方解除劳动合同，未支付经济补偿。",
    "working_hours": "申请人长期加班，用人单位未支付加班工资。",
    "occupational_disease": "申请人疑似患职业病，需协助申请职业病诊断。",
    "other": "申请人咨询劳动权益相关问题。",
}
GUEST_SURNAMES = "王李张刘陈杨黄赵吴周"
GUEST_GIVEN = "伟芳娜敏静丽强磊军洋"
HONOURS = (
    # title code, level, awarding body ("{省}": the park's province), how many
    ("model_worker", "city", "市人民政府", 3),
    ("may_day_medal", "provincial", "{省}总工会", 2),
    ("nanyue_craftsman", "provincial", "{省}总工会", 2),
    ("nanyue_best_worker", "provincial", "{省}总工会", 2),
    ("advanced_worker", "district", "区人民政府", 4),
)
#: The provinces of ``generate.PARKS``; 南粤 titles are Guangdong's own: a park elsewhere
#: gets its province's 劳动模范 instead (a Chengdu demo showed 南粤工匠 from 广东省总工会).
PROVINCES = {"44": "广东省", "32": "江苏省", "51": "四川省", "42": "湖北省"}
GUANGDONG = "44"
GUANGDONG_ONLY = frozenset({"nanyue_craftsman", "nanyue_best_worker"})
TEAMS = ("焊装车间三班", "物流园夜班组", "质检一组")


@dataclass(frozen=True)
class CareDemoSummary:
    legal_cases: int
    honours: int


def _case_rows(
    rng: random.Random, today: date, members: list[str], count: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(count):
        kind = rng.choice(LEGAL_CASE_TYPE.codes)
        intake = today - timedelta(days=rng.randrange(0, 540))
        row: dict[str, Any] = {
            "id": new_id(),
            "intake_on": intake,
            "member_id": None,
            "applicant_name": None,
            "applicant_phone": None,
            "case_type": kind,
            "summary": SUMMARIES[kind],
            "employer": rng.choice(EMPLOYERS),
            "handler": rng.choice(HANDLERS),
            "status": "accepted",
            "outcome": None,
            "amount_recovered_fen": None,
            "closed_on": None,
            "notes": None,
            "deleted": False,
        }
        if members and rng.random() < 0.7:
            row["member_id"] = rng.choice(members)
        else:
            row["applicant_name"] = rng.choice(GUEST_SURNAMES) + rng.choice(GUEST_GIVEN)
            row["applicant_phone"] = f"13{rng.randrange(10**9):09d}"
        stage = i % 4  # every stage: 受理, 办理中, 结案 (twice as often)
        if stage == 1:
            row["status"] = rng.choice(LEGAL_OPEN_STAGES)
        elif stage >= 2:
            closed = min(today, intake + timedelta(days=rng.randrange(7, 120)))
            outcome = rng.choice(LEGAL_OUTCOME.codes)
            recovered = outcome in ("mediated", "upheld", "partly_upheld")
            row.update(
                status="closed",
                outcome=outcome,
                closed_on=closed,
                amount_recovered_fen=rng.randrange(1000, 80000) * 100 if recovered else 0,
            )
        rows.append(row)
    return rows


def _honour_rows(
    rng: random.Random, today: date, members: list[str], province: str
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    base = {"team_name": None, "notes": None, "deleted": False}
    for title, level, awarding, count in HONOURS:
        code = title if province == GUANGDONG or title not in GUANGDONG_ONLY else "model_worker"
        body = awarding.format(省=PROVINCES.get(province, "省"))
        for _ in range(count if members else 0):
            rows.append(
                {
                    **base,
                    "id": new_id(),
                    "member_id": rng.choice(members),
                    "title_code": code,
                    "level": level,
                    "year": today.year - rng.randrange(0, 6),
                    "awarding_body": body,
                }
            )
    for team in TEAMS:
        rows.append(
            {
                **base,
                "id": new_id(),
                "member_id": None,
                "team_name": team,
                "title_code": "pioneer_team",
                "level": rng.choice(("city", "district")),
                "year": today.year - rng.randrange(0, 3),
                "awarding_body": "市总工会",
            }
        )
    return rows


def fill_care_records(
    conn: Connection,
    rng: random.Random,
    *,
    today: date,
    current_members: list[str],
    province: str,
    legal_cases: int = 40,
) -> CareDemoSummary:
    """Legal-aid cases (members and non-members, at every stage) and honours, awarded
    by the bodies of ``province`` (a code of ``PROVINCES``)."""
    case_rows = _case_rows(rng, today, current_members, legal_cases)
    honour_rows = _honour_rows(rng, today, current_members, province)
    cases.insert_prepared(conn, case_rows)
    honour_records.insert_prepared(conn, honour_rows)
    return CareDemoSummary(len(case_rows), len(honour_rows))
