"""Change capture: every write to a synced table leaves the right change record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import exc, text

from desktop.storage.database import Database


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
