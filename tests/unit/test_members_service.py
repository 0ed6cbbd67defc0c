"""Member and union services on a real SQLite file."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import text

from desktop import clock
from desktop.errors import NotFoundError, ValidationError
from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY

pytestmark = pytest.mark.both_engines


GOOD_ID = "11010519491231002X"  # female, 1949-12-31
OTHER_ID = "440304199001015415"  # male


@pytest.fixture
def union_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return unions.add(db, "华强电子有限公司工会", industry="C", ownership="170").id


def _change_count(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one())


def test_add_derives_birth_gender_and_issues_card(db: Database, union_id: str) -> None:
    record, warnings = members.add(
        db,
        {
            "name": "张三",
            "id_number": GOOD_ID.lower(),
            "union_id": union_id,
            "phone": "13800138000",
        },
    )
    assert record.id_number == GOOD_ID
    assert record.birth_date == date(1949, 12, 31) and record.gender == "F"
    assert record.card_no and record.card_no.startswith(f"GH{TEST_TODAY.year}")
    assert record.membership_status == "active" and record.joined_on == TEST_TODAY
    assert warnings == ()


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验位错误，应为 X"),
        ({"id_number": "11010519491231002"}, "id_number", "应为 18 位"),
        ({"phone": "1380013800"}, "phone", "11 位"),
        ({"name": "  "}, "name", "姓名不能为空"),
        ({"ethnicity": "火星族"}, "ethnicity", "不在代码表中"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_written(
    db: Database, union_id: str, values: dict[str, str], field: str, fragment: str
) -> None:
    base = {"name": "李四", "id_number": GOOD_ID, "union_id": union_id} | values
    before = _change_count(db)
    with pytest.raises(ValidationError) as err:
        members.add(db, base)
    assert field in err.value.problems and fragment in err.value.problems[field]
    assert _change_count(db) == before


def test_impossible_birth_date_with_valid_check_digit(db: Database, union_id: str) -> None:
    from stdnum.cn import ric

    body = "11010519490230002"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationError) as err:
        members.add(db, {"name": "王五", "id_number": number, "union_id": union_id})
    assert "1949-02-30 不存在" in err.value.problems["id_number"]


def test_duplicate_id_names_existing_member_and_union(db: Database, union_id: str) -> None:
    members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})
    other = unions.add(db, "第二工会").id
    with pytest.raises(ValidationError) as err:
        members.add(db, {"name": "张叁", "id_number": GOOD_ID, "union_id": other})
    message = err.value.problems["id_number"]
    assert "张三" in message and "华强电子有限公司工会" in message and GOOD_ID not in message


def test_duplicate_id_of_a_person_who_left_says_so_and_the_way_back(
    db: Database, union_id: str
) -> None:
    """QA: a clerk re-admitting someone who had left tried 新增会员 and learnt only that
    the person was registered, not that they had left nor how to bring them back."""
    record, _ = members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})
    members.mark_left(db, record.id, "withdrawn")
    with pytest.raises(ValidationError) as err:
        members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})
    message = err.value.problems["id_number"]
    assert "「已退会」" in message and "入会申请" in message and GOOD_ID not in message


def test_unknown_area_code_is_only_a_warning(db: Database, union_id: str) -> None:
    from stdnum.cn import ric

    body = "11999919800101123"  # a real province, a county nobody lists
    record, warnings = members.add(
        db,
        {
            "name": "赵六",
            "id_number": body + ric.calc_check_digit(body + "0"),
            "union_id": union_id,
        },
    )
    assert record.id and warnings and "119999" in warnings[0]


def test_update_captures_only_changed_fields_and_reindexes(db: Database, union_id: str) -> None:
    record, _ = members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})
    members.update(db, record.id, {"name": "单雄信", "phone": "13912345678"})
    with db.connect(write=False) as conn:
        fields = conn.execute(
            text("SELECT fields FROM sync_change ORDER BY counter DESC LIMIT 1")
        ).scalar_one()
        # the same JSON on both engines; its spacing is the engine's
        assert json.loads(fields) == {"name": "单雄信", "phone": "13912345678"}
        assert [r.id for r in member_queries.find(conn, "sxx")] == [record.id]
        assert member_queries.find(conn, "zs") == []


def test_mark_left_keeps_the_record_and_delete_is_a_tombstone(db: Database, union_id: str) -> None:
    record, _ = members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})
    left = members.mark_left(db, record.id, "withdrawn", reason="退休")
    assert left.membership_status == "withdrawn" and left.left_on == TEST_TODAY
    members.delete(db, record.id)
    with pytest.raises(NotFoundError):
        members.get(db, record.id)
    with db.connect(write=False) as conn:
        assert (
            conn.execute(
                text("SELECT deleted FROM members WHERE id = :i"), {"i": record.id}
            ).scalar_one()
            == 1
        )
        assert member_queries.find(conn, "张三") == []
    # The same person can be registered again after the mistaken record was deleted.
    members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": union_id})


def test_union_rules(db: Database) -> None:
    federations.create(db, "联合会")
    with pytest.raises(ValidationError) as err:
        unions.add(db, "甲工会", credit_code="91110000600037341X")
    assert "credit_code" in err.value.problems
    u = unions.add(db, "甲工会", credit_code="91350100M000100Y43", employee_count="120")
    assert u.credit_code == "91350100M000100Y43" and u.employee_count == 120
    with pytest.raises(ValidationError):
        unions.add(db, "甲工会")
    members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": u.id})
    with pytest.raises(Exception, match="还有 1 名会员"):
        unions.delete(db, u.id)
    assert [x.member_count for x in unions.list_all(db)] == [1]


def test_card_numbers_never_repeat_and_embed_the_issuer(db: Database, union_id: str) -> None:
    from desktop.services.members import card_numbers
    from desktop.sync.identity import node_info

    with db.connect() as conn:
        first = card_numbers.issue(conn, "GH", 3)
        second = card_numbers.issue(conn, "GH", 2)
        issuer = node_info(conn).issuer_code
    assert len(set(first + second)) == 5
    assert all(issuer in n for n in first + second)
    assert second[0].endswith("00004")


def test_card_pattern_must_keep_issuer_and_sequence(db: Database) -> None:
    from desktop.services.members import card_numbers

    with pytest.raises(ValidationError, match="本机编码"), db.connect() as conn:
        card_numbers.set_pattern(conn, "{prefix}{year}{seq:06}")


@pytest.mark.sqlite_only(
    "the bulk append (deferred indexes, set-based capture) is not on the hub yet"
)
def test_bulk_insert_captures_one_change_per_row_in_the_same_transaction(
    db: Database, union_id: str
) -> None:
    from stdnum.cn import ric

    rows = []
    for i in range(250):
        body = f"44030419850101{i:03d}"
        rows.append(
            {
                "name": f"测试{i}",
                "id_number": body + ric.calc_check_digit(body + "0"),
                "union_id": union_id,
            }
        )
    before = _change_count(db)
    with pytest.raises(RuntimeError), db.connect() as conn:
        member_writer.insert_rows(conn, rows)
        raise RuntimeError("cancelled half-way")
    assert _change_count(db) == before  # rows and their changes rolled back together
    with db.connect() as conn:
        ids = member_writer.insert_rows(conn, rows)
    with db.connect(write=False) as conn:
        captured = (
            conn.execute(
                text("SELECT row_id FROM sync_change WHERE tbl = 'members' ORDER BY counter")
            )
            .scalars()
            .all()
        )
        indexed = conn.execute(text("SELECT count(*) FROM member_search")).scalar_one()
    assert captured == ids and indexed == 250
    with db.connect(write=False) as conn:
        assert {r.name for r in member_queries.find(conn, "测试12")} >= {"测试12"}


@pytest.mark.sqlite_only(
    "the bulk append (deferred indexes, set-based capture) is not on the hub yet"
)
@pytest.mark.parametrize("batch", [1, 250], ids=["by-trigger", "set-based-in-chunks"])
def test_bulk_insert_stores_and_captures_what_core_insert_and_the_trigger_would(
    db: Database, union_id: str, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """insert_rows writes tuples itself: the stored values and change records must match
    an ordinary Core insert of the same row, captured by the per-row trigger — whether
    the triggers capture a few rows or a big insert is captured set-based, chunk by
    chunk beside the next chunk (``BULK_CHUNK`` cut small to have several)."""
    from sqlalchemy import insert

    from desktop.models import Member

    row = {
        "name": "欧阳修",
        "id_number": GOOD_ID,
        "union_id": union_id,
        "gender": "F",
        "birth_date": date(1949, 12, 31),
        "ethnicity": "01",
        "hukou_type": "local_rural",
        "is_migrant_worker": True,
        "phone": "13800138000",
        "card_no": "GH2026X00001",
        "joined_on": date(2020, 2, 29),
        "membership_status": "retained",
        "left_on": date(2024, 1, 1),
        "leave_reason": "退休",
    }
    monkeypatch.setattr(member_writer, "BULK_CHUNK", 60)
    others = [
        {"name": f"测试{i}", "id_number": f"ID{i}", "union_id": union_id, "phone": f"139{i:08d}"}
        for i in range(batch - 1)
    ]
    with db.connect() as conn:
        ids = member_writer.insert_rows(conn, [*others, row])
        bulk_id = ids[-1]
        conn.execute(
            insert(Member),
            {**row, "id": "core-row", "sort_key": member_writer.sort_key(row["name"])},
        )
    with db.connect(write=False) as conn:
        stored = {
            r.id: {k: v for k, v in r._mapping.items() if k != "id"}
            for r in conn.execute(
                text("SELECT * FROM members WHERE id IN (:a, 'core-row')"), {"a": bulk_id}
            )
        }
        fields = dict(
            conn.execute(text("SELECT row_id, fields FROM sync_change WHERE tbl = 'members'")).all()
        )
    assert stored[bulk_id] == stored["core-row"]
    assert fields[bulk_id] == fields["core-row"]
    with db.connect(write=False) as conn:
        changes = conn.execute(
            text(
                "SELECT row_id, counter, hlc FROM sync_change "
                "WHERE tbl = 'members' ORDER BY counter"
            )
        ).all()
        clock = conn.execute(text("SELECT counter, hlc FROM sync_clock")).one()
        indexed = conn.execute(text("SELECT count(*) FROM member_search")).scalar_one()
    assert [c[0] for c in changes] == [*ids, "core-row"]  # one change each, in rowid order
    counters, hlcs = [c[1] for c in changes], [c[2] for c in changes]
    assert counters == list(range(counters[0], counters[0] + batch + 1))
    assert clock[0] == counters[-1]
    assert hlcs == sorted(set(hlcs)) and clock[1] == hlcs[-1]
    assert indexed == batch  # the Core row has no document: only the service writes them
    with db.connect(write=False) as conn:
        found = member_queries.find(conn, "00000123")  # a fragment of 13900000123
    assert [r.name for r in found] == (["测试123"] if batch > 124 else [])
    assert "1949-12-31" in fields[bulk_id] and '"is_migrant_worker":1' in fields[bulk_id]


def test_bulk_insert_refuses_unknown_fields_and_writes_nothing(db: Database, union_id: str) -> None:
    from desktop.errors import UnionDeskError

    before = _change_count(db)
    with pytest.raises(UnionDeskError, match="colour"), db.connect() as conn:
        member_writer.insert_rows(conn, [{"name": "张三", "id_number": GOOD_ID, "colour": "red"}])
    assert _change_count(db) == before


def test_join_date_after_today_is_refused_and_nothing_written(db: Database) -> None:
    from datetime import timedelta

    federations.create(db, "入会日期测试联合会")
    union = unions.add(db, "甲工会")
    with db.connect(write=False) as conn:
        before = conn.execute(text("SELECT count(*) FROM members")).scalar_one()
    tomorrow = TEST_TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        members.add(
            db,
            {"name": "张三", "id_number": "11010519491231002X", "union_id": union.id,
             "joined_on": tomorrow},
        )  # fmt: skip
    assert "入会日期" in caught.value.problems["joined_on"]
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == before


def test_dates_come_from_the_injected_clock_not_the_calendar(
    db: Database, union_id: str, fixed_clock: clock.FixedClock
) -> None:
    """The clerk's "today" is the clock's: a member added on 2031-07-01 joins and gets a
    2031 card whatever the PC's calendar says, and is refused a join date after it."""
    fixed_clock.at = datetime(2031, 7, 1, 10)
    record, _ = members.add(db, {"name": "李四", "id_number": GOOD_ID, "union_id": union_id})
    assert record.joined_on == date(2031, 7, 1)
    assert record.card_no and record.card_no.startswith("GH2031")
    fixed_clock.at = datetime(2026, 1, 1, 10)
    with pytest.raises(ValidationError):
        members.update(db, record.id, {"joined_on": date(2026, 3, 1)})


def test_a_code_refusal_says_what_may_be_written_and_common_spellings_are_read(
    db: Database,
) -> None:
    """QA: 「民主党派」不在代码表中 left the clerk guessing; 九三学社, 农村, 退休 are how
    rosters write 九三学社社员, 本地农村 and 保留会籍 (CODES.md)."""
    from desktop.models.member_fields import FIELDS_BY_NAME
    from desktop.services.members.registry import _clean_code

    with pytest.raises(ValidationError) as refused:
        _clean_code(FIELDS_BY_NAME["political_status"], "民主党派")
    assert "可填：中共党员、中共预备党员" in refused.value.message
    assert "九三学社社员" in refused.value.message
    with pytest.raises(ValidationError) as long_list:
        _clean_code(FIELDS_BY_NAME["ethnicity"], "火星族")
    assert "请写全称，如 汉族" in long_list.value.message
    assert _clean_code(FIELDS_BY_NAME["political_status"], "九三学社") == "10"
    assert _clean_code(FIELDS_BY_NAME["hukou_type"], "农村") == "local_rural"
    assert _clean_code(FIELDS_BY_NAME["membership_status"], "退休") == "retained"
