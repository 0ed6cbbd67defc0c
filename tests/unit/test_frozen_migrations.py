"""Old databases upgraded to head end exactly like a fresh one filled through today's
services (issue 19, item 3: frozen migrations).

Migrations 0004 and 0007-0009 no longer build search documents on the way up (0010 builds
them all, from its frozen copy of the document code); 0004 keeps a frozen copy of the
pinyin its downgrade documents need. These tests hold both: a database made at an old
revision, with members as that version of the application wrote them, ends at head with
the same rows, sort keys, dashboard counts, search documents and search results as a
fresh database; and a downgrade writes the old document formats it wrote before.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from stdnum.cn import ric

from desktop.config import Paths
from desktop.demo import generate as demo
from desktop.opening import open_database, run_migrations
from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database, make_engine, upgrade_schema
from desktop.storage.migrations import MIGRATIONS_DIR

# Polyphonic surnames read as surnames (单 shan, 曾 zeng, 解 xie, 仇 qiu, 区 ou, 朴 piao,
# 查 zha, 乐 yue/le, 尉 wei/yu, 盖 ge/gai), compound surnames, given names read two ways
# (曾 ceng/zeng, 乐 le/yue, 长 chang/zhang, 单 dan/shan), the ü (吕 lv/lu, 绿, 女), a
# surname the general dictionary reads wrong (乜 nie, 六 lu), and names that are not Han.
MEMBERS: list[tuple[str, str | None]] = [
    ("单雄信", "13700001111"),
    ("单于长乐", "13700002222"),
    ("曾国藩", "13600002222"),
    ("李曾", None),
    ("解缙", "13500003333"),
    ("解单", "13866778899"),
    ("仇英", "19900008888"),
    ("区永", "15800004444"),
    ("朴正", "18600005555"),
    ("查良镛", "18700006666"),
    ("乐正和", "18800001234"),
    ("乐嘉", None),
    ("尉迟恭", "13312345678"),
    ("尉缭", "13387654321"),
    ("盖聂", None),
    ("欧阳修", "18800007777"),
    ("万俟卨", "13100000000"),
    ("子车明", "13200000001"),
    ("吕布", "13912345678"),
    ("吕绿", "13912345679"),
    ("许女英", "13812340000"),
    ("闾丘露", "13812340001"),
    ("乜小红", "13812340002"),
    ("六一", None),
    ("王长行", "13812340003"),
    ("张三丰", "13912345678"),
    ("张三", "13800138000"),
    ("买买提·艾力", "13999990000"),
    ("John Smith", "13800001111"),
]
DELETED = ("解单", "张三", "盖聂")
RENAMED = {"子车明": "子车曾明"}  # an update of the name: a new sort key and document
QUERIES = (
    "shan dan 单 单雄 zeng ceng 曾 xie jie qiu chou ou piao zha cha yue le yuele wei yu "
    "yuchi yuchigong moqi mq chanyu shanyu changle zhangle ouyang oyx lv lu lvbu lubu "
    "nv nu xunvying lvqiu luqiu nie mie niexiaohong liu 六 zhangsanf zhangsanfeng zsf "
    "san feng 张 丰 maimaiti mmtal 提艾 john smith 138 0013 5678 12345678 1111 66778899 "
    "gh gh2026 qiuying gai ge"
).split()


def _id(serial: int) -> str:
    body = f"44030419{80 + serial % 20:02d}0101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _fill(db: Database) -> None:
    """Members as today's services write them: validated, carded, some deleted, one renamed."""
    federations.create(db, "联合会", card_prefix="GH")
    first = unions.add(db, "一号工会").id
    second = unions.add(db, "长乐区总工会").id
    ids: dict[str, str] = {}
    for i, (name, phone) in enumerate(MEMBERS):
        values: dict[str, Any] = {
            "name": name,
            "id_number": _id(i + 1),
            "union_id": first if i % 3 else second,
        }
        if phone:
            values["phone"] = phone
        ids[name] = members.add(db, values)[0].id
    for name in DELETED:
        members.delete(db, ids[name])
    for old, new in RENAMED.items():
        members.update(db, ids[old], {"name": new})


@dataclass(frozen=True)
class Snapshot:
    """What a clerk and the application see of the members, compared whole."""

    rows: dict[str, list[tuple[Any, ...]]]  # every column (rowid first) of each table
    documents: dict[int, str]  # the search index, by member rowid
    listing: list[tuple[str, str]]  # (name, sort key) in list order
    results: dict[str, list[str]]  # each query's member names, in result order


# ``members.version`` counts the writes this copy of a record has seen (migration 0020):
# an upgraded file starts every member at 1, whatever the fresh file's history was.
_NOT_COMPARED = {"version"}


def _columns(conn: Connection, table: str) -> str:
    names = [str(r[1]) for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
    return ", ".join(f'"{n}"' for n in names if n not in _NOT_COMPARED)


def _snapshot(conn: Connection) -> Snapshot:
    rows = {
        table: [
            tuple(r)
            for r in conn.exec_driver_sql(
                f"SELECT rowid, {_columns(conn, table)} FROM {table} ORDER BY 1"
            )
        ]
        for table in ("federations", "unions", "members")
    }
    # Tables without a rowid, in a fixed order. A count that went back to zero keeps its
    # row where the triggers kept the figures, and has none where 0005 counted them.
    for table, where in (("dashboard_counts", " WHERE n <> 0"), ("dashboard_attendees", "")):
        found = conn.exec_driver_sql(f"SELECT * FROM {table}{where}")
        rows[table] = sorted((tuple(r) for r in found), key=repr)
    documents = {
        int(r[0]): str(r[1])
        for r in conn.exec_driver_sql("SELECT rowid, terms FROM member_search ORDER BY rowid")
    }
    listing = [
        (str(r[0]), str(r[1]))
        for r in conn.exec_driver_sql(
            "SELECT name, sort_key FROM members WHERE deleted = 0 ORDER BY sort_key"
        )
    ]
    results = {q: [r.name for r in member_queries.find(conn, q)] for q in QUERIES}
    return Snapshot(rows, documents, listing, results)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, dict[str, list[dict]]]:
    """A fresh database filled through today's services: its snapshot, and its rows of
    federations, unions and members to write into old databases."""
    folder = tmp_path_factory.mktemp("fresh")
    db = open_database(Paths(folder))
    try:
        _fill(db)
        with db.connect(write=False) as conn:
            snapshot = _snapshot(conn)
            source = {
                table: [
                    dict(r._mapping)
                    for r in conn.exec_driver_sql(f"SELECT rowid AS _rowid, * FROM {table}")
                ]
                for table in ("federations", "unions", "members")
            }
    finally:
        db.close()
    return snapshot, source


def _stale_documents(conn: Connection, revision: str, member_rows: list[dict]) -> None:
    """Index as an old version did, wrongly on purpose: a ghost, a deleted member, and
    every other live member missing; the upgrade must not keep any of it."""
    live = [r for r in member_rows if not r["deleted"]][::2]
    dead = [r for r in member_rows if r["deleted"]]
    if revision < "0007":
        sql = "INSERT INTO member_search (rowid, name, pinyin) VALUES (?, ?, 'mie gui')"
    else:
        sql = "INSERT INTO member_search (rowid, terms) VALUES (?, ?)"
    stale = [(999, "幽 灵")] + [(r["_rowid"], " ".join(r["name"])) for r in live + dead]
    conn.exec_driver_sql(sql, stale)


def _old_database(folder: Path, revision: str, source: dict[str, list[dict]]) -> None:
    """A database made at ``revision`` holding the same rows (written as SQL, the way that
    version's application wrote them; no capture triggers, which it installed itself)."""
    folder.mkdir()
    engine = make_engine(Paths(folder).database)
    with engine.connect() as conn, conn.begin():
        upgrade_schema(conn, revision)
        for table, rows in source.items():
            columns = [str(r[1]) for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
            names = ", ".join(["rowid", *columns])
            marks = ", ".join("?" * (len(columns) + 1))
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [tuple([r["_rowid"], *(r[c] for c in columns)]) for r in rows],
            )
        _stale_documents(conn, revision, source["members"])
    engine.dispose()


@pytest.mark.parametrize("revision", ["0001", "0003", "0006", "0009"])
def test_an_old_database_upgraded_to_head_equals_a_fresh_one(
    tmp_path: Path, fresh: tuple[Snapshot, dict[str, list[dict]]], revision: str
) -> None:
    expected, source = fresh
    _old_database(tmp_path / revision, revision, source)
    db = open_database(Paths(tmp_path / revision))
    try:
        with db.connect(write=False) as conn:
            upgraded = _snapshot(conn)
    finally:
        db.close()
    assert upgraded.listing == expected.listing
    assert upgraded.results == expected.results
    assert upgraded.documents == expected.documents
    assert upgraded.rows == expected.rows
    # The comparison means something: the names read as surnames and every reading.
    assert expected.results["shan"] == ["单雄信"] and "解缙" in expected.results["xie"]
    assert expected.results["zeng"] == ["李曾", "曾国藩", "子车曾明"]
    assert set(expected.results["lu"]) >= {"吕布", "吕绿", "六一"}
    assert expected.results["nie"] == ["乜小红"] and expected.results["mie"] == []
    assert expected.results["zhangsanf"] == ["张三丰"] and "解单" not in str(expected.results)


def _migration(stem: str) -> ModuleType:
    return importlib.import_module(f"desktop.storage.migrations.versions.{stem}")


def test_the_pinyin_frozen_in_0004_reads_names_as_0010_does() -> None:
    """0004's downgrades read a name as the usual reading of 0010's frozen tables (which
    ``test_search_migration`` holds equal to the live code of the day both were frozen):
    two frozen copies, so this never changes when the live code does."""
    rng = random.Random(19)
    given = demo._given_names(rng, demo._MALE + demo._FEMALE, 2000)
    names = [s + rng.choice(given) for s in demo._weighted(rng, demo.SURNAMES, 2000)]
    names += [name for name, _phone in MEMBERS] + ["", " 单雄信 ", "Ng", "万俟", "单", "员000123"]
    m0004, m0010 = _migration("0004_search_index"), _migration("0010_search_all_readings")
    for name in names:
        assert m0004.name_syllables(name) == m0010.readings(name)[0][0], name


def _downgrade(db: Database, revision: str) -> dict[str, tuple[str, ...]]:
    """Downgrade to ``revision``; the documents left, by member name."""
    with db.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        rows = conn.exec_driver_sql(
            "SELECT m.name, s.* FROM member_search s JOIN members m ON m.rowid = s.rowid"
        ).all()
    return {str(r[0]): tuple(map(str, r[1:])) for r in rows}


def test_a_downgrade_writes_the_old_documents_as_before_and_head_restores(db: Database) -> None:
    """The documents below are what the downgrades wrote before the migrations were
    frozen (live pinyin then): 0007's downgrade leaves 0004's format, 0004's 0001's."""
    _fill(db)
    with db.connect(write=False) as conn:
        head = _snapshot(conn)
    at_0006 = _downgrade(db, "0006")
    assert at_0006["单雄信"][:4] == (
        "单 单雄 单雄信 雄 雄信 信",
        "s sh sha shan x xi xio xion xiong xin shanx shanxi shanxio shanxion shanxiong "
        "shanxiongx shanxiongxi shanxiongxin sx sxx",
        "410010101891403044",
        "13700001111 3700001111 700001111 00001111 0001111 001111 01111 1111 111",
    )
    assert at_0006["乜小红"][1] == (
        "n ni nie x xi xia xiao h ho hon hong niex niexi niexia niexiao niexiaoh niexiaoho "
        "niexiaohon niexiaohong nx nxh"
    )
    assert at_0006["单于长乐"][1] == (
        "c ch cha chan y yu chang l le chany chanyu chanyuc chanyuch chanyucha chanyuchan "
        "chanyuchang chanyuchangl chanyuchangle cy cyc cycl"
    )
    assert at_0006["吕绿"][1] == "l lv lvl lvlv ll"
    assert at_0006["John Smith"][:2] == (  # a Latin name keeps its one space
        "",
        "j o oh ohn ohns ohnsm ohnsmi ohnsmit ohnsmith jo joh john johns johnsm johnsmi "
        "johnsmit johnsmith",
    )
    assert "解单" not in at_0006 and len(at_0006) == len(MEMBERS) - len(DELETED)
    at_0003 = _downgrade(db, "0003")
    assert at_0003["单雄信"][:2] == ("单 雄 信", "shan xiong xin shanxiongxin sxx")
    assert at_0003["乜小红"][:2] == ("乜 小 红", "nie xiao hong niexiaohong nxh")
    assert at_0003["吕绿"][:2] == ("吕 绿", "lv lv lvlv ll")
    assert at_0003.keys() == at_0006.keys()
    with db.connect() as conn:
        run_migrations(conn)
    with db.connect(write=False) as conn:
        assert _snapshot(conn) == head
