"""Care-record fixtures: a federation, a union and two members on a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop.services.care import consent
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY


def valid_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


SPOUSE_ID = valid_id("44030419880202123")
CHILD_ID = valid_id("44030420150901234")
BAD_ID = SPOUSE_ID[:-1] + ("1" if SPOUSE_ID[-1] != "1" else "2")


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    federations.create(db, "测试街道总工会", card_prefix="CS")
    union = unions.add(db, "甲公司工会")
    ids = {"union": union.id}
    for name, id17 in (("张三", "44030419900101123"), ("李四", "44030419850615234")):
        record, _ = members.add(
            db, {"name": name, "id_number": valid_id(id17), "union_id": union.id}
        )
        ids[name] = record.id
    return ids


def a_consent() -> consent.ConsentInput:
    return consent.clean("2026-03-01", "书面签字", "王干事", today=TEST_TODAY)


def writes(db: Database) -> int:
    """Captured changes so far: a refused input leaves it unchanged."""
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one())


def household(**extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": "张妻",
            "relation": "配偶",
            "id_number": SPOUSE_ID,
            "work_status": "失业",
            **extra,
        },
        {"name": "张小", "relation": "子女", "id_number": CHILD_ID, "work_status": "在校"},
    ]
