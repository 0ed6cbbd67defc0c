"""The one-box search: names of any length, pinyin with surname readings, ID tails, phones."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import search_index
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


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
            after = page[-1].key()
        assert member_queries.count(conn, flt) == len(PEOPLE)
        search = member_queries.MemberFilter(search="张")
        assert {r.name for r in member_queries.fetch_page(conn, search)} == {"张三", "张三丰"}
    assert sorted(seen) == sorted(n for n, _ in PEOPLE) and len(seen) == len(set(seen))
    assert seen.index("欧阳修") < seen.index("张三")  # pinyin order: ou < zhang
    with db.connect(write=False) as conn:  # closed: psycopg warns of a connection left open
        assert "*" in member_queries.fetch_page(conn, flt)[0].id_number_masked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # One letter and prefixes longer than any prefix index: exact index terms now.
        # A beginning is a beginning of the whole reading or of the initials, so one
        # letter lists surnames (朴正's "zheng" and 欧阳修's "xiu" are given names).
        ("z", {"张三", "张三丰", "曾国藩", "查良镛"}),
        ("x", {"解缙"}),
        ("zhan", {"张三", "张三丰"}),
        ("zhangsanf", {"张三丰"}),
        # Beyond six letters a beginning is a prefix query on the whole reading: the
        # same members as an exact beginning would give, and nothing more.
        ("zhangs", {"张三", "张三丰"}),
        ("zhangsa", {"张三", "张三丰"}),
        ("zhangsanfeng", {"张三丰"}),
        ("zhangsanfengx", set()),
        ("xiongxi", set()),
        ("ouyangxiu", {"欧阳修"}),
        ("sanf", set()),  # a prefix of a syllable or of the whole reading, not a substring
        ("feng", {"张三丰"}),  # a whole given-name syllable
        ("fen", set()),
        ("sanfeng", {"张三丰"}),  # the whole given name
        ("xiongxin", {"单雄信"}),
        ("zheng", {"朴正"}),
        ("阳修", {"欧阳修"}),
        ("欧阳修", {"欧阳修"}),
        ("修欧", set()),
        # Letters only never match the shared beginning of every card number ("GH…").
        ("gh", set()),
        # The tags that keep ID, phone and card terms apart never match a pinyin query.
        ("p", {"朴正"}),
        ("i", set()),
        ("k", set()),
        ("p_138", set()),
    ],
)
def test_prefixes_of_any_length(
    db: Database, people: dict[str, str], query: str, expected: set[str]
) -> None:
    assert _names(db, query) == expected


def test_a_longer_phone_fragment_is_checked_against_the_phone(
    db: Database, people: dict[str, str]
) -> None:
    """李四's phone holds the pieces of 1234 (123, 234) but not 1234 itself."""
    with db.connect(write=False) as conn:
        union = conn.execute(text("SELECT id FROM unions")).scalar_one()
    members.add(
        db, {"name": "李四", "id_number": _id(60), "union_id": union, "phone": "13712399234"}
    )
    assert _names(db, "1234") == {"张三丰"}
    assert _names(db, "12399") == {"李四"}
    assert _names(db, "123") == {"张三丰", "李四"}  # three digits: one piece, exact
    assert _names(db, "13712399234") == {"李四"}
    assert _names(db, "9234") == {"李四"}
    with db.connect(write=False) as conn:
        for query, expected in (("1234", 1), ("2399", 1), ("4321", 0)):
            flt = member_queries.MemberFilter(search=query)
            assert member_queries.count(conn, flt) == expected, query


@pytest.mark.sqlite_only("SQLite's FTS5 index itself (the hub's: test_pg_search.py)")
def test_hits_of_id_and_phone_come_merged_in_rowid_order_each_once(
    db: Database, people: dict[str, str]
) -> None:
    """赵六 is found by ID tail and by phone; 李四 (added first) by phone only."""
    serial = next(s for s in range(61, 99) if _id(s)[-1].isdigit())
    tail = _id(serial)[-5:]
    with db.connect(write=False) as conn:
        union = conn.execute(text("SELECT id FROM unions")).scalar_one()
    for name, id_number in (("李四", _id(98 if serial != 98 else 97)), ("赵六", _id(serial))):
        members.add(
            db,
            {"name": name, "id_number": id_number, "union_id": union, "phone": f"137000{tail}"},
        )
    with db.connect(write=False) as conn:
        rowids = {
            name: conn.execute(
                text("SELECT rowid FROM members WHERE name = :n"), {"n": name}
            ).scalar_one()
            for name in ("李四", "赵六")
        }
        assert search_index.find_rowids(conn, tail) == [rowids["李四"], rowids["赵六"]]
        assert search_index.find_rowids(conn, tail, limit=1) == [rowids["李四"]]
        flt = member_queries.MemberFilter(search=tail)
        assert member_queries.count(conn, flt) == 2


@pytest.mark.sqlite_only("SQLite's FTS5 index itself (the hub's: test_pg_search.py)")
def test_downgrade_to_0008_writes_phone_suffixes_back_and_upgrade_restores(
    db: Database, people: dict[str, str]
) -> None:
    from alembic import command
    from alembic.config import Config

    from desktop.opening import run_migrations
    from desktop.storage.migrations import MIGRATIONS_DIR

    def phone_terms(name: str) -> list[str]:
        with db.connect(write=False) as conn:
            terms = conn.execute(
                text(
                    "SELECT s.terms FROM member_search s JOIN members m ON m.rowid = s.rowid "
                    "WHERE m.name = :n"
                ),
                {"n": name},
            ).scalar_one()
        return [t for t in str(terms).split() if t.startswith("p_")]

    assert phone_terms("张三丰") == "p_139 p_391 p_912 p_123 p_234 p_345 p_456 p_567 p_678".split()
    with db.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    assert phone_terms("张三丰") == (
        "p_13912345678 p_3912345678 p_912345678 p_12345678 p_2345678 p_345678 p_45678 "
        "p_5678 p_678".split()
    )
    with db.connect() as conn:
        run_migrations(conn)
    assert phone_terms("张三丰")[:2] == ["p_139", "p_391"]
    assert _names(db, "45678") == {"张三丰"}


@pytest.mark.sqlite_only("SQLite's FTS5 index itself (the hub's: test_pg_search.py)")
def test_downgrade_to_0007_writes_the_long_beginnings_back_and_upgrade_restores(
    db: Database, people: dict[str, str]
) -> None:
    from alembic import command
    from alembic.config import Config

    from desktop.opening import run_migrations
    from desktop.storage.migrations import MIGRATIONS_DIR

    def documents() -> dict[int, str]:
        with db.connect(write=False) as conn:
            rows = conn.exec_driver_sql("SELECT rowid, terms FROM member_search").all()
        return {int(r[0]): str(r[1]) for r in rows}

    def pinyin_of(docs: dict[int, str], name: str) -> list[str]:
        with db.connect(write=False) as conn:
            rowid = conn.execute(
                text("SELECT rowid FROM members WHERE name = :n"), {"n": name}
            ).scalar_one()
        tags = ("i_", "p_", "k_", "r_")
        return [t for t in docs[rowid].split() if t.isascii() and not t.startswith(tags)]

    head = documents()
    assert pinyin_of(head, "张三丰") == (
        "z zh zha zhan zhang zhangs f_zhangsanfeng zs zsf san feng sanfeng".split()
    )
    with db.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    old = documents()
    assert pinyin_of(old, "张三丰") == (
        "z zh zha zhan zhang zhangs zhangsa zhangsan zhangsanf zhangsanfe zhangsanfen "
        "zhangsanfeng zs zsf san feng sanfeng".split()
    )
    assert not any("f_" in terms for terms in old.values())
    assert old.keys() == head.keys()
    with db.connect() as conn:
        run_migrations(conn)
    assert documents() == head


def test_names_with_a_separator_dot(db: Database, people: dict[str, str]) -> None:
    with db.connect(write=False) as conn:
        union = conn.execute(text("SELECT id FROM unions")).scalar_one()
    members.add(db, {"name": "买买提·艾力", "id_number": _id(50), "union_id": union})
    assert _names(db, "提艾") == {"买买提·艾力"}
    assert _names(db, "maimaitiai") == {"买买提·艾力"}
    assert _names(db, "mmtal") == {"买买提·艾力"}


def test_upgrade_to_0004_rebuilds_the_index_of_a_populated_database(tmp_path: Path) -> None:
    from desktop.config import Paths
    from desktop.opening import open_database, run_migrations
    from desktop.storage.database import make_engine

    engine = make_engine(tmp_path / "uniondesk.db")
    with engine.connect() as conn, conn.begin():
        run_migrations(conn, "0003")
        conn.exec_driver_sql(
            "INSERT INTO federations (id, name, card_prefix) VALUES ('f1', '联合会', 'GH')"
        )
        conn.exec_driver_sql(
            "INSERT INTO unions (id, federation_id, name, sort_key) VALUES ('u1', 'f1', '甲', '')"
        )
        for i, (name, phone) in enumerate(PEOPLE):
            conn.exec_driver_sql(
                "INSERT INTO members (id, union_id, name, id_number, phone, card_no, "
                "membership_status, sort_key) VALUES (?, 'u1', ?, ?, ?, ?, 'active', '')",
                (f"m{i}", name, _id(i + 1), phone, f"GH2026A{i:05d}"),
            )
        conn.exec_driver_sql("UPDATE members SET deleted = 1 WHERE name = '仇英'")
        # The 0001 index holds one stale document and none of the members.
        conn.exec_driver_sql("INSERT INTO member_search (rowid, name) VALUES (999, '幽 灵')")
    engine.dispose()
    db = open_database(Paths(tmp_path))
    try:
        with db.connect(write=False) as conn:
            indexed = conn.exec_driver_sql("SELECT rowid FROM member_search ORDER BY rowid").all()
            live = conn.exec_driver_sql(
                "SELECT rowid FROM members WHERE deleted = 0 ORDER BY rowid"
            ).all()
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'member_search'"
            ).scalar_one()
        assert indexed == live and len(live) == len(PEOPLE) - 1
        assert "detail = none" in ddl and "terms" in ddl
        with db.connect(write=False) as conn:
            merge = conn.exec_driver_sql(
                "SELECT v FROM member_search_config WHERE k = 'automerge'"
            ).scalar_one()
        assert merge == 16
        assert _names(db, "wang") == set() and _names(db, "zhan") == {"张三", "张三丰"}
        assert _names(db, "曾国") == {"曾国藩"} and _names(db, "qiuying") == set()
        assert _names(db, "gh2026a00004") == {"解缙"}
    finally:
        db.close()


@pytest.mark.sqlite_only("SQLite's FTS5 index itself (the hub's: test_pg_search.py)")
def test_hits_are_fetched_by_rowid_not_by_walking_a_registry_index(
    db: Database, people: dict[str, str]
) -> None:
    """With ``deleted = 0`` and ``ORDER BY sort_key`` SQLite would rather walk a
    deleted-first index over every member than fetch the 50 hits (0.7 s at a million)."""
    with db.connect(write=False) as conn:
        # A full page of hits: with few rowids SQLite picks the lookup on its own.
        rowids = [*search_index.find_rowids(conn, "张"), *range(1000, 1048)]
        plan = [
            str(r[3])
            for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + member_queries.find_sql(rowids))
        ]
    assert any("m USING INTEGER PRIMARY KEY" in step for step in plan), plan
    assert not any(step.startswith(("SCAN m", "SEARCH m USING INDEX")) for step in plan), plan


def test_per_character_pinyin_reads_given_names_as_pypinyin_does() -> None:
    """Unambiguous characters are read one by one; the result must equal pypinyin's
    reading of the whole given name (phrase dictionary and all)."""
    from desktop.demo import generate as demo
    from desktop.storage import pinyin

    chars = sorted(set(demo._MALE + demo._FEMALE))
    names = [a + b for a in chars[::7] for b in chars[::5]] + [
        "乐乐",
        "长青",
        "朝阳",
        "重庆",
        "李A",
    ]
    assert [pinyin.given_pinyin(n) for n in names] == [pinyin._plain(n) for n in names]
    assert pinyin.given_pinyin("张伟") == ("zhang", "wei")
    assert pinyin._only_reading("乐") is None and pinyin._only_reading("伟") == "wei"


def test_text_pypinyin_does_not_read_is_kept_as_pypinyin_keeps_it() -> None:
    """Digits, Latin letters and the separator dot are kept per stretch, without asking
    pypinyin; mixed with Chinese (one reading or several) the parts must equal its own."""
    import random

    from desktop.storage import pinyin

    rng = random.Random(7)
    pool = list("伟芳强娜敏静丽乐长朝重行0123456789aBcXyz ·-._（）１２Ａ〇é\u3000")
    texts = ["员000123", "买买提·艾力", "John Smith", "A3", "乐·乐", "〇七"] + [
        "".join(rng.choice(pool) for _ in range(rng.randint(1, 7))) for _ in range(3000)
    ]
    assert [pinyin.given_pinyin.__wrapped__(t) for t in texts] == [
        pinyin._plain.__wrapped__(t) for t in texts
    ]
    assert pinyin.given_pinyin("员000123") == ("yuan", "000123")
