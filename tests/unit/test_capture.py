"""Change capture: every write to a synced table leaves the right change record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import exc, text

from desktop.models.base import synced_tables
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


def _changes(db: Database) -> list[tuple[str, int, str, str, dict[str, object]]]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text("SELECT node_id, counter, tbl, row_id, fields FROM sync_change ORDER BY counter")
        ).all()
    return [(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def _seed(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text("INSERT INTO federations (id, name, card_prefix) VALUES ('f1', '测试联合会', 'GH')")
    )
    conn.execute(
        text(
            "INSERT INTO unions (id, federation_id, name, sort_key) VALUES ('u1', 'f1', '一号', '')"
        )
    )


def test_insert_update_capture_fields_with_increasing_dots(db: Database) -> None:
    with db.connect() as conn:
        _seed(conn)
        conn.execute(text("UPDATE unions SET name = '二号', chair = '李四' WHERE id = 'u1'"))
        conn.execute(text("UPDATE unions SET sort_key = 'er hao' WHERE id = 'u1'"))  # local only
        conn.execute(text("UPDATE unions SET name = '二号' WHERE id = 'u1'"))  # no change
    changes = _changes(db)
    assert [c[1] for c in changes] == [1, 2, 3]
    assert changes[0][2:4] == ("federations", "f1")
    assert changes[1][4]["name"] == "一号" and "sort_key" not in changes[1][4]
    assert changes[2][4] == {"name": "二号", "chair": "李四"}
    with db.connect(write=False) as conn:
        node, counter, hlc = conn.execute(
            text("SELECT node_id, counter, hlc FROM sync_clock")
        ).one()
        hlcs = [r[0] for r in conn.execute(text("SELECT hlc FROM sync_change ORDER BY counter"))]
    assert counter == 3 and all(c[0] == node for c in changes)
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == 3 and hlc == hlcs[-1]


def test_physical_delete_is_refused_and_tombstone_is_captured(db: Database) -> None:
    with db.connect() as conn:
        _seed(conn)
    with pytest.raises(exc.IntegrityError), db.connect() as conn:
        conn.execute(text("DELETE FROM unions WHERE id = 'u1'"))
    with db.connect() as conn:
        conn.execute(text("UPDATE unions SET deleted = 1 WHERE id = 'u1'"))
    assert _changes(db)[-1][4] == {"deleted": 1}


def test_capture_rolls_back_with_the_data(db: Database) -> None:
    with db.connect() as conn:
        _seed(conn)
    before = _changes(db)
    with pytest.raises(RuntimeError), db.connect() as conn:
        conn.execute(text("UPDATE unions SET name = '回滚' WHERE id = 'u1'"))
        raise RuntimeError("boom")
    assert _changes(db) == before
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT counter FROM sync_clock")).scalar_one() == len(before)


def test_capture_off_while_applying(db: Database) -> None:
    from desktop.storage.capture import set_capturing

    with db.connect() as conn:
        _seed(conn)
        set_capturing(conn, False)
        conn.execute(text("UPDATE unions SET name = '远端' WHERE id = 'u1'"))
        set_capturing(conn, True)
    assert len(_changes(db)) == 2


@pytest.mark.parametrize(
    ("rowid_step", "slice_rows"),
    [(1, 20_000), (1, 2), (7, 2)],
    ids=["contiguous", "contiguous-in-slices", "gaps"],
)
def test_bulk_capture_writes_what_the_trigger_writes(
    db: Database, rowid_step: int, slice_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appended rowids without a gap are numbered by arithmetic (a slice of rows per
    statement), with gaps by a window: both must give consecutive counters in rowid order.
    The hub numbers them by a window in one statement (``pg_capture.bulk_insert``)."""
    from desktop.storage import capture
    from desktop.storage.capture import bulk_insert

    monkeypatch.setattr(capture, "CAPTURE_SLICE", slice_rows)

    insert = text(
        "INSERT INTO unions (rowid, id, federation_id, name, sort_key, chair) "
        "VALUES (:rowid, :id, 'f1', :name, '', '王五')"
    )
    with db.connect() as conn:
        _seed(conn)
        top = conn.execute(text("SELECT max(rowid) FROM unions")).scalar_one()
        conn.execute(insert, {"rowid": top + 1, "id": "by-trigger", "name": "甲"})
        with bulk_insert(conn, "unions", synced_tables()["unions"]):
            conn.execute(
                insert,
                [
                    {"rowid": top + 2 + i * rowid_step, "id": f"bulk-{i}", "name": "甲"}
                    for i in (2, 0, 1)  # out of rowid order: the counters follow rowids
                ],
            )
        conn.execute(text("UPDATE unions SET name = '乙' WHERE id = 'bulk-1'"))
        # the insert trigger, suspended inside the block, records a row again after it
        conn.execute(insert, {"rowid": top + 100, "id": "after", "name": "甲"})
    changes = _changes(db)
    by_row = {c[3]: c for c in changes if c[2] == "unions"}
    assert by_row["bulk-0"][4] == by_row["by-trigger"][4]
    assert by_row["after"][4] == by_row["by-trigger"][4]
    assert [c[1] for c in changes] == list(range(1, len(changes) + 1))  # no gap, no reuse
    bulk = [c[3] for c in changes if c[3].startswith("bulk-")][:3]
    assert bulk == ["bulk-0", "bulk-1", "bulk-2"]  # in rowid order
    with db.connect(write=False) as conn:
        hlcs = [r[0] for r in conn.execute(text("SELECT hlc FROM sync_change ORDER BY counter"))]
        clock = conn.execute(text("SELECT counter, hlc FROM sync_clock")).one()
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)
    assert clock[0] == len(changes) and clock[1] >= hlcs[-1]


def test_an_error_inside_a_bulk_capture_leaves_the_triggers_in_place(db: Database) -> None:
    """A caller that catches the error and carries on still has every write captured."""
    from desktop.storage.capture import bulk_insert

    insert = text(
        "INSERT INTO unions (id, federation_id, name, sort_key) VALUES (:id, 'f1', '甲', '')"
    )
    with db.connect() as conn:
        _seed(conn)
        with pytest.raises(ValueError), bulk_insert(conn, "unions", synced_tables()["unions"]):
            conn.execute(insert, {"id": "inside"})
            raise ValueError
        conn.execute(insert, {"id": "after"})
    captured = {c[3] for c in _changes(db) if c[2] == "unions"}
    assert "after" in captured
