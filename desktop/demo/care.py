"""Demo hardship files (issue 22) at every stage: new, due within 30 days, overdue,
reviewed, closed (脱困) and closed long enough ago to be purged, each with a household,
a recorded consent, income per head and assistance in named batches (so the 救助金领取
签收表 has something to print). Written through the care writers on the demo's one
transaction; reproducible for a given ``random.Random``."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection
from stdnum.cn import ric

from desktop.models.base import new_id
from desktop.services.care import assistance, consent, hardship, household, reviews
from desktop.services.care.common import add_years

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
# stage → (days since opening, days since closing or None, reviewed)
STAGES: tuple[tuple[str, int, int | None, bool], ...] = (
    ("new", 40, None, False),
    ("due_soon", 350, None, False),
    ("overdue", 400, None, False),
    ("reviewed", 500, None, True),
    ("closed", 900, 200, True),
    ("purgeable", 5200, 4100, True),
)
CAUSES = ("illness", "disability", "unemployment", "accident", "schooling", "single_parent")
LEVELS = ("deep", "relative", "accidental")


def _person(rng: random.Random, relation: str, age: int, today: date) -> dict[str, Any]:
    birth = today - timedelta(days=age * 365 + rng.randrange(1, 300))
    body = f"440305{birth:%Y%m%d}{rng.randrange(100, 999)}"
    status = "student" if age < 22 else rng.choice(("employed", "unemployed", "retired"))
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "relation": relation,
        "id_number": body + ric.calc_check_digit(body + "0"),  # the digit's place given
        "age": age,
        "health": rng.choice(("健康", "健康", "慢性病", "需长期服药")),
        "work_status": status,
        "work_place": "在读" if status == "student" else None,
        "monthly_income": 0 if status in ("student", "unemployed") else rng.randrange(800, 2600),
    }


def fill_hardship(
    conn: Connection, rng: random.Random, *, today: date, current_members: list[str]
) -> int:
    """Files for a few current members, each stage at least once; returns the count."""
    if not current_members:
        return 0
    count = min(len(current_members), max(len(STAGES) * 2, len(current_members) // 60), 60)
    chosen = rng.sample(current_members, count)
    files: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    for n, member in enumerate(chosen):
        stage, age_days, closed_days, reviewed = STAGES[n % len(STAGES)]
        opened = today - timedelta(days=age_days + rng.randrange(0, 10))
        closed = None if closed_days is None else today - timedelta(days=closed_days)
        case_id = new_id()
        people = [_person(rng, "spouse", rng.randrange(30, 55), today)]
        people += [
            _person(rng, "child", rng.randrange(3, 20), today) for _ in range(rng.randrange(0, 3))
        ]
        size = len(people) + 1
        income = sum(p["monthly_income"] for p in people) // size
        due = add_years(opened, 1)
        if reviewed:
            last = add_years(opened, 1) + timedelta(days=rng.randrange(0, 20))
            if closed is None or last < closed:
                due = add_years(last, 1)
                checks.append(
                    {
                        "id": new_id(),
                        "case_id": case_id,
                        "reviewed_on": last,
                        "result": "continue",
                        "reviewer": "帮扶干事",
                        "next_due_on": due,
                        "notes": "家庭情况无明显变化，继续帮扶",
                    }
                )
        causes = rng.sample(CAUSES, rng.randrange(1, 3))
        files.append(
            {
                "id": case_id,
                "member_id": member,
                "level": LEVELS[n % len(LEVELS)],
                "cause": " ".join(causes),
                "household_size": size,
                "monthly_income_per_capita": income,
                "disability_grade": rng.choice("1234") if "disability" in causes else None,
                "health_notes": "本人患病，需长期治疗" if "illness" in causes else None,
                "opened_on": opened,
                "review_due_on": due,
                "closed_on": closed,
                "close_reason": None if closed is None else "再就业，家庭收入超过当地标准",
                "notes": None,
            }
        )
        hardship.insert_prepared(conn, files[-1:])
        consent.record_in(
            conn, case_id, consent.ConsentInput(opened, "written", "帮扶干事", "建档时签字")
        )
        household.add_in(conn, case_id, people)
        for year in range(opened.year, (closed or today).year + 1):
            given = date(year, 1, 20)
            if opened <= given <= (closed or today):
                ledger.append(
                    {
                        "id": new_id(),
                        "case_id": case_id,
                        "given_on": given,
                        "kind": "warmth",
                        "amount_fen": rng.choice((50000, 80000, 100000)),
                        "fund_source": "higher_union",
                        "handler": "帮扶干事",
                        "batch": f"{year}年春节送温暖",
                        "notes": None,
                    }
                )
        if "schooling" in causes and (closed is None):
            ledger.append(
                {
                    "id": new_id(),
                    "case_id": case_id,
                    "given_on": max(opened, today - timedelta(days=rng.randrange(30, 90))),
                    "kind": "education",
                    "amount_fen": 200000,
                    "fund_source": "donation",
                    "handler": "帮扶干事",
                    "batch": f"{today.year}年金秋助学",
                    "notes": None,
                }
            )
    assistance.insert_prepared(conn, ledger)
    reviews.insert_prepared(conn, checks)
    return len(files)
