"""Secondary indexes dropped for a large append and rebuilt, exactly, in its transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from desktop.progress import Cancelled
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.storage.deferred_indexes import deferred_indexes
from tests.unit.test_bulk_member_insert import _rows


def _indexes(conn: Connection, table: str = "members") -> list[tuple[str, str | None]]:
    return [
        (str(r[0]), r[1])
        for r in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                 "ORDER BY name"),
            {"t": table},
        )
    ]  # fmt: skip


def test_unique_indexes_stay_and_the_others_come_back_as_defined(db: Database) -> None:
    with db.connect() as conn:
        conn.execute(text("CREATE TABLE scratch (a TEXT, b TEXT, c TEXT)"))
        conn.execute(text("CREATE UNIQUE INDEX scratch_a ON scratch (a)"))
        conn.execute(text("CREATE INDEX scratch_bc ON scratch (b, c DESC) WHERE b IS NOT NULL"))
        before = _indexes(conn, "scratch")
        with deferred_indexes(conn, "scratch", 2):
            assert [name for name, _ in _indexes(conn, "scratch")] == ["scratch_a"]
            conn.execute(text("INSERT INTO scratch VALUES ('x', 'y', 'z'), ('w', NULL, 'v')"))
            with pytest.raises(IntegrityError):  # refused at its own row, not at the end
                conn.execute(text("INSERT INTO scratch VALUES ('x', 'q', 'r')"))
        assert _indexes(conn, "scratch") == before
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


@pytest.fixture
def union_ids(db: Database) -> list[str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return [unions.add(db, name).id for name in ("甲公司工会", "乙公司工会")]


def test_an_append_as_large_as_the_table_builds_the_indexes_after_it(
    db: Database, union_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 1)
    rows = _rows(union_ids)
    with db.connect() as conn:
        defined = _indexes(conn)
        member_writer.insert_rows(conn, rows[:10])
        with member_writer.appending(conn, rows=20) as append:  # 20 onto 10: built after
            assert [name for name, _ in _indexes(conn)] == ["sqlite_autoindex_members_1"]
            append(member_writer.prepare_rows(rows[10:30], member_writer.next_rowid(conn)))
        assert _indexes(conn) == defined
        with member_writer.appending(conn, rows=5) as append:  # 5 onto 30: kept, updated per row
            assert _indexes(conn) == defined
            append(member_writer.prepare_rows(rows[30:35], member_writer.next_rowid(conn)))
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM members WHERE id_number = :n"),
                {"n": rows[12]["id_number"]},
            )
        )
        assert "ix_members_id_number" in plan
        found = conn.execute(
            text("SELECT id FROM members WHERE id_number = :n"), {"n": rows[12]["id_number"]}
        ).scalar_one()
        assert found == rows[12]["id"]


def test_a_failed_append_leaves_the_indexes_to_the_caller_s_transaction(
    db: Database, union_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 1)
    rows = _rows(union_ids)[:3]
    with db.connect() as conn:
        defined = _indexes(conn)
        with pytest.raises(IntegrityError):
            member_writer.insert_rows(conn, [rows[0], rows[1], {**rows[2], "id": rows[0]["id"]}])
        # a caller that catches the error and commits keeps every index
        assert _indexes(conn) == defined


def test_a_cancel_skips_the_build_and_the_rollback_brings_the_indexes_back(db: Database) -> None:
    with db.connect() as conn:
        conn.execute(text("CREATE TABLE scratch (a TEXT, b TEXT)"))
        conn.execute(text("CREATE INDEX scratch_b ON scratch (b)"))
        before = _indexes(conn, "scratch")
    with pytest.raises(Cancelled), db.connect() as conn:
        with pytest.raises(Cancelled), deferred_indexes(conn, "scratch", 2):
            conn.execute(text("INSERT INTO scratch VALUES ('x', 'y')"))
            raise Cancelled()
        assert _indexes(conn, "scratch") == []  # not built: the transaction is going
        raise Cancelled()
    with db.connect(write=False) as conn:
        assert _indexes(conn, "scratch") == before
        assert conn.execute(text("SELECT count(*) FROM scratch")).scalar_one() == 0
