"""``integrity.check``: each finding on a real database, listed by member id — on an
office's SQLite file and on the PostgreSQL hub."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.demo import generate as demo
from desktop.services.upkeep import integrity
from desktop.storage import engines, rawconn
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


def _kinds(report: integrity.IntegrityReport) -> list[str]:
    return [p.kind for p in report.problems]


def test_clean_demo_database_passes(db: Database) -> None:
    demo.fill_demo(db, members=200, unions=10, seed=1)
    report = integrity.check(db)
    assert report.ok and report.members == 200 and report.search_documents == 200
    assert report.own_changes > 200


def test_duplicates_and_deleted_union_are_listed_by_member_id(db: Database) -> None:
    demo.fill_demo(db, members=50, unions=10, seed=1)
    with db.connect() as conn:
        first, second = conn.execute(
            text(
                "SELECT id, id_number, card_no, union_id FROM members "
                "WHERE card_no IS NOT NULL ORDER BY rowid LIMIT 2"
            )  # fmt: skip
        ).all()
        # Two offline PCs registered the same person: sync keeps both records.
        conn.execute(text("UPDATE members SET id_number = :n, card_no = :c WHERE id = :id"),
                     {"n": first[1], "c": first[2], "id": second[0]})  # fmt: skip
        conn.execute(text("UPDATE unions SET deleted = 1 WHERE id = :u"), {"u": first[3]})
        on_deleted = {str(r[0]) for r in conn.execute(
            text("SELECT id FROM members WHERE union_id = :u"), {"u": first[3]})}  # fmt: skip
    report = integrity.check(db)
    by_kind = {p.kind: p for p in report.problems}
    assert set(by_kind) == {"duplicate_id_number", "duplicate_card_no", "deleted_union"}
    assert sorted(by_kind["duplicate_id_number"].member_ids) == sorted([first[0], second[0]])
    assert first[1] not in by_kind["duplicate_id_number"].message
    assert set(by_kind["deleted_union"].member_ids) == on_deleted


def test_counter_gap_and_stale_search_rows(db: Database) -> None:
    demo.fill_demo(db, members=20, unions=10, seed=1)
    with db.connect() as conn:
        conn.execute(text("DELETE FROM sync_change WHERE counter = 5"))
        if engines.is_postgres(conn):  # the hub's documents (pg_search)
            conn.execute(
                text("INSERT INTO member_search_docs (member_id, terms) VALUES (999999, '{幽,灵}')")
            )
        else:
            conn.execute(text("INSERT INTO member_search (rowid, terms) VALUES (999999, '幽 灵')"))
    assert _kinds(integrity.check(db)) == ["search_stale", "sync_counters"]
    report = integrity.check(db, rebuild_search=True)
    assert report.rebuilt_search == 20 and _kinds(report) == ["sync_counters"]


@pytest.mark.sqlite_only(
    "another program writing the file without foreign keys; a hub's server enforces them"
)
def test_foreign_key_problem_is_reported(db: Database) -> None:
    demo.fill_demo(db, members=5, unions=10, seed=1)
    # Another tool (foreign keys off by default in plain sqlite3) broke a reference.
    raw = rawconn.connect(db.paths.database)
    with raw:
        raw.execute("UPDATE members SET union_id = 'missing' WHERE rowid = 1")
    raw.close()
    assert "foreign_key_check" in _kinds(integrity.check(db))
