"""The hub's member search on PostgreSQL answers exactly as the SQLite index does.

Members are registered through the member service on a real SQLite registry; the same
rows are indexed on the throw-away PostgreSQL server with member_id = the SQLite rowid,
so both engines must return the same ids in the same order for every query.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import Connection, text
from stdnum.cn import ric

from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import pg_search, search_index
from desktop.storage.database import Database
from desktop.storage.pinyin import name_pinyin
from tests import pg_server

pytestmark = pytest.mark.postgres

NAMES = (
    "张三 张三丰 张伟 张丽丽 单雄信 曾国藩 解缙 区永 欧阳修 吕乐 乐乐 王小明 李娜 "
    "买买提·艾力 诸葛亮 朴正 查良镛 仇英 王伟 李伟 刘洋 陈静 杨帆 赵敏 周杰 吴磊 徐霞 "
    "孙丽 马超 朱明 胡军 郭芳 何平 林峰"
).split()
# Crafted phones: 李... holds 123 and 234 apart (1239 9234), not 1234.
PHONES = {"张三丰": "13912345678", "李娜": "13712399234", "张三": "13800138000"}


class Member(NamedTuple):
    member_id: int
    name: str
    id_number: str | None
    phone: str | None
    card_no: str | None


def _id(serial: int) -> str:
    body = f"44030419900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def registry(db: Database) -> list[Member]:
    """The names above, registered through the member service (cards issued by it)."""
    rng = random.Random(25)
    federations.create(db, "联合会", card_prefix="GH")
    union = unions.add(db, "一号工会").id
    for i, name in enumerate(NAMES):
        phone = PHONES.get(name) or f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        members.add(
            db,
            {
                "name": name,
                "id_number": _id(i + 1),
                "union_id": union,
                "phone": None if i % 9 == 8 else phone,
            },
        )
    return _rows(db)


def _rows(db: Database) -> list[Member]:
    with db.connect(write=False) as conn:
        return [
            Member(int(r.member_id), r.name, r.id_number, r.phone, r.card_no)
            for r in conn.execute(
                text(
                    "SELECT rowid AS member_id, name, id_number, phone, card_no FROM members "
                    "WHERE deleted = 0 ORDER BY rowid"
                )
            )
        ]


@pytest.fixture
def hub(pg_conn: Connection, registry: list[Member]) -> Iterator[Connection]:
    """The same members in the PostgreSQL index (rolled back after the test)."""
    pg_search.create_schema(pg_conn)
    assert pg_search.index_rows(pg_conn, registry) == len(registry)
    yield pg_conn


def _sqlite(db: Database, query: str, limit: int = 50) -> list[int]:
    with db.connect(write=False) as conn:
        return list(search_index.find_rowids(conn, query, limit))


def _queries(registry: list[Member]) -> dict[str, list[str]]:
    """Queries of each kind, drawn from the members (as the benchmarks draw them)."""
    rng = random.Random(7)
    kinds: dict[str, list[str]] = {k: [] for k in ("chars", "pinyin", "id", "phone", "card")}
    for m in registry:
        hans = m.name.replace("·", "")
        start = rng.randrange(len(hans))
        kinds["chars"] += [hans[start : start + n] for n in (1, 2, 3)]
        py = name_pinyin(m.name)
        kinds["pinyin"] += [py.initials, py.full, py.full[:2], py.full[: rng.randint(7, 9)]]
        assert m.id_number is not None and m.card_no is not None
        kinds["id"] += [m.id_number[-n:] for n in (4, 5, 6)]
        kinds["card"] += [m.card_no, m.card_no.lower(), m.card_no[-4:]]
        if m.phone:
            at = rng.randrange(0, 6)
            kinds["phone"] += [m.phone[at : at + n] for n in (3, 4, 5, 7)] + [m.phone]
    kinds["chars"] += ["李四", "不在"]
    kinds["pinyin"] += ["zs", "zsf", "zengguofan", "lv", "lu", "le", "yue", "oyx", "qq"]
    kinds["phone"] += ["1234", "12399", "9234", "4321"]
    return kinds


def test_each_query_kind_finds_what_sqlite_finds(
    db: Database, hub: Connection, registry: list[Member]
) -> None:
    rng = random.Random(3)
    for kind, every in _queries(registry).items():
        queries = rng.sample(every, min(len(every), 40))
        found = 0
        for query in queries:
            expected = _sqlite(db, query)
            assert pg_search.search(hub, query) == expected, (kind, query)
            assert pg_search.search(hub, query, limit=2) == expected[:2], (kind, query)
            found += bool(expected)
        assert found >= len(queries) * 0.8, kind  # the comparison is not of empty lists


def test_each_query_finds_exactly_the_members_holding_the_value(
    hub: Connection, registry: list[Member]
) -> None:
    """Chinese characters: names holding them; digits: IDs and cards ending with them,
    phones holding them; a whole card number: its member."""
    ids = {m.name: m.member_id for m in registry}

    def holding(query: str) -> list[int]:
        return sorted(
            m.member_id
            for m in registry
            if (m.id_number or "").endswith(query)
            or query in (m.phone or "")
            or (m.card_no or "").endswith(query)
        )

    for query, names in (
        ("张", {"张三", "张三丰", "张伟", "张丽丽"}),
        ("三丰", {"张三丰"}),
        ("伟", {"张伟", "王伟", "李伟"}),
        ("丽丽", {"张丽丽"}),
        ("zsf", {"张三丰"}),
        ("shanxiongxin", {"单雄信"}),
        ("oyx", {"欧阳修"}),
        ("lvle", {"吕乐"}),
        ("mmtal", {"买买提·艾力"}),
        ("1234", {"张三丰"}),
        ("12399", {"李娜"}),
        ("4321", set()),
    ):
        assert pg_search.search(hub, query) == sorted(ids[n] for n in names), query
    for m in registry:
        assert m.id_number is not None and m.card_no is not None
        for query in (m.id_number[-4:], m.id_number[-6:], m.card_no[-5:]):
            assert pg_search.search(hub, query) == holding(query), query
        assert pg_search.search(hub, m.card_no) == [m.member_id]
        if m.phone:
            for query in (m.phone[3:7], m.phone[-5:], m.phone):
                assert pg_search.search(hub, query) == holding(query), query


ODD = [
    "",
    "   ",
    "!!!",
    "（）",
    "·",
    "１３８",
    "１２３４５",
    "ＺＳＦ",
    "Zs F",
    "张-三",
    " 张 三 丰 ",
    "138-0013",
    "139 1234 5678",
    "x",
    "0",
    "12",
    "440304",
    "12x",
    "gh",
    "GH",
    "k_gh",
    "p_123",
    "i_",
    "%",
    "_",
    "'; DROP TABLE member_terms; --",
    "\\",
    "null",
]


def test_odd_input_behaves_like_sqlite(
    db: Database, hub: Connection, registry: list[Member]
) -> None:
    """Empty, punctuation, full-width digits and letters, spaces, the tags' own text."""
    for query in ODD:
        assert pg_search.search(hub, query) == _sqlite(db, query), query


def test_an_edit_is_reindexed_and_a_removal_forgotten_as_in_sqlite(
    db: Database, hub: Connection, registry: list[Member]
) -> None:
    target = next(m for m in registry if m.name == "张三丰")
    with db.connect(write=False) as conn:
        uuid = conn.execute(
            text("SELECT id FROM members WHERE rowid = :r"), {"r": target.member_id}
        ).scalar_one()
    members.update(db, uuid, {"name": "岳不群", "phone": "13600007777"})
    edited = next(m for m in _rows(db) if m.member_id == target.member_id)
    pg_search.remove(hub, [target.member_id])
    pg_search.index_rows(hub, [edited])
    for query in ("张三丰", "zsf", "1234", "岳不群", "ybq", "0007777", "7777", "张"):
        assert pg_search.search(hub, query) == _sqlite(db, query), query
    assert pg_search.search(hub, "ybq") == [target.member_id]
    assert pg_search.search(hub, "zsf") == []

    members.delete(db, uuid)
    pg_search.remove(hub, [target.member_id, 10**9])  # an id without a document: ignored
    for query in ("岳不群", "0007777", target.id_number or "", "张"):
        assert pg_search.search(hub, query) == _sqlite(db, query), query
    assert pg_search.search(hub, "ybq") == []
    left = hub.execute(
        text("SELECT count(*) FROM member_terms WHERE member_id = :m"), {"m": target.member_id}
    ).scalar_one()
    assert left == 0


def test_a_bulk_load_in_chunks_with_indexes_built_after_answers_the_same(
    db: Database, pg_conn: Connection, registry: list[Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_search, "CHUNK", 7)
    pg_search.create_schema(pg_conn, indexes=False)
    assert pg_search.index_rows(pg_conn, iter(registry), freeze=True) == len(registry)
    pg_search.create_indexes(pg_conn)
    for query in ("张", "zs", "1234", "123", registry[-1].card_no or "", "0012"):
        assert pg_search.search(pg_conn, query) == _sqlite(db, query), query
    terms = pg_conn.execute(text("SELECT count(*) FROM member_terms")).scalar_one()
    distinct = pg_conn.execute(
        text("SELECT count(*) FROM (SELECT DISTINCT term, member_id FROM member_terms) t")
    ).scalar_one()
    assert terms == distinct  # each member's terms once (a phone repeats its pieces)


def test_the_server_listens_on_its_own_socket_only(pg_server: pg_server.PostgresServer) -> None:
    import psycopg

    with psycopg.connect(pg_server.conninfo()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SHOW unix_socket_directories").fetchone() == (
            str(pg_server.socket_dir),
        )


def test_without_binaries_the_reason_is_told(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Runs without a server: the skip reason a PC without PostgreSQL gets."""
    monkeypatch.setenv("UNIONDESK_PG_BINDIR", str(tmp_path))
    assert pg_server.find_bindir() is None
    reason = pg_server.why_unavailable()
    assert reason is not None and "no PostgreSQL binaries" in reason


ODD_MEMBERS = (
    # (name, id_number, phone, card_no): values the member dialog would clean or refuse,
    # as an old registry or a received package may still hold them.
    ("·", "", None, None),  # no term at all
    ("Tom Null", "44030419900101001x", "138-0013-8000", "gh-2026-001"),
    ("null", "——", "+86 139 1234 5678", None),  # a reading that is COPY's NULL unquoted
    ("李\\四", "440304199001010029", "１３９１２３４５６７８", "GH2026\t002"),
    ("王五", "", "12", ""),
)


def test_odd_stored_values_are_found_as_in_sqlite(db: Database, pg_conn: Connection) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO federations (id, name, card_prefix) VALUES ('f1', '联合会', 'GH')"
        )
        conn.exec_driver_sql(
            "INSERT INTO unions (id, federation_id, name, sort_key) VALUES ('u1', 'f1', '甲', '')"
        )
        rows: list[Member] = []
        for i, (name, id_number, phone, card) in enumerate(ODD_MEMBERS, start=1):
            conn.exec_driver_sql(
                "INSERT INTO members (rowid, id, union_id, name, id_number, phone, card_no, "
                "membership_status, sort_key) VALUES (?, ?, 'u1', ?, ?, ?, ?, 'active', '')",
                (i, f"m{i}", name, id_number, phone, card),
            )
            rows.append(Member(i, name, id_number, phone, card))
        search_index.index_rows(conn, rows)
    pg_search.create_schema(pg_conn)
    pg_search.index_rows(pg_conn, rows)
    for query in (
        *ODD,
        "8000", "0013", "138", "1380013", "1234", "5678", "39123", "３９１２", "86139",
        "001x", "001X", "0029", "gh2026001", "2026001", "gh-2026-001", "002",
        "tom", "tn", "null", "n", "李四", "wangwu", "ww", "12",
    ):  # fmt: skip
        assert pg_search.search(pg_conn, query) == _sqlite(db, query), query
    assert pg_search.search(pg_conn, "null") == [3]
    assert pg_search.search(pg_conn, "0013") == [2]  # checked against the phone as written
    pg_search.remove(pg_conn, [1, 2, 3, 4, 5])  # every term read back as written
    assert pg_conn.execute(text("SELECT count(*) FROM member_terms")).scalar_one() == 0


def test_a_four_digit_fragment_is_read_from_the_terms_alone(hub: Connection) -> None:
    """A phone's last four is an exact term: no candidate is fetched from the documents
    (through GIN: ~4,000 of them at 5M members, the slowest query kind)."""
    found = pg_search.search_sql("5678")
    assert found is not None
    sql, params = found
    plan = "\n".join(
        str(r[0]) for r in hub.execute(text(f"EXPLAIN {sql}"), {**params, "limit": 50})
    )
    assert "member_search_docs" not in plan, plan
    assert "member_terms" in plan, plan


def test_an_index_of_the_older_format_is_made_again_on_upgrade(
    db: Database, hub: Connection, registry: list[Member]
) -> None:
    # as version 1 wrote it: no q_ terms, no format comment
    hub.exec_driver_sql("DELETE FROM member_terms WHERE starts_with(term, 'q_')")
    hub.exec_driver_sql(
        "UPDATE member_search_docs SET terms = "
        "ARRAY(SELECT t FROM unnest(terms) AS t WHERE NOT starts_with(t, 'q_'))"
    )
    hub.exec_driver_sql("COMMENT ON TABLE member_terms IS NULL")
    with_phone = next(m for m in registry if m.phone and m.phone.isdigit())
    assert with_phone.phone is not None
    fragment = with_phone.phone[-4:]
    assert pg_search.search(hub, fragment) == []  # the old index misses it
    _members_table(hub, registry)
    pg_search.create_schema(hub)
    assert with_phone.member_id in pg_search.search(hub, fragment)
    assert pg_search.search(hub, fragment) == _sqlite(db, fragment)
    again = hub.execute(text("SELECT count(*) FROM member_terms")).scalar_one()
    pg_search.create_schema(hub)  # a second upgrade finds the format current: no rebuild
    assert hub.execute(text("SELECT count(*) FROM member_terms")).scalar_one() == again


def _members_table(hub: Connection, registry: list[Member]) -> None:
    """The hub's members as ``rebuild`` reads them (rowid = the SQLite rowid)."""
    hub.exec_driver_sql(
        "CREATE TEMP TABLE members (rowid bigint, name text, id_number text, phone text, "
        "card_no text, deleted int DEFAULT 0)"
    )
    for m in registry:
        hub.execute(
            text(
                "INSERT INTO members (rowid, name, id_number, phone, card_no) "
                "VALUES (:r, :n, :i, :p, :c)"
            ),
            {"r": m.member_id, "n": m.name, "i": m.id_number, "p": m.phone, "c": m.card_no},
        )
