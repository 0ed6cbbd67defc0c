"""Two clerks editing one member (issue #25, item 3): the optimistic version check.

Every write of a member bumps ``members.version`` (a local column: never captured, never
sent); an edit given the version its clerk loaded is refused with the differences when
another write came first, unless nothing it would save differs from what is stored.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import EditConflictError
from desktop.models.masking import mask_phone
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh

pytestmark = pytest.mark.both_engines


GOOD_ID = "11010519491231002X"
THEIR_PHONE = "13912345678"
MY_PHONE = "13700001111"


@pytest.fixture
def member(db: Database) -> members.MemberRecord:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    union = unions.add(db, "华强电子有限公司工会").id
    record, _ = members.add(
        db, {"name": "张三", "id_number": GOOD_ID, "union_id": union, "phone": "13800138000"}
    )
    return record


def _stored(db: Database, member_id: str, column: str) -> object:
    with db.connect(write=False) as conn:
        return conn.execute(
            text(f'SELECT "{column}" FROM members WHERE id = :i'), {"i": member_id}
        ).scalar_one()


def test_every_write_bumps_the_version(db: Database, member: members.MemberRecord) -> None:
    assert member.version == 1
    after, _ = members.update(db, member.id, {"employer": "甲公司"}, seen=member.seen())
    assert after.version == 2
    left = members.mark_left(db, member.id, "withdrawn", reason="退休")
    assert left.version == 3


def test_second_save_is_refused_with_the_differences_masked(
    db: Database, member: members.MemberRecord, caplog: pytest.LogCaptureFixture
) -> None:
    mine = member.seen()  # clerk A opens the dialog
    # clerk B saves first: a new phone and employer
    members.update(db, member.id, {"phone": THEIR_PHONE, "employer": "乙公司"}, seen=member.seen())
    caplog.set_level(logging.DEBUG)
    with pytest.raises(EditConflictError) as caught:
        members.update(db, member.id, {"phone": MY_PHONE, "notes": "甲的备注"}, seen=mine)
    error = caught.value
    rows = {d.field: (d.label, d.theirs, d.yours) for d in error.differences}
    assert rows == {
        "phone": ("手机号", mask_phone(THEIR_PHONE), mask_phone(MY_PHONE)),
        "employer": ("工作单位", "乙公司", "（空）"),
    }
    assert error.version == 2
    assert "手机号" in error.message and "工作单位" in error.message
    for secret in (THEIR_PHONE, MY_PHONE, "乙公司"):
        assert secret not in error.message and secret not in caplog.text
    # nothing of clerk A's edit was written
    assert _stored(db, member.id, "phone") == THEIR_PHONE
    assert _stored(db, member.id, "notes") is None
    assert _stored(db, member.id, "version") == 2


def test_save_anyway_with_the_new_version_overwrites_knowingly(
    db: Database, member: members.MemberRecord
) -> None:
    mine = member.seen()
    members.update(db, member.id, {"phone": THEIR_PHONE}, seen=member.seen())
    with pytest.raises(EditConflictError) as caught:
        members.update(db, member.id, {"phone": MY_PHONE}, seen=mine)
    theirs = members.get(db, member.id)
    assert theirs.version == caught.value.version
    after, _ = members.update(db, member.id, {"phone": MY_PHONE}, seen=theirs.seen())
    assert after.phone == MY_PHONE and after.version == 3


def test_a_write_that_changes_nothing_seen_lets_the_edit_through(
    db: Database, member: members.MemberRecord
) -> None:
    mine = member.seen()
    # the other clerk set the very phone this clerk is about to type
    members.update(db, member.id, {"phone": MY_PHONE}, seen=member.seen())
    after, _ = members.update(db, member.id, {"phone": MY_PHONE, "position": "焊工"}, seen=mine)
    assert after.position == "焊工" and after.version == 3


def test_a_version_alone_lists_the_fields_being_changed(
    db: Database, member: members.MemberRecord
) -> None:
    members.update(db, member.id, {"employer": "乙公司"})
    with pytest.raises(EditConflictError) as caught:
        members.update(
            db, member.id, {"employer": "丙公司"}, seen=member_writer.Seen(member.version)
        )
    assert [(d.field, d.theirs, d.yours) for d in caught.value.differences] == [
        ("employer", "乙公司", "丙公司")
    ]


def test_status_change_and_delete_are_checked_too(
    db: Database, member: members.MemberRecord
) -> None:
    mine = member.seen()
    members.update(db, member.id, {"notes": "已核实"})
    with pytest.raises(EditConflictError):
        members.mark_left(db, member.id, "withdrawn", reason="退休", seen=mine)
    assert _stored(db, member.id, "membership_status") == "active"
    with pytest.raises(EditConflictError):
        members.delete(db, member.id, seen=mine)
    assert _stored(db, member.id, "deleted") == 0


def test_version_is_local_never_captured(db: Database, member: members.MemberRecord) -> None:
    members.update(db, member.id, {"employer": "甲公司"}, seen=member.seen())
    with db.connect(write=False) as conn:
        fields = [
            str(f)
            for f in conn.execute(
                text("SELECT fields FROM sync_change WHERE tbl = 'members' AND row_id = :i"),
                {"i": member.id},
            ).scalars()
        ]
    assert fields and not any('"version"' in f for f in fields)


def test_received_change_bumps_the_version(db_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    office, hub = db_factory("office"), db_factory("hub")
    mesh([office, hub], tmp_path)
    union = add_union(office, add_federation(office))
    member_id = add_member(office, union, "李四", GOOD_ID)
    ex.export(office, tmp_path / "1.udsync")
    importer.import_file(hub, tmp_path / "1.udsync")
    opened = members.get(hub, member_id)  # a clerk at the hub opens the record
    assert opened.version == 1  # a received new member starts at 1
    members.update(office, member_id, {"phone": THEIR_PHONE})
    ex.export(office, tmp_path / "2.udsync")
    importer.import_file(hub, tmp_path / "2.udsync")
    assert members.get(hub, member_id).version == 2
    with pytest.raises(EditConflictError) as caught:
        members.update(hub, member_id, {"phone": MY_PHONE}, seen=opened.seen())
    assert [d.field for d in caught.value.differences] == ["phone"]
