"""会籍转接 on real SQLite files: out inside the federation, out of it, in from
elsewhere, the refusals, slip numbers across two offline PCs (issue #21 item 3)."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from desktop.cards import transfer_qr
from desktop.errors import UnionDeskError, ValidationError
from desktop.services.figures import summary
from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.transfers import queries, records, slips
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY

pytestmark = pytest.mark.both_engines


MEMBER_ID = "440304199001015410"  # male, 1990-01-01
OTHER_ID = "11010519491231002X"


@pytest.fixture
def setup(db: Database) -> dict[str, str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    a = unions.add(db, "华强电子有限公司工会").id
    b = unions.add(db, "宝安物流有限公司工会").id
    member, _ = members.add(
        db,
        {"name": "王小明", "id_number": MEMBER_ID, "union_id": a, "card_no": "GH0001",
         "joined_on": date(2015, 3, 1)},
    )  # fmt: skip
    return {"a": a, "b": b, "member": member.id}


def _snapshot(db: Database) -> tuple[int, ...]:
    with db.connect(write=False) as conn:
        return tuple(
            int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("transfers", "members", "member_status_changes", "sync_change")
        )


def _summary_exact(db: Database) -> None:
    with db.connect(write=False) as conn:
        assert summary.summary_differences(conn) == 0


def test_out_inside_the_federation_moves_the_member_in_one_step(
    db: Database, setup: dict[str, str]
) -> None:
    record = records.transfer_out(
        db, setup["member"], to_union_id=setup["b"], transferred_on="2026-11-20", reason="调动"
    )
    assert record.kind == "internal" and record.to_union == "宝安物流有限公司工会"
    assert record.from_union == "华强电子有限公司工会" and record.slip_no
    moved = members.get(db, setup["member"])
    assert moved.union_id == setup["b"] and moved.membership_status == "active"
    assert unions.get(db, setup["a"]).member_count == 0
    assert unions.get(db, setup["b"]).member_count == 1
    _summary_exact(db)
    steps = history.status_history(db, setup["member"])
    [change] = [h for h in steps if "转接" in (h.reason or "")]
    assert change.changed_on == date(2026, 11, 20)
    assert "华强电子" in (change.reason or "") and "宝安物流" in (change.reason or "")
    [shown] = history.life(db, setup["member"]).transfers
    assert shown.slip_no == record.slip_no and shown.to_union == "宝安物流有限公司工会"
    with db.connect(write=False) as conn:  # captured: it travels
        assert conn.execute(
            text("SELECT count(*) FROM sync_change WHERE tbl = 'transfers'")
        ).scalar_one()


def test_out_of_the_federation_issues_a_slip_and_marks_transferred_out(
    db: Database, setup: dict[str, str]
) -> None:
    record = records.transfer_out(
        db, setup["member"], to_union_name="深圳市南山区总工会", reason="工作调动"
    )
    assert record.kind == "out" and record.to_union == "深圳市南山区总工会"
    assert record.transferred_on == TEST_TODAY
    assert record.slip_no and record.slip_no.startswith(f"GHZJ{TEST_TODAY.year}")
    left = members.get(db, setup["member"])
    assert left.membership_status == "transferred_out" and left.left_on == TEST_TODAY
    assert unions.get(db, setup["a"]).member_count == 0
    last = history.status_history(db, setup["member"])[-1]
    assert (last.from_status, last.to_status) == ("active", "transferred_out")
    _summary_exact(db)
    second = records.transfer_out(
        db, members.add(db, {"name": "李四", "id_number": OTHER_ID, "union_id": setup["a"]})[0].id,
        to_union_name="深圳市南山区总工会",
    )  # fmt: skip
    assert second.slip_no != record.slip_no
    assert second.slip_no and int(second.slip_no[-4:]) == int(record.slip_no[-4:]) + 1


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("same union", {"to_union_id": "a"}, "不能转接到其所在的工会"),
    ("same union by name", {"to_union_name": "华强电子有限公司工会"}, "不能转接到其所在的工会"),
    ("inside by name", {"to_union_name": "宝安物流有限公司工会"}, "是本联合会的工会"),
    ("future", {"to_union_id": "b", "transferred_on": TEST_TODAY + timedelta(days=1)}, "晚于今天"),
    ("before join", {"to_union_id": "b", "transferred_on": "2010-01-01"}, "早于该会员的入会日期"),
    ("no destination", {}, "二选一"),
    ("both", {"to_union_id": "b", "to_union_name": "外区"}, "二选一"),
]


@pytest.mark.parametrize(("case", "kwargs", "fragment"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_out_refusals_write_nothing(
    db: Database, setup: dict[str, str], case: str, kwargs: dict[str, Any], fragment: str
) -> None:
    given = {k: setup.get(v, v) if k == "to_union_id" else v for k, v in kwargs.items()}
    before = _snapshot(db)
    with pytest.raises(UnionDeskError) as caught:
        records.transfer_out(db, setup["member"], **given)
    assert fragment in caught.value.message
    assert MEMBER_ID not in caught.value.message
    assert _snapshot(db) == before
    assert members.get(db, setup["member"]).union_id == setup["a"]


def test_a_member_no_longer_current_cannot_be_transferred(
    db: Database, setup: dict[str, str]
) -> None:
    records.transfer_out(db, setup["member"], to_union_name="外区总工会")
    before = _snapshot(db)
    with pytest.raises(UnionDeskError, match="「已转出」，不能办理转出"):
        records.transfer_out(db, setup["member"], to_union_id=setup["b"])
    assert _snapshot(db) == before


def _incoming(union_id: str, id_number: str = MEMBER_ID, **extra: Any) -> dict[str, Any]:
    return {"name": "王小明", "id_number": id_number, "union_id": union_id, **extra}


def test_in_by_slip_links_and_reactivates_the_earlier_record(
    db: Database, setup: dict[str, str]
) -> None:
    out = records.transfer_out(db, setup["member"], to_union_name="外区总工会")
    count = _snapshot(db)[1]
    came = records.transfer_in(
        db, _incoming(setup["b"], phone="13800138000"), slip_no=out.slip_no,
        from_union_name="外区总工会",
    )  # fmt: skip
    assert came.outcome == "linked" and came.member_id == setup["member"]
    assert came.transfer.linked_transfer_id == out.id and came.transfer.kind == "in"
    assert _snapshot(db)[1] == count  # not duplicated
    back = members.get(db, setup["member"])
    assert back.membership_status == "active" and back.union_id == setup["b"]
    assert back.card_no == "GH0001" and back.joined_on == date(2015, 3, 1)
    assert back.left_on is None and back.phone == "13800138000"
    assert history.status_history(db, setup["member"])[-1].to_status == "active"
    _summary_exact(db)


def test_in_by_id_number_links_a_left_member_when_the_slip_is_unknown(
    db: Database, setup: dict[str, str]
) -> None:
    records.transfer_out(db, setup["member"], to_union_name="外区总工会")
    came = records.transfer_in(db, _incoming(setup["a"]), slip_no="XX2026ABC0001")
    assert came.outcome == "linked" and came.member_id == setup["member"]
    assert came.note == records.NOTE_LINKED_BY_ID
    assert came.transfer.slip_no == "XX2026ABC0001" and came.transfer.linked_transfer_id


def test_unknown_slip_and_unknown_id_is_a_plain_join_with_a_note(
    db: Database, setup: dict[str, str]
) -> None:
    came = records.transfer_in(
        db, _incoming(setup["b"], OTHER_ID, name="李四", joined_on="2012-05-01"),
        slip_no="SZ2026XYZ0007", from_union_name="深圳市南山区总工会", reason="工作调动",
    )  # fmt: skip
    assert came.outcome == "new" and came.note == records.NOTE_SLIP_UNKNOWN_NEW
    assert came.transfer.notes == records.NOTE_SLIP_UNKNOWN_NEW
    new = members.get(db, came.member_id)
    assert new.membership_status == "active" and new.union_id == setup["b"]
    assert new.card_no and new.joined_on == date(2012, 5, 1)  # 会籍连续计算
    assert came.transfer.from_union == "深圳市南山区总工会"
    [entry] = history.status_history(db, came.member_id)
    assert entry.from_status is None and "深圳市南山区总工会" in (entry.reason or "")
    _summary_exact(db)


def test_in_refusals_write_nothing(db: Database, setup: dict[str, str]) -> None:
    before = _snapshot(db)
    with pytest.raises(UnionDeskError, match="已是「华强电子有限公司工会」的在会会员"):
        records.transfer_in(db, _incoming(setup["b"]), slip_no="SZ1")
    with pytest.raises(ValidationError, match="晚于今天"):
        records.transfer_in(
            db, _incoming(setup["b"], OTHER_ID), transferred_on=TEST_TODAY + timedelta(days=3)
        )
    out = records.transfer_out(db, setup["member"], to_union_name="外区总工会")
    before = _snapshot(db)
    with pytest.raises(ValidationError, match="所记的会员与所填身份证号不符"):
        records.transfer_in(db, _incoming(setup["b"], OTHER_ID), slip_no=out.slip_no)
    inside = records.transfer_out(
        db, members.add(db, {"name": "赵六", "id_number": "110105199001010010",
                             "union_id": setup["a"]})[0].id, to_union_id=setup["b"],
    )  # fmt: skip
    before = _snapshot(db)
    with pytest.raises(UnionDeskError, match="内部转接"):
        records.transfer_in(db, _incoming(setup["b"], "110105199001010010"), slip_no=inside.slip_no)
    assert _snapshot(db) == before


def test_slip_numbers_never_repeat_across_two_offline_pcs(
    db_factory: Callable[[str], Database],
) -> None:
    issued: list[str] = []
    ids = [MEMBER_ID, OTHER_ID, "110105199001010010"]
    for name in ("pc1", "pc2"):
        pc = db_factory(name)
        federations.create(pc, "测试园区工会联合会", card_prefix="GH")  # same prefix on both
        union = unions.add(pc, "华强电子有限公司工会").id
        for number in ids:  # the same people, even: two offices that never talked
            person, _ = members.add(pc, {"name": "王五", "id_number": number, "union_id": union})
            slip = records.transfer_out(pc, person.id, to_union_name="外区总工会").slip_no
            assert slip is not None
            issued.append(slip)
    assert len(set(issued)) == 6
    assert issued[0][:-4] != issued[3][:-4]  # the issuer part differs
    assert [s[-4:] for s in issued[:3]] == ["0001", "0002", "0003"]


def test_the_slip_qr_is_signed_and_read_back(db: Database, setup: dict[str, str]) -> None:
    out = records.transfer_out(db, setup["member"], to_union_name="外区总工会", reason="调动")
    with db.connect(write=False) as conn:
        text_ = slips.payload_in(conn, queries.get_in(conn, out.id))
    reading = slips.read(db, text_)
    assert reading.verified and reading.content.slip_no == out.slip_no
    assert reading.content.name == "王小明" and reading.content.to_union == "外区总工会"
    assert reading.content.joined_on == date(2015, 3, 1)
    assert MEMBER_ID not in text_
    prefix, _body, signer, sig = text_.split(":")
    altered = dataclasses.replace(reading.content, to_union="别的工会").as_json()
    forged = ":".join((prefix, base64.b32encode(altered).decode().rstrip("="), signer, sig))
    changed = slips.read(db, forged)
    assert not changed.verified and "签名不符" in changed.message
    assert changed.content.to_union == "别的工会"  # still readable: shown, not trusted
    with pytest.raises(UnionDeskError, match="UDTR1"):
        slips.read(db, "UD1:GH0001:00:00:00")
    assert transfer_qr.is_payload(text_.lower())


def test_in_with_the_qr_of_another_office_is_unverified_but_accepted(
    db_factory: Callable[[str], Database],
) -> None:
    sender, receiver = db_factory("sender"), db_factory("receiver")
    federations.create(sender, "甲区总工会", card_prefix="JQ")
    a = unions.add(sender, "甲厂工会").id
    person, _ = members.add(sender, {"name": "王小明", "id_number": MEMBER_ID, "union_id": a})
    out = records.transfer_out(sender, person.id, to_union_name="乙区总工会")
    with sender.connect(write=False) as conn:
        qr = slips.payload_in(conn, queries.get_in(conn, out.id))
    federations.create(receiver, "乙区总工会", card_prefix="YQ")
    b = unions.add(receiver, "乙厂工会").id
    reading = slips.read(receiver, qr)
    assert not reading.verified and "未核验" in reading.message
    came = records.transfer_in(receiver, _incoming(b), qr=qr)
    assert came.outcome == "new" and came.transfer.slip_no == out.slip_no
    assert "签名未核验" in came.note and came.transfer.from_union == "甲厂工会"
    with pytest.raises(ValidationError, match="不一致"):
        records.transfer_in(receiver, _incoming(b, OTHER_ID), qr=qr, slip_no="OTHER1")


@pytest.mark.sqlite_only("the demo fills through the bulk append: not on the hub yet")
def test_the_demo_has_a_few_transfers_of_every_kind(db: Database) -> None:
    from desktop.demo import generate as demo

    demo.fill_demo(db, members=300, unions=5, seed=3, today=TEST_TODAY)
    kinds = [r.kind for r in queries.listing(db)]
    assert kinds.count("internal") == 2 and kinds.count("out") == 2 and kinds.count("in") == 1
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == 300
        assert summary.summary_differences(conn) == 0
    [came] = queries.listing(db, kind="in")
    assert came.notes == records.NOTE_LINKED_BY_ID


def test_received_transfers_are_checked_like_local_input() -> None:
    from desktop.models import values

    assert values.check("transfers", {"kind": "teleport"})
    assert values.check("transfers", {"slip_no": "X" * 40})
    assert values.check("transfers", {"kind": "in", "slip_no": "GHZJ2026ABCDE0001"}) == []
    assert values.check("transfers", {"kind": None}) == []


def test_a_merge_moves_the_other_record_s_transfers_through_the_writer(
    db: Database, setup: dict[str, str]
) -> None:
    from desktop.services.duplicates import merging

    other, _ = members.add(db, {"name": "王小明", "id_number": OTHER_ID, "union_id": setup["a"]})
    out = records.transfer_out(db, other.id, to_union_id=setup["b"])
    merging.merge(db, setup["member"], other.id, take=[], confirm_different_ids=True)
    [moved] = queries.listing(db, member_id=setup["member"])
    assert moved.id == out.id
    assert queries.listing(db, member_id=other.id) == []


def test_in_by_a_known_id_number_under_another_name_is_refused(
    db: Database, setup: dict[str, str]
) -> None:
    """A typed name that is not the record's: most likely a mistyped ID number, so the
    transfer links nothing and changes nobody's phone (QA report B4)."""
    out = records.transfer_out(db, setup["member"], to_union_name="外区总工会")
    before = _snapshot(db)
    stranger = _incoming(setup["b"], name="完全不同的人", phone="13700001111")
    for slip in (None, out.slip_no):
        with pytest.raises(ValidationError) as caught:
            records.transfer_in(db, stranger, slip_no=slip)
        assert caught.value.message == (
            "身份证号 440*************10 已登记为「王小明」，"
            "与填写的姓名「完全不同的人」不一致，请核对"
        )
    assert _snapshot(db) == before
    kept = members.get(db, setup["member"])
    assert kept.membership_status == "transferred_out" and kept.phone is None
    # the same name typed with blanks or in full-width letters is the same name
    came = records.transfer_in(db, _incoming(setup["b"], name=" 王　小明 "), slip_no=out.slip_no)
    assert came.outcome == "linked" and came.member_id == setup["member"]
