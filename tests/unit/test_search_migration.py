"""Migration 0010 rebuilds the search documents with every reading, from a frozen copy of
the document code (issue 17, point 9; migrations never import application code)."""

from __future__ import annotations

import ast
import importlib
import random
from types import ModuleType

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from stdnum.cn import ric

from desktop.demo import generate as demo
from desktop.opening import run_migrations
from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import search_index
from desktop.storage.database import Database
from desktop.storage.migrations import MIGRATIONS_DIR, VERSIONS_DIR, head_revision

NAMES = ["李曾", "乜小红", "王乐天", "吕布", "子车明", "张三丰", "买买提·艾力", "John Smith"]


def _migration() -> ModuleType:
    return importlib.import_module("desktop.storage.migrations.versions.0010_search_all_readings")


def _id(serial: int) -> str:
    body = f"44030419900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def test_the_migration_imports_no_application_code() -> None:
    path = next(VERSIONS_DIR.glob("0010_*.py"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not [m for m in imported if m and m.startswith("desktop")], imported


def test_the_frozen_documents_equal_the_live_ones() -> None:
    """Fails when the live document format changes: that change needs a new migration
    (and this test then compares the new migration's copy)."""
    rng = random.Random(3)
    given = demo._given_names(rng, demo._MALE + demo._FEMALE, 3000)
    names = NAMES + [s + rng.choice(given) for s in demo._weighted(rng, demo.SURNAMES, 3000)]
    names += [s + "曾乐" for s in "乜六吕尉曾单解仇朴区查盖"] + ["万俟卨", "尉迟恭", "区家麟"]
    frozen = _migration()
    for i, name in enumerate(names):
        phone, card = f"138{i:08d}", f"GH{i:05d}"
        live = search_index.document(i, name, _id(i % 900), phone, card)[1]
        assert frozen.document(name, _id(i % 900), phone, card) == live, name


def test_upgrade_from_0009_rebuilds_every_document(db: Database) -> None:
    federations.create(db, "联合会", card_prefix="GH")
    union = unions.add(db, "一号工会").id
    for i, name in enumerate(NAMES):
        members.add(db, {"name": name, "id_number": _id(i + 1), "union_id": union})
    with db.connect(write=False) as conn:
        head = dict(conn.exec_driver_sql("SELECT rowid, terms FROM member_search").all())
    with db.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0009"
        # The documents 0009 wrote: one reading, 乜 as mie (as its code read them).
        conn.exec_driver_sql("UPDATE member_search SET terms = 'li 李 曾 ceng' WHERE rowid = 1")
        conn.exec_driver_sql("UPDATE member_search SET terms = 'mie 乜' WHERE rowid = 2")
    with db.connect(write=False) as conn:
        assert [r.name for r in member_queries.find(conn, "zeng")] == []
    with db.connect() as conn:
        run_migrations(conn)
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == head_revision()
        )
        rebuilt = dict(conn.exec_driver_sql("SELECT rowid, terms FROM member_search").all())
        assert rebuilt == head
        assert [r.name for r in member_queries.find(conn, "zeng")] == ["李曾"]
        assert [r.name for r in member_queries.find(conn, "niexiaohong")] == ["乜小红"]
        assert member_queries.find(conn, "mie") == []
