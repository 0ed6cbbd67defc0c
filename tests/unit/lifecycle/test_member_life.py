"""A member's life at the clerk's desk, on a real SQLite file: joining no younger than 16
whether the join date is typed or left to today, leaving once on a real day, and the
leaving statuses reached only through 会员离会 (a date and a reason) or a transfer out
(a slip) — never by editing the status field (QA report B1–B3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError, ValidationError
from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.transfers import records as transfers
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.lifecycle.test_applications import id_born

pytestmark = pytest.mark.both_engines

ADULT = id_born(date(1985, 5, 5))
CHILD = id_born(date(2020, 1, 2))  # six on the day the tests live on


@pytest.fixture
def union_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return unions.add(db, "长名字工会").id


@pytest.fixture
def member_id(db: Database, union_id: str) -> str:
    values = {"name": "离会测试", "id_number": ADULT, "union_id": union_id}
    record, _ = members.add(db, {**values, "joined_on": "2020-05-01"})
    return record.id


def _writes(db: Database) -> tuple[int, int]:
    """Members and captured changes: a refusal leaves both as they were."""
    with db.connect(write=False) as conn:
        return (
            int(conn.execute(text("SELECT count(*) FROM members")).scalar_one()),
            int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one()),
        )


# ---- B1: the 16-year rule on the date a member really gets ----------------------------------


def test_a_child_is_refused_when_the_join_date_is_left_to_today(
    db: Database, union_id: str
) -> None:
    values = {"name": "小孩", "id_number": CHILD, "union_id": union_id}
    before = _writes(db)
    with pytest.raises(ValidationError) as left_blank:
        members.add(db, values)
    with pytest.raises(ValidationError) as typed:
        members.add(db, {**values, "joined_on": TEST_TODAY.isoformat()})
    assert left_blank.value.problems["joined_on"] == typed.value.problems["joined_on"]
    assert (
        f"入会日期 {TEST_TODAY:%Y-%m-%d} 早于该会员年满 16 周岁的日子"
        in (left_blank.value.problems["joined_on"])
    )
    assert CHILD not in left_blank.value.message
    assert _writes(db) == before


def test_the_default_join_date_is_the_database_clock_s_today(db: Database, union_id: str) -> None:
    """Someone who turns 16 tomorrow (by the test's clock, not the PC's calendar)."""
    almost = id_born(date(TEST_TODAY.year - 16, TEST_TODAY.month, TEST_TODAY.day) + timedelta(1))
    with pytest.raises(ValidationError, match="年满 16 周岁"):
        members.add(db, {"name": "差一天", "id_number": almost, "union_id": union_id})
    sixteen = id_born(date(TEST_TODAY.year - 16, TEST_TODAY.month, TEST_TODAY.day))
    record, _ = members.add(db, {"name": "刚满", "id_number": sixteen, "union_id": union_id})
    assert record.joined_on == TEST_TODAY and record.membership_status == "active"


def test_a_child_transferred_in_as_a_new_member_is_refused(db: Database, union_id: str) -> None:
    before = _writes(db)
    with pytest.raises(ValidationError, match="早于该会员年满 16 周岁的日子"):
        transfers.transfer_in(db, {"name": "孩子", "id_number": CHILD, "union_id": union_id})
    with pytest.raises(ValidationError, match="2026-10-01 早于该会员年满 16 周岁的日子"):
        transfers.transfer_in(
            db,
            {"name": "孩子", "id_number": CHILD, "union_id": union_id},
            transferred_on="2026-10-01",
        )
    assert _writes(db) == before


def test_an_applicant_still_needs_no_join_date(db: Database, union_id: str) -> None:
    record, _ = members.add(
        db,
        {"name": "申请人", "id_number": CHILD, "union_id": union_id, "membership_status": "申请中"},
    )
    assert record.membership_status == "applicant" and record.joined_on is None


# ---- B2: leaving once, on a day that can be true ----------------------------------------------


def test_leaving_in_the_future_or_before_joining_is_refused(db: Database, member_id: str) -> None:
    before = _writes(db)
    tomorrow = TEST_TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        members.mark_left(db, member_id, "withdrawn", on=tomorrow, reason="辞职")
    assert future.value.message.startswith(f"离会日期 {tomorrow:%Y-%m-%d} 晚于今天")
    with pytest.raises(ValidationError) as early:
        members.mark_left(db, member_id, "withdrawn", on=date(2019, 1, 1), reason="早于入会")
    assert early.value.message == ("离会日期 2019-01-01 早于该会员的入会日期 2020-05-01，请核对")
    assert _writes(db) == before
    assert members.get(db, member_id).membership_status == "active"


def test_a_member_who_left_cannot_leave_again(db: Database, member_id: str) -> None:
    members.mark_left(db, member_id, "withdrawn", on=date(2026, 11, 1), reason="辞职")
    before = _writes(db)
    for status in ("withdrawn", "expelled", "retained"):
        with pytest.raises(UnionDeskError) as again:
            members.mark_left(db, member_id, status, reason="再次")
        assert "已退会" in again.value.message and "2026-11-01" in again.value.message
    assert _writes(db) == before
    record = members.get(db, member_id)
    assert (record.left_on, record.leave_reason) == (date(2026, 11, 1), "辞职")
    rows = history.status_history(db, member_id)
    assert [(r.changed_on, r.to_status, r.reason) for r in rows] == [
        (record.left_on, "withdrawn", "辞职")
    ]


def test_retained_then_withdrawn_and_never_before_the_last_change(
    db: Database, member_id: str
) -> None:
    members.mark_left(db, member_id, "retained", on=date(2026, 3, 1), reason="长期病休")
    with pytest.raises(UnionDeskError, match="已是「保留会籍」"):
        members.mark_left(db, member_id, "retained", on=date(2026, 4, 1))
    with pytest.raises(ValidationError, match="早于该会员最近一次会籍变动"):
        members.mark_left(db, member_id, "withdrawn", on=date(2026, 2, 1))
    record = members.mark_left(db, member_id, "withdrawn", on=date(2026, 6, 1), reason="辞职")
    assert (record.membership_status, record.left_on, record.leave_reason) == (
        "withdrawn",
        date(2026, 6, 1),
        "辞职",
    )
    rows = history.status_history(db, member_id)
    assert [(r.changed_on, r.from_status, r.to_status) for r in rows] == [
        (date(2026, 3, 1), "active", "retained"),
        (date(2026, 6, 1), "retained", "withdrawn"),
    ]


def test_a_transfer_out_is_not_a_leave(db: Database, member_id: str) -> None:
    before = _writes(db)
    with pytest.raises(ValidationError) as caught:
        members.mark_left(db, member_id, "transferred_out", reason="调走")
    assert "请办理会籍转出（transfers out），会出具转接单" in caught.value.message
    assert _writes(db) == before


# ---- B3: leaving statuses never typed into the status field ----------------------------------


@pytest.mark.parametrize(
    ("status", "fragment"),
    [
        ("已退会", "会员离会"),
        ("expelled", "会员离会"),
        ("已转出", "请办理会籍转出（transfers out），会出具转接单"),
    ],
)
def test_a_new_member_cannot_be_registered_as_left(
    db: Database, union_id: str, status: str, fragment: str
) -> None:
    before = _writes(db)
    with pytest.raises(ValidationError) as caught:
        members.add(
            db,
            {"name": "农民工", "id_number": ADULT, "union_id": union_id}
            | {"membership_status": status},
        )
    assert fragment in caught.value.problems["membership_status"]
    assert _writes(db) == before


def test_a_new_member_may_be_retained(db: Database, union_id: str) -> None:
    record, _ = members.add(
        db,
        {"name": "保留", "id_number": ADULT, "union_id": union_id, "membership_status": "保留会籍"},
    )
    assert record.membership_status == "retained"


@pytest.mark.parametrize(
    ("status", "fragment"),
    [
        ("已退会", "members leave"),
        ("已开除", "会员离会"),
        ("已转出", "请办理会籍转出（transfers out），会出具转接单"),
    ],
)
def test_an_edit_cannot_set_a_leaving_status(
    db: Database, member_id: str, status: str, fragment: str
) -> None:
    before = _writes(db)
    with pytest.raises(ValidationError) as caught:
        members.update(db, member_id, {"membership_status": status, "phone": "13800138000"})
    assert fragment in caught.value.problems["membership_status"]
    assert _writes(db) == before
    assert history.status_history(db, member_id) == []


def test_an_edit_of_a_member_who_left_keeps_the_status_and_may_rejoin(
    db: Database, member_id: str
) -> None:
    transfers.transfer_out(db, member_id, to_union_name="外区总工会", transferred_on="2026-10-01")
    record, _ = members.update(
        db, member_id, {"membership_status": "已转出", "phone": "13800138000"}
    )  # the status as it is, sent back by a form: no change, nothing refused
    assert record.membership_status == "transferred_out" and record.left_on == date(2026, 10, 1)
    back, _ = members.update(db, member_id, {"membership_status": "在会"})
    assert back.membership_status == "active" and back.left_on is None
