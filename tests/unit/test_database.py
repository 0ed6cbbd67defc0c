"""Opening databases: new, older (backed up then upgraded), newer or foreign (refused)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.config import Paths
from desktop.errors import DatabaseError
from desktop.opening import open_database, run_migrations
from desktop.storage import health as db_health
from desktop.storage.database import make_engine
from desktop.storage.migrations import head_revision, known_revisions
from tests.older_copy import put_back


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_constant_matches_alembic_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from desktop.storage.migrations import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == head_revision()
    assert sorted(r.revision for r in script.walk_revisions()) == known_revisions()


def test_schema_after_migrations_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from desktop.models import Base

    db = open_database(Paths(tmp_path))
    with db.engine.connect() as conn:
        virtual = [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ]

        def include_name(name: str | None, kind: str, _parent: object) -> bool:
            # FTS5 tables and their shadow tables are created by hand in migrations.
            return not (kind == "table" and name and name.startswith(tuple(virtual)))

        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    db.close()
    assert diff == []


@pytest.mark.parametrize("start", known_revisions()[:-1] or ["0001"])
def test_every_older_revision_upgrades_with_a_backup(tmp_path: Path, start: str) -> None:
    engine = make_engine(tmp_path / "uniondesk.db")
    with engine.connect() as conn, conn.begin():
        run_migrations(conn, start)
    engine.dispose()
    db = open_database(Paths(tmp_path))
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == (
            head_revision()
        )
        triggers = {
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    db.close()
    assert "sync_ins_members" in triggers
    backups = db_health.backup_paths(tmp_path / "backups")
    assert len(backups) == (0 if start == head_revision() else 1)


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from desktop.storage.migrations import MIGRATIONS_DIR

    engine = make_engine(tmp_path / "x.db")
    with engine.connect() as conn, conn.begin():
        run_migrations(conn)
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").all()
        assert [t for t in tables if t[0] != "alembic_version"] == []
        run_migrations(conn)
    engine.dispose()


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    db = open_database(Paths(tmp_path))
    with db.connect() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    before = _digest(tmp_path / "uniondesk.db")
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(Paths(tmp_path))
    assert _digest(tmp_path / "uniondesk.db") == before


@pytest.mark.parametrize("content", [b"PK\x03\x04 this is a renamed docx", os.urandom(4096)])
def test_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "uniondesk.db").write_bytes(content)
    with pytest.raises(DatabaseError, match="不是数据库文件"):
        open_database(Paths(tmp_path))
    assert (tmp_path / "uniondesk.db").read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "uniondesk.db")
    con.execute("CREATE TABLE accounts (x)")
    con.commit()
    con.close()
    before = _digest(tmp_path / "uniondesk.db")
    with pytest.raises(DatabaseError, match="不是工会桌面通的数据库"):
        open_database(Paths(tmp_path))
    assert _digest(tmp_path / "uniondesk.db") == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_data_dir(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DatabaseError, match="无法写入"):
            open_database(Paths(folder / "sub"))
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a Linux /proc")
def test_data_dir_on_a_read_only_filesystem(tmp_path: Path) -> None:
    # /proc refuses new directories even for root, so this runs in CI too.
    with pytest.raises(DatabaseError, match="数据目录无法写入"):
        open_database(Paths(Path("/proc/uniondesk-data")))


def test_data_dir_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="数据目录无法写入"):
        open_database(Paths(blocker / "data"))


def test_copied_database_takes_a_new_identity_before_writing(tmp_path: Path) -> None:
    from desktop.sync.identity import node_info

    pc1 = tmp_path / "pc1"
    db = open_database(Paths(pc1))
    with db.connect() as conn:
        conn.execute(text("INSERT INTO federations (id, name, card_prefix) VALUES ('f', 'x', '')"))
        original = node_info(conn)
    db.close()
    pc2 = tmp_path / "pc2"
    pc2.mkdir()
    shutil.copyfile(pc1 / "uniondesk.db", pc2 / "uniondesk.db")
    shutil.copyfile(pc1 / "keys.json", pc2 / "keys.json")  # same PC: its key is known
    db2 = open_database(Paths(pc2))
    with db2.connect(write=False) as conn:
        copy = node_info(conn)
    db2.close()
    assert copy.node_id != original.node_id and copy.counter == 0
    assert copy.issuer_code != original.issuer_code
    db1 = open_database(Paths(pc1))  # the original keeps its identity
    with db1.connect(write=False) as conn:
        assert node_info(conn).node_id == original.node_id
    db1.close()


def test_restored_older_backup_takes_a_new_identity(tmp_path: Path) -> None:
    from desktop.sync.identity import node_info

    db = open_database(Paths(tmp_path))
    with db.connect() as conn:
        conn.execute(text("INSERT INTO federations (id, name, card_prefix) VALUES ('f', 'x', '')"))
    backup = db.backup("manual")
    with db.connect() as conn:
        conn.execute(text("UPDATE federations SET name = 'y' WHERE id = 'f'"))
        before = node_info(conn)
    db.close()
    put_back(backup, tmp_path / "uniondesk.db")
    db = open_database(Paths(tmp_path))
    with db.connect() as conn:
        after = node_info(conn)
        conn.execute(text("UPDATE federations SET name = 'z' WHERE id = 'f'"))
        dots = conn.execute(text("SELECT node_id, counter FROM sync_change")).all()
    db.close()
    assert after.node_id != before.node_id
    assert len(dots) == len(set(dots)) == 2  # the old node's dot 1 and the new node's dot 1
