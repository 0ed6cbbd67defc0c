"""The one-box search: names of any length, pinyin with surname readings, ID tails, phones."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop.db import Database
from desktop.services import federations, member_queries, members, unions


def _id(serial: int) -> str:
    body = f"44030419900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


PEOPLE = [
    ("张三", "13800138000"),
    ("张三丰", "13912345678"),
    ("单雄信", "13700001111"),
    ("曾国藩", "13600002222"),
    ("解缙", "13500003333"),
    ("区永", "15800004444"),
    ("朴正", "18600005555"),
    ("查良镛", "18700006666"),
    ("欧阳修", "18800007777"),
    ("仇英", "19900008888"),
]


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    federations.create(db, "联合会", card_prefix="GH")
    union = unions.add(db, "一号工会").id
    ids = {}
    for i, (name, phone) in enumerate(PEOPLE):
        record, _ = members.add(
            db, {"name": name, "id_number": _id(i + 1), "union_id": union, "phone": phone}
        )
        ids[name] = record.id
    return ids


def _names(db: Database, query: str) -> set[str]:
    with db.connect(write=False) as conn:
        return {r.name for r in member_queries.find(conn, query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", {"张三", "张三丰"}),
        ("三", {"张三", "张三丰"}),
        ("三丰", {"张三丰"}),
        ("张三", {"张三", "张三丰"}),
        ("zs", {"张三", "张三丰"}),
        ("zsf", {"张三丰"}),
        ("zhangsan", {"张三", "张三丰"}),
        ("ZHANG", {"张三", "张三丰"}),
        ("shanxiongxin", {"单雄信"}),
        ("sxx", {"单雄信"}),
        ("zengguofan", {"曾国藩"}),
        ("xiejin", {"解缙"}),
        ("ouyong", {"区永"}),
        ("piaozheng", {"朴正"}),
        ("zhaliangyong", {"查良镛"}),
        ("qiuying", {"仇英"}),
        ("oyx", {"欧阳修"}),
        ("0138", {"张三"}),
        ("12345", {"张三丰"}),
        ("２３４５", {"张三丰"}),
        ("李", set()),
    ],
)
def test_queries(db: Database, people: dict[str, str], query: str, expected: set[str]) -> None:
    assert _names(db, query) == expected


def test_id_tail_and_card_number(db: Database, people: dict[str, str]) -> None:
    tail = _id(3)[-6:]
    assert _names(db, tail) == {"单雄信"}
    with db.connect(write=False) as conn:
        card = conn.execute(
            text("SELECT card_no FROM members WHERE id = :i"), {"i": people["解缙"]}
        ).scalar_one()
    assert _names(db, card) == {"解缙"}
    assert _names(db, card.lower()) == {"解缙"}


def test_filter_and_keyset_paging_cover_every_row_once(
    db: Database, people: dict[str, str]
) -> None:
    flt = member_queries.MemberFilter(status="current")
    seen: list[str] = []
    after = None
    with db.connect(write=False) as conn:
        while True:
            page = member_queries.fetch_page(conn, flt, after, limit=3)
            if not page:
                break
            seen += [r.name for r in page]
            after = page[-1].key
        assert member_queries.count(conn, flt) == len(PEOPLE)
        search = member_queries.MemberFilter(search="张")
        assert {r.name for r in member_queries.fetch_page(conn, search)} == {"张三", "张三丰"}
    assert sorted(seen) == sorted(n for n, _ in PEOPLE) and len(seen) == len(set(seen))
    assert seen.index("欧阳修") < seen.index("张三")  # pinyin order: ou < zhang
    assert "*" in member_queries.fetch_page(db.engine.connect(), flt)[0].id_number_masked
