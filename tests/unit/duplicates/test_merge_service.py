"""Finding duplicate member records and merging them, on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.services import audit
from desktop.services.activities import attendance
from desktop.services.activities import records as activities
from desktop.services.duplicates import finding, merging
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines

ID_A = "11010519491231002X"
ID_B = "110101198111064773"  # male


@pytest.fixture
def union_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return unions.add(db, "华强电子有限公司工会", industry="C", ownership="170").id


def _raw_member(db: Database, union_id: str, name: str, id_number: str, **extra: object) -> str:
    """A member as sync leaves it: the registry refuses a second record of one ID
    number, a received package does not."""
    with db.connect() as conn:
        checked = members.validate(
            conn,
            {"name": name, "id_number": id_number, "union_id": union_id, **extra},
            check_duplicates=False,
        )
        return member_writer.insert_one(conn, dict(checked.values))


def _row(db: Database, member_id: str) -> dict[str, object]:
    with db.connect(write=False) as conn:
        row = conn.execute(text("SELECT * FROM members WHERE id = :i"), {"i": member_id}).one()
    return dict(row._mapping)


def test_same_id_number_name_birth_and_phone_pairs_are_listed_masked(
    db: Database, union_id: str
) -> None:
    a = _raw_member(db, union_id, "张三", ID_A, phone="13800138000")
    b = _raw_member(db, union_id, "张三", ID_A)
    c = _raw_member(db, union_id, "李四", ID_B, phone="13800138000")
    pairs = finding.find_pairs(db)
    by_ids = {frozenset((p.first.id, p.second.id)): p for p in pairs}
    assert by_ids[frozenset((a, b))].reason == finding.SAME_ID
    assert by_ids[frozenset((a, c))].reason == finding.SAME_PHONE
    assert len(pairs) == 2  # a-b once, under its strongest sign
    shown = json.dumps([p.first.__dict__ | p.second.__dict__ for p in pairs], default=str)
    assert ID_A not in shown and "13800138000" not in shown
    assert "110*************2X" in shown


def test_merge_takes_chosen_fields_moves_attendance_and_records_the_merge(
    db: Database, union_id: str
) -> None:
    keep = _raw_member(db, union_id, "张三", ID_A, phone="13800138000", employer="甲厂")
    other = _raw_member(db, union_id, "张三", ID_A, phone="13900139000", employer="乙厂")
    act = activities.add(
        db,
        {
            "title": "职工运动会",
            "category": "文体健康",
            "starts_at": "2026-11-20 09:00",
            "ends_at": "2026-11-20 11:00",
        },
    )
    attendance.attend_member(db, act.id, other)
    result = merging.merge(db, keep, other, take=["phone"])
    assert result.fields_taken == ("phone",) and result.moved_attendance == 1
    survivor = _row(db, keep)
    assert survivor["phone"] == "13900139000" and survivor["employer"] == "甲厂"
    assert _row(db, other)["deleted"] == 1
    assert [r.member_id for r in attendance.list_attendance(db, act.id)] == [keep]
    with db.connect(write=False) as conn:
        merge = conn.execute(text("SELECT * FROM member_merges")).one()
    assert (merge.survivor_id, merge.merged_id) == (keep, other)
    assert json.loads(merge.fields_taken) == ["phone"]
    assert finding.find_pairs(db) == []


def test_merging_a_record_with_itself_is_refused_and_writes_nothing(
    db: Database, union_id: str
) -> None:
    keep = _raw_member(db, union_id, "张三", ID_A)
    with pytest.raises(ValidationError, match="不能把一条会员记录与它自己合并"):
        merging.merge(db, keep, keep)
    assert _row(db, keep)["deleted"] == 0


def test_unknown_field_and_missing_record_are_refused(db: Database, union_id: str) -> None:
    keep = _raw_member(db, union_id, "张三", ID_A)
    other = _raw_member(db, union_id, "张三", ID_A)
    with pytest.raises(ValidationError, match="不能选用的字段：sort_key"):
        merging.merge(db, keep, other, take=["sort_key"])
    with pytest.raises(NotFoundError, match="被合并的记录不存在"):
        merging.merge(db, keep, "no-such-id")
    assert _row(db, other)["deleted"] == 0


def test_different_valid_id_numbers_need_confirmation_and_are_audited(
    db: Database, union_id: str
) -> None:
    keep = _raw_member(db, union_id, "张三", ID_A)
    other = _raw_member(db, union_id, "张三", ID_B)
    assert merging.has_different_ids(db, keep, other)
    with pytest.raises(UnionDeskError, match="身份证号不同") as refused:
        merging.merge(db, keep, other)
    assert ID_A not in refused.value.message and ID_B not in refused.value.message
    assert _row(db, other)["deleted"] == 0 and audit.recent(db) == []
    merging.merge(db, keep, other, take=["id_number"], confirm_different_ids=True)
    survivor = _row(db, keep)
    assert survivor["id_number"] == ID_B and survivor["gender"] == "M"
    entries = audit.recent(db)
    assert [e.action for e in entries] == [audit.MEMBER_MERGE_DIFFERENT_IDS]
    assert ID_A not in entries[0].detail and keep in entries[0].detail


def test_compare_masks_the_id_number_and_phone(db: Database, union_id: str) -> None:
    keep = _raw_member(db, union_id, "张三", ID_A, phone="13800138000")
    other = _raw_member(db, union_id, "张三", ID_A, phone="13900139000")
    rows = {r.name: r for r in merging.compare(db, keep, other)}
    assert rows["phone"].keep_text == "138****8000" and rows["phone"].differs
    assert not rows["id_number"].differs and rows["union_id"].keep_text == "华强电子有限公司工会"


def test_merge_moves_the_other_records_life_to_the_survivor(db: Database, union_id: str) -> None:
    """Status history, honours and legal-aid cases of the merged-away record follow the
    person to the survivor (each moved by its own table's writer)."""
    from datetime import date

    from desktop.services.care import hardship
    from desktop.services.honours import records as honours
    from desktop.services.legal import cases

    today = date(2026, 11, 21)
    keep = _raw_member(db, union_id, "张三", ID_A)
    other = _raw_member(db, union_id, "张三", ID_A)
    members.mark_left(db, other, "retained", on=today, reason="长期病休")
    honours.add_honour(
        db, {"member_id": other, "title": "劳动模范", "level": "市", "year": 2025}, today=today
    )
    cases.add_case(db, {"member_id": other, "case_type": "wage_arrears"}, today=today)
    hardship.add_file(db, other, level="相对困难", causes="患病", opened_on=today, today=today)
    merging.merge(db, keep, other)
    with db.connect(write=False) as conn:
        owners = {
            table: {
                str(r[0])
                for r in conn.exec_driver_sql(
                    f"SELECT member_id FROM {table} WHERE deleted = 0"
                ).all()
            }
            for table in ("member_status_changes", "honours", "legal_cases", "hardship_cases")
        }
    assert owners == {
        "member_status_changes": {keep},
        "honours": {keep},
        "legal_cases": {keep},
        "hardship_cases": {keep},
    }
