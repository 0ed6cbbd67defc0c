"""入会申请 on a real SQLite file: add, queue, approve, reject (issue #21)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError, ValidationError
from desktop.services.applications import queries, records
from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY

pytestmark = pytest.mark.both_engines


GOOD_ID = "11010519491231002X"  # female, 1949-12-31
OTHER_ID = "440304199001015410"  # male, 1990-01-01


def id_born(born: date, seq: str = "001") -> str:
    """A valid ID number for someone born on ``born``."""
    body = f"110105{born:%Y%m%d}{seq}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


@pytest.fixture
def union_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return unions.add(db, "华强电子有限公司工会").id


def _apply(db: Database, union_id: str, **extra: object) -> queries.ApplicationRecord:
    values: dict[str, object] = {
        "name": "王小明",
        "id_number": OTHER_ID,
        "union_id": union_id,
        "phone": "13800138000",
        "employer": "华强电子",
        "channel": "扫码",
        **extra,
    }
    return records.add(db, values)


def _count(db: Database, table: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_add_records_a_pending_application(db: Database, union_id: str) -> None:
    app = _apply(db, union_id, channel="纸质", ethnicity="汉族")
    assert app.status == "submitted" and app.channel == "paper"
    assert app.submitted_on == TEST_TODAY and app.joined_on is None
    assert app.ethnicity == "01"
    assert queries.counts(db) == {"submitted": 1, "approved": 0, "rejected": 0}
    assert queries.pending_count(db) == 1
    [row] = queries.queue(db, status="submitted")
    assert row.id == app.id and OTHER_ID not in row.id_number_masked
    assert row.phone_masked != "13800138000"
    with db.connect(write=False) as conn:  # captured: it travels
        assert conn.execute(
            text("SELECT count(*) FROM sync_change WHERE tbl = 'applications'")
        ).scalar_one()


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ({"id_number": "440304199001015415"}, "id_number", "校验位"),
        ({"phone": "1380013800"}, "phone", "11 位"),
        ({"channel": "传真"}, "channel", "申请渠道只能是"),
        ({"submitted_on": "2030-01-01"}, "submitted_on", "晚于今天"),
        ({"joined_on": "2030-01-01"}, "joined_on", "晚于今天"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(
    db: Database, union_id: str, extra: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _apply(db, union_id, **extra)
    assert fragment in caught.value.problems[field]
    assert _count(db, "applications") == 0


def test_a_join_date_before_the_16th_birthday_is_refused(db: Database, union_id: str) -> None:
    young = id_born(date(2008, 3, 15))
    with pytest.raises(ValidationError) as caught:
        _apply(db, union_id, id_number=young, joined_on="2024-03-14")
    assert "年满 16 周岁" in caught.value.problems["joined_on"]
    assert young not in caught.value.message
    assert _count(db, "applications") == 0
    ok = _apply(db, union_id, id_number=young, joined_on="2024-03-15")
    assert ok.joined_on == date(2024, 3, 15)


def test_approve_creates_the_member_with_card_join_date_and_history(
    db: Database, union_id: str
) -> None:
    app = _apply(db, union_id)
    done = records.approve(db, app.id, approver="李主席")
    member = members.get(db, done.member_id)
    assert member.name == "王小明" and member.membership_status == "active"
    assert member.joined_on == TEST_TODAY == done.joined_on
    assert member.card_no and member.card_no == done.card_no
    assert member.employer == "华强电子" and member.birth_date == date(1990, 1, 1)
    stored = queries.get(db, app.id)
    assert stored.status == "approved" and stored.reviewer == "李主席"
    assert stored.member_id == done.member_id and stored.reviewed_on == TEST_TODAY
    [entry] = history.status_history(db, done.member_id)
    assert (entry.from_status, entry.to_status, entry.operator) == (None, "active", "李主席")
    assert queries.counts(db)["approved"] == 1
    with pytest.raises(UnionDeskError, match="已处理"):
        records.approve(db, app.id)


def test_approve_uses_the_chosen_join_date(db: Database, union_id: str) -> None:
    app = _apply(db, union_id, joined_on="2026-10-01")
    assert members.get(db, records.approve(db, app.id).member_id).joined_on == date(2026, 10, 1)
    other = _apply(db, union_id, id_number=GOOD_ID)
    done = records.approve(db, other.id, joined_on=date(2026, 9, 1))
    assert members.get(db, done.member_id).joined_on == date(2026, 9, 1)


def test_approving_an_id_already_current_is_refused_naming_member_and_union(
    db: Database, union_id: str
) -> None:
    members.add(db, {"name": "王大明", "id_number": OTHER_ID, "union_id": union_id})
    app = _apply(db, union_id)
    [row] = queries.queue(db)
    assert row.current_member
    before = _count(db, "members"), _count(db, "sync_change")
    with pytest.raises(UnionDeskError) as caught:
        records.approve(db, app.id)
    assert "王大明" in caught.value.message and "华强电子有限公司工会" in caught.value.message
    assert OTHER_ID not in caught.value.message and OTHER_ID[-4:] not in caught.value.message
    assert (_count(db, "members"), _count(db, "sync_change")) == before
    assert queries.get(db, app.id).status == "submitted"


def test_a_former_member_is_reactivated_not_duplicated(db: Database, union_id: str) -> None:
    old, _ = members.add(
        db,
        {"name": "王小明", "id_number": OTHER_ID, "union_id": union_id, "joined_on": "2020-01-01"},
    )
    members.mark_left(db, old.id, "withdrawn", on=date(2025, 1, 2), reason="调离")
    app = _apply(db, union_id)
    assert not queries.queue(db)[0].current_member
    done = records.approve(db, app.id, approver="李主席")
    assert done.member_id == old.id and done.rejoined and done.card_no == old.card_no
    back = members.get(db, old.id)
    assert back.membership_status == "active" and back.joined_on == TEST_TODAY
    assert back.left_on is None and back.leave_reason is None
    assert _count(db, "members") == 1
    steps = [(h.from_status, h.to_status) for h in history.status_history(db, old.id)]
    assert steps == [("active", "withdrawn"), ("withdrawn", "active")]


def test_reject_keeps_the_reason_and_the_queue_finds_it(db: Database, union_id: str) -> None:
    app = _apply(db, union_id)
    with pytest.raises(ValidationError, match="原因"):
        records.reject(db, app.id, "  ")
    assert queries.get(db, app.id).status == "submitted"
    done = records.reject(db, app.id, "非本单位职工", reviewer="李主席")
    assert done.status == "rejected" and done.reject_reason == "非本单位职工"
    assert [r.id for r in queries.queue(db, search="本单位")] == [app.id]
    assert queries.queue(db, search="退休") == []
    assert queries.counts(db) == {"submitted": 0, "approved": 0, "rejected": 1}
    with pytest.raises(UnionDeskError, match="已处理"):
        records.approve(db, app.id)
    assert _count(db, "members") == 0


def test_a_rejection_reason_holding_an_id_number_or_phone_is_refused(
    db: Database, union_id: str
) -> None:
    """The reason is shown in full beside the masked ID number (applications show) and
    searched: a number typed into it undid the mask."""
    app = _apply(db, union_id)
    for reason in (f"身份证{OTHER_ID}已在他处入会", "电话13800138000联系不上"):
        with pytest.raises(ValidationError, match="不要写身份证号或手机号") as exc:
            records.reject(db, app.id, reason)
        assert exc.value.field == "reject_reason" and OTHER_ID not in exc.value.message
    assert queries.get(db, app.id).status == "submitted"


def test_an_approval_date_before_the_16th_birthday_or_after_today_is_refused(
    db: Database, union_id: str
) -> None:
    app = _apply(db, union_id, id_number=id_born(date(2008, 3, 15)))
    with pytest.raises(ValidationError) as caught:
        records.approve(db, app.id, joined_on=date(2024, 3, 1))
    assert "年满 16 周岁" in caught.value.message
    with pytest.raises(ValidationError, match="晚于今天"):
        records.approve(db, app.id, joined_on=date(2027, 1, 1))
    assert _count(db, "members") == 0 and queries.get(db, app.id).status == "submitted"
    assert records.approve(db, app.id, joined_on=date(2024, 3, 15)).joined_on == date(2024, 3, 15)


def test_a_record_kept_as_applicant_becomes_the_member(db: Database, union_id: str) -> None:
    """申请中 records entered before applications were kept: approving that person's
    application makes the record current (a first join, not a return)."""
    kept, _ = members.add(
        db,
        {"name": "王小明", "id_number": OTHER_ID, "union_id": union_id,
         "membership_status": "申请中"},
    )  # fmt: skip
    assert kept.card_no is None and kept.joined_on is None
    done = records.approve(db, _apply(db, union_id).id)
    assert done.member_id == kept.id and not done.rejoined and done.card_no
    assert members.get(db, kept.id).membership_status == "active"
    [entry] = history.status_history(db, kept.id)
    assert (entry.from_status, entry.reason) == ("applicant", records.APPROVED_REASON)
    assert _count(db, "members") == 1
