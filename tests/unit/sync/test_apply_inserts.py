"""The apply step's bulk insert path: derived columns, search documents, odd values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from desktop.models.base import new_id
from desktop.services.members import writer as member_writer
from desktop.storage import capture, search_index
from desktop.storage.database import Database
from desktop.storage.pinyin import sort_key
from desktop.sync import export as ex
from desktop.sync import importer, writer
from desktop.sync import plan as plan_mod
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh, valid_id


@pytest.fixture
def pair(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    return a, b


def _documents(db: Database) -> list[tuple[Any, ...]]:
    with db.connect(write=False) as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT rowid, terms FROM member_search ORDER BY rowid"
            ).all()
        ]


@pytest.mark.parametrize("chunk", [10_000, 2], ids=["one-chunk", "in-chunks"])
def test_received_members_get_sort_keys_and_the_documents_a_rebuild_makes(
    pair, tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the rows come in several chunks, each indexed on the worker beside the
    next (the deleted member's chunk has one document fewer than rows)."""
    monkeypatch.setattr(member_writer, "BULK_CHUNK", chunk)
    a, b = pair
    uid = add_union(a, add_federation(a))
    names = ["单雄信", "曾国藩", "欧阳修", "会员000123", "张三"]
    for i, name in enumerate(names):
        add_member(a, uid, name, valid_id(i))
    gone = add_member(a, uid, "王五", "110101199003079999")
    with a.connect() as conn:
        conn.execute(text("UPDATE members SET deleted = 1 WHERE id = :i"), {"i": gone})
        conn.execute(text("UPDATE members SET phone = '13812345678', card_no = 'T0001'"))
    ex.export(a, tmp_path / "1.udsync", full=True)
    result = importer.import_file(b, tmp_path / "1.udsync")
    assert result.counts["new"] == len(names) + 3  # federation, union, members
    with b.connect(write=False) as conn:
        keys = dict(conn.execute(text("SELECT name, sort_key FROM members")).all())
    assert keys == {n: sort_key(n) for n in [*names, "王五"]}
    applied = _documents(b)
    assert len(applied) == len(names)  # the deleted one has no document
    with b.connect() as conn:
        search_index.rebuild(conn)
    assert _documents(b) == applied


def _batch_plan(rows: list[tuple[Any, ...]], cols: tuple[str, ...]) -> plan_mod.Plan:
    plan = plan_mod.Plan()
    plan.inserts["members"] = [plan_mod.InsertBatch(cols, ("sort_key",), rows)]
    return plan


def test_values_that_are_not_plain_text_are_indexed_as_sqlite_stored_them(db: Database) -> None:
    uid = add_union(db, add_federation(db))
    cols = ("id", "union_id", "membership_status", "name", "id_number", "phone", "card_no")
    cols += ("deleted",)
    odd = (new_id(), uid, "active", "李四", "110101199003070001", 13812345678, None, False)
    plain = (new_id(), uid, "active", "张三", "110101199003070002", "13800000000", "T9", 0)
    hidden = (new_id(), uid, "active", "王五", "110101199003070003", 13800000001, None, True)
    with db.connect() as conn:
        capture.set_capturing(conn, False)
        unsure = writer.apply_rows(conn, _batch_plan([odd, plain, hidden], cols))
        writer.reindex(conn, plan_mod.Plan(), unsure)
        capture.set_capturing(conn, True)
        stored = conn.exec_driver_sql(
            "SELECT rowid, name, id_number, phone, card_no FROM members WHERE deleted = 0 "
            "ORDER BY rowid"
        ).all()
    assert len(unsure) == 2  # the integer phones, whatever their deleted flag
    assert [r[3] for r in stored] == ["13812345678", "13800000000"]
    expected = sorted(search_index.document(int(r[0]), r[1], r[2], r[3], r[4]) for r in stored)
    assert _documents(db) == expected


def test_a_shape_without_every_document_field_is_read_back(db: Database) -> None:
    uid = add_union(db, add_federation(db))
    # phone, card_no and deleted take the table's defaults
    cols = ("id", "union_id", "membership_status", "name", "id_number")
    row = (new_id(), uid, "active", "赵六", "110101199003070004")
    with db.connect() as conn:
        capture.set_capturing(conn, False)
        unsure = writer.apply_rows(conn, _batch_plan([row], cols))
        writer.reindex(conn, plan_mod.Plan(), unsure)
        capture.set_capturing(conn, True)
    assert len(unsure) == 1
    expected = search_index.document(1, "赵六", "110101199003070004", None, None)
    assert _documents(db) == [expected]


def test_a_large_apply_counts_dashboard_figures_set_based_and_exactly(pair, tmp_path: Path) -> None:
    """Over SET_BASED_FROM members the apply suspends the per-row dashboard trigger; the
    summary must still equal a fresh recount, and the trigger must be back afterwards."""
    from datetime import date

    from desktop.services.figures import summary as stats
    from desktop.services.members.writer import SET_BASED_FROM

    a, b = pair
    uid = add_union(a, add_federation(a))
    statuses = ["active", "active", "retained", "withdrawn", "applicant"]
    rows = [
        {
            "name": f"会员{i:04d}",
            "id_number": valid_id(i),
            "union_id": uid,
            "gender": ("F", "M", None)[i % 3],
            "birth_date": date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
            "is_migrant_worker": i % 4 == 0,
            "membership_status": statuses[i % len(statuses)],
            "joined_on": None if i % 5 == 4 else date(2000 + i % 26, 1 + i % 12, 1),
            "left_on": date(2025, 1 + i % 12, 1) if i % 5 == 3 else None,
        }
        for i in range(SET_BASED_FROM + 50)
    ]
    with a.connect() as conn:
        member_writer.insert_rows(conn, rows)
    ex.export(a, tmp_path / "big.udsync", full=True)
    dropped: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("DROP INDEX"):
            dropped.append(statement)

    index_sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with b.connect(write=False) as conn:
        indexes = conn.exec_driver_sql(index_sql).all()
    event.listen(b.engine, "before_cursor_execute", seen)
    importer.import_file(b, tmp_path / "big.udsync")
    event.remove(b.engine, "before_cursor_execute", seen)
    # the members' indexes were built after the rows (an empty table at least doubled),
    # and are back exactly as defined
    assert 'DROP INDEX "ix_members_id_number"' in dropped
    with b.connect(write=False) as conn:
        assert conn.exec_driver_sql(index_sql).all() == indexes
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        assert stats.summary_differences(conn) == 0
        held = conn.exec_driver_sql(
            "SELECT sum(n) FROM dashboard_counts WHERE fig = 'members'"
        ).scalar_one()
        assert held == len(rows)
        triggers = {
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert stats.MEMBER_INSERT_TRIGGER in triggers


def test_figures_are_counted_from_the_rows_only_when_sqlite_keeps_them_as_they_are() -> None:
    """Plain rows are counted in Python; a value SQLite would convert (number-like text in
    a DATE column) or a missing field sends the count back to the stored rows."""
    cols = ("id", *member_writer._FIGURE_FIELDS)
    row = ("m1", "u1", "active", None, True, "1990-03-07", "2020-01-01", None, 0)
    batch = plan_mod.InsertBatch(cols, (), [row, ("m2", *row[1:-1], 1)])  # m2 deleted
    figures = member_writer._member_figures([batch])
    assert figures == {
        ("members", "", "u1", "active", "", 1): 1,
        ("born", "1990-03-07", "", "", "", 0): 1,
        ("joined", "2020-01-01", "u1", "", "", 0): 1,
    }
    odd = ("m3", "u1", "active", None, True, "2020", None, None, 0)
    assert member_writer._member_figures([plan_mod.InsertBatch(cols, (), [row, odd])]) is None
    assert member_writer._member_figures([plan_mod.InsertBatch(cols[:-1], (), [row[:-1]])]) is None
