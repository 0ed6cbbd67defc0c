"""A member looked up by ID number or card number goes through that column's index.

Without planner statistics SQLite took ``ix_members_stats_joined (deleted=?)`` for
``id_number = ? AND deleted = 0`` — a walk over every member for each lookup (1.7 s an
application at 200,000 members). The plans are read here with ``EXPLAIN QUERY PLAN``, at
the points a clerk meets them: inside the transaction of a bulk load (the demo's
applications come right after its members), in a registry an older version made, and
after a day of members added one at a time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from desktop.config import Paths, resolve_paths
from desktop.demo import generate as demo
from desktop.opening import open_database
from desktop.services.applications import queries
from desktop.services.members import writer as member_writer
from desktop.storage import rawconn
from desktop.storage.database import Database
from desktop.storage.deferred_indexes import deferred_indexes
from tests.unit.sync.helpers import add_federation, add_member, add_union

TODAY = date(2026, 11, 21)
LOOKUPS = {
    "ix_members_id_number": "SELECT id FROM members WHERE id_number = :v AND deleted = 0",
    "ix_members_card_no": (
        "SELECT id FROM members m WHERE m.card_no = :v AND m.deleted = 0 "
        "AND m.membership_status IN ('active', 'retained')"
    ),
}


def _plan(conn: Connection, sql: str) -> str:
    rows = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"v": "x", "id": "x"}).all()
    return " | ".join(str(r[-1]) for r in rows)


def _assert_indexed(conn: Connection) -> None:
    for index, sql in LOOKUPS.items():
        assert f"USING INDEX {index} " in _plan(conn, sql), (index, _plan(conn, sql))
    # the review queue's flag: is the applicant already a current member?
    flag = _plan(conn, f"SELECT {queries._COLUMNS} FROM applications a JOIN unions u "
                       "ON u.id = a.union_id WHERE a.id = :id")  # fmt: skip
    assert "SEARCH m USING INDEX ix_members_id_number" in flag, flag


def _without_statistics(paths: Paths) -> None:
    """The file as a version before statistics were kept left it (closed, none in it)."""
    con = rawconn.connect(paths.database, autocommit=True)
    try:
        con.execute("DROP TABLE IF EXISTS sqlite_stat1")
        con.execute("DROP TABLE IF EXISTS sqlite_stat4")
    finally:
        con.close()


def test_lookups_use_their_index_in_a_registry_made_before_statistics(db: Database) -> None:
    demo.fill_demo(db, members=600, unions=5, seed=3, today=TODAY)
    paths = db.paths
    db.close()
    _without_statistics(paths)
    again = open_database(paths)  # the upgrade step analyses it as it opens
    try:
        with again.connect(write=False) as conn:
            _assert_indexed(conn)
    finally:
        again.close()


def test_a_close_analyses_members_added_one_at_a_time(tmp_path: Path) -> None:
    db = open_database(resolve_paths(tmp_path / "office"))
    union = add_union(db, add_federation(db))
    for i in range(40):  # a clerk's day: one member after another, no bulk append
        add_member(db, union, f"会员{i}", f"K{i}")
    with db.connect(write=False) as conn:
        assert not _analysed(conn)
    paths = db.paths
    db.close()
    again = open_database(paths)
    try:
        with again.connect(write=False) as conn:
            assert {"ix_members_id_number", "ix_members_card_no"} <= _analysed(conn)
            # (no card numbers yet: for the card lookup a scan is the right plan)
            plan = _plan(conn, LOOKUPS["ix_members_id_number"])
            assert "USING INDEX ix_members_id_number " in plan, plan
    finally:
        again.close()


def _analysed(conn: Connection) -> set[str]:
    rows = conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'members'"))
    return {str(r[0]) for r in rows}


def test_lookups_use_their_index_right_after_a_bulk_append(db: Database) -> None:
    # a registry made before statistics were kept: none in the file at all
    demo.fill_demo(db, members=300, unions=5, seed=4, today=TODAY)
    with db.connect() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
    with db.connect() as conn:
        # an append at least as large as the table rebuilds its indexes (deferred) and,
        # in the same transaction, gives the planner the table's new shape
        with deferred_indexes(conn, "members", member_writer.next_rowid(conn)):
            pass
        _assert_indexed(conn)


def test_a_new_registry_keeps_statistics_once_it_has_members(tmp_path: Path) -> None:
    db = open_database(resolve_paths(tmp_path / "office"))
    try:
        demo.fill_demo(db, members=300, unions=5, seed=5, today=TODAY)
        with db.connect(write=False) as conn:
            assert {"ix_members_id_number", "ix_members_card_no"} <= _analysed(conn)
    finally:
        db.close()
