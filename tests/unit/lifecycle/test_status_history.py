"""Status history written with every status change (issue #21), on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY

pytestmark = pytest.mark.both_engines


OTHER_ID = "440304199001015410"


@pytest.fixture
def member_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    union = unions.add(db, "华强电子有限公司工会").id
    record, _ = members.add(
        db,
        {"name": "王小明", "id_number": OTHER_ID, "union_id": union, "joined_on": "2020-01-01"},
    )
    return record.id


def test_leaving_records_date_reason_operator_and_previous_status(
    db: Database, member_id: str
) -> None:
    members.mark_left(db, member_id, "retained", on=date(2026, 5, 1), reason="下岗")
    members.mark_left(db, member_id, "withdrawn", on=date(2026, 6, 1), reason="本人申请")
    rows = history.status_history(db, member_id)
    assert [(r.changed_on, r.from_status, r.to_status, r.reason) for r in rows] == [
        (date(2026, 5, 1), "active", "retained", "下岗"),
        (date(2026, 6, 1), "retained", "withdrawn", "本人申请"),
    ]
    assert all(r.operator for r in rows)


def test_an_edit_that_keeps_the_status_leaves_no_history(db: Database, member_id: str) -> None:
    members.update(db, member_id, {"phone": "13800138000", "membership_status": "在会"})
    assert history.status_history(db, member_id) == []


def test_rejoining_clears_the_stale_leave_fields(db: Database, member_id: str) -> None:
    members.mark_left(db, member_id, "withdrawn", on=date(2026, 6, 1), reason="本人申请")
    back, _ = members.update(db, member_id, {"membership_status": "在会"})
    assert back.membership_status == "active"
    assert back.left_on is None and back.leave_reason is None
    last = history.status_history(db, member_id)[-1]
    assert (last.from_status, last.to_status, last.changed_on) == (
        "withdrawn",
        "active",
        TEST_TODAY,
    )


def test_life_reads_history_activities_and_transfers(db: Database, member_id: str) -> None:
    life = history.life(db, member_id)
    assert life.member.id == member_id
    assert life.history == [] and life.activities == [] and life.transfers == []
