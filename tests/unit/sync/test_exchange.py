"""Two and three PCs exchanging real packages: merge, conflicts, dry run, gaps, clocks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.sync import conflicts, importer
from desktop.sync import export as ex
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    craft,
    file_hash,
    get_field,
    mesh,
    node_of,
    open_conflicts,
    set_field,
    state_hash,
)


@pytest.fixture
def pcs(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b", "c")]
    mesh(dbs, tmp_path)
    return dbs


def send(src, dst, path: Path):  # type: ignore[no-untyped-def]
    ex.export(src, path)
    return importer.import_file(dst, path)


def test_exchange_converges_and_keeps_concurrent_fields(pcs, tmp_path) -> None:
    a, b, _c = pcs
    fed = add_federation(a)
    uid = add_union(a, fed)
    mid = add_member(a, uid, "张三", "110101199003070011")
    send(a, b, tmp_path / "1.udsync")
    assert state_hash(a) == state_hash(b)
    set_field(a, "members", mid, "phone", "13800000000")
    set_field(b, "members", mid, "employer", "乙公司")
    send(a, b, tmp_path / "2.udsync")
    send(b, a, tmp_path / "3.udsync")
    assert state_hash(a) == state_hash(b)
    assert get_field(b, "members", mid, "phone") == "13800000000"
    assert get_field(a, "members", mid, "employer") == "乙公司"
    assert open_conflicts(a) == open_conflicts(b) == set()


def test_same_field_conflict_logged_and_resolved(pcs, tmp_path) -> None:
    a, b, _c = pcs
    mid = add_member(a, add_union(a, add_federation(a)))
    send(a, b, tmp_path / "1.udsync")
    set_field(a, "members", mid, "name", "李四")
    set_field(b, "members", mid, "name", "王五")
    send(a, b, tmp_path / "2.udsync")
    send(b, a, tmp_path / "3.udsync")
    assert state_hash(a) == state_hash(b)
    found = open_conflicts(a)
    assert found == open_conflicts(b) and len(found) == 1
    values = {get_field(a, "members", mid, "name")}
    with a.connect() as conn:
        [item] = conflicts.list_open(conn)
        assert {item.winner_value, item.loser_value} == {"李四", "王五"}
        assert item.winner_value in values
        conflicts.resolve(conn, item.id, item.loser_value)
    assert open_conflicts(a) == set()
    send(a, b, tmp_path / "4.udsync")
    assert open_conflicts(b) == set()
    assert state_hash(a) == state_hash(b)


def test_delete_vs_concurrent_edit_is_a_conflict(pcs, tmp_path) -> None:
    a, b, _c = pcs
    mid = add_member(a, add_union(a, add_federation(a)))
    send(a, b, tmp_path / "1.udsync")
    set_field(a, "members", mid, "deleted", 1)
    set_field(b, "members", mid, "phone", "13900000000")
    send(a, b, tmp_path / "2.udsync")
    send(b, a, tmp_path / "3.udsync")
    assert state_hash(a) == state_hash(b)
    assert get_field(a, "members", mid, "deleted") == 1
    assert {k[2] for k in open_conflicts(a)} == {"phone"} and open_conflicts(b) == open_conflicts(a)


def test_dry_run_is_byte_identical_and_counts_equal_apply(pcs, tmp_path) -> None:
    a, b, _c = pcs
    uid = add_union(a, add_federation(a))
    for i in range(5):
        add_member(a, uid, f"会员{i}", f"X{i}")
    path = tmp_path / "p.udsync"
    ex.export(a, path)
    before = file_hash(b)
    dry = importer.preview(b, path)
    assert file_hash(b) == before
    real = importer.import_file(b, path)
    assert dry.counts == real.counts
    assert real.counts["new"] == 7
    assert file_hash(b) != before


def test_own_package_reimport_is_noop(pcs, tmp_path) -> None:
    a, _b, _c = pcs
    add_union(a, add_federation(a))
    path = tmp_path / "own.udsync"
    ex.export(a, path)
    before = file_hash(a)
    result = importer.import_file(a, path)
    assert result.nothing_new
    assert file_hash(a) == before


def test_gap_then_fill_equals_in_order(pcs, tmp_path) -> None:
    a, b, c = pcs
    uid = add_union(a, add_federation(a))
    p1 = tmp_path / "p1.udsync"
    ex.export(a, p1)  # seals 1..2
    mid = add_member(a, uid, "赵六", "Y1")
    set_field(a, "members", mid, "phone", "13700000000")
    first_last = [1, 2]
    late = tmp_path / "late.udsync"
    late.write_bytes(craft(a, [b, c], keep=lambda o, f, last: [f, last] != first_last))
    full = tmp_path / "full.udsync"
    full.write_bytes(craft(a, [b, c]))
    res = importer.import_file(b, late)  # 3.. before 1..2: pending member
    assert res.counts["pending_references"] >= 1
    with b.connect(write=False) as conn:
        known = conn.execute(text("SELECT contiguous FROM sync_knowledge")).all()
    assert known == [(0,)]
    importer.import_file(b, p1)
    importer.import_file(c, full)
    assert state_hash(b) == state_hash(c) == state_hash(a)
    assert get_field(b, "members", mid, "phone") == "13700000000"


def test_skewed_clock_pc_wins_with_later_edit(pcs, tmp_path) -> None:
    a, b, _c = pcs
    mid = add_member(a, add_union(a, add_federation(a)))
    with b.connect() as conn:  # B's clock is behind: pretend its HLC is from 2015
        conn.execute(text("UPDATE sync_clock SET hlc = :h"), {"h": (1420070400000 << 16)})
    set_field(a, "members", mid, "name", "甲")
    send(a, b, tmp_path / "1.udsync")
    set_field(b, "members", mid, "name", "乙")  # an edit made after seeing A's
    send(b, a, tmp_path / "2.udsync")
    assert get_field(a, "members", mid, "name") == "乙"
    assert open_conflicts(a) == set()


def test_unknown_fields_are_preserved_and_reexported(pcs, tmp_path) -> None:
    a, b, c = pcs
    mid = add_member(a, add_union(a, add_federation(a)))
    with a.connect() as conn:  # a write from a newer app version with a field we lack
        conn.execute(
            text(
                "UPDATE sync_change SET fields = json_set(fields, '$.wechat', 'wx123') "
                "WHERE tbl = 'members' AND row_id = :r"
            ),
            {"r": mid},
        )
    send(a, b, tmp_path / "1.udsync")
    ex.export(b, tmp_path / "relay.udsync", to=[node_of(c)], full=True)
    res = importer.import_file(c, tmp_path / "relay.udsync")
    assert res.counts["unknown_fields"] >= 1
    with c.connect(write=False) as conn:
        fields = conn.execute(
            text("SELECT fields FROM sync_change WHERE tbl='members' AND row_id=:r"), {"r": mid}
        ).scalar_one()
    assert json.loads(fields)["wechat"] == "wx123"
    assert state_hash(c) == state_hash(a)


def test_incremental_export_sends_only_unacknowledged(pcs, tmp_path) -> None:
    a, b, _c = pcs
    uid = add_union(a, add_federation(a))
    send(a, b, tmp_path / "1.udsync")
    add_member(a, uid)
    # B tells A what it has by sending a package (carrying its version vector)
    add_member(b, uid, "回执", "Z9")
    importer.import_file(a, _export(b, tmp_path / "2.udsync", [node_of(a)]))
    result = ex.export(a, tmp_path / "3.udsync", to=[node_of(b)])
    assert result.changes == 1  # only the new member
    full = ex.export(a, tmp_path / "4.udsync", to=[node_of(b)], full=True)
    assert full.changes > result.changes


def _export(db, path: Path, to: list[str]) -> Path:  # type: ignore[no-untyped-def]
    ex.export(db, path, to=to)
    return path


def test_attachments_travel_content_addressed(pcs, tmp_path) -> None:
    a, b, _c = pcs
    mid = add_member(a, add_union(a, add_federation(a)))
    blob = b"\x89PNG fake photo"
    sha = hashlib.sha256(blob).hexdigest()
    with a.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO attachments (sha256, mime, size, data) "
                "VALUES (:s, 'image/png', :n, :d)"
            ),
            {"s": sha, "n": len(blob), "d": blob},
        )
    set_field(a, "members", mid, "photo", sha)
    send(a, b, tmp_path / "1.udsync")
    with b.connect(write=False) as conn:
        assert conn.execute(text("SELECT data FROM attachments")).scalar_one() == blob


def test_export_refuses_unknown_recipient(pcs, tmp_path) -> None:
    a, _b, _c = pcs
    with pytest.raises(UnionDeskError, match="收件单位"):
        ex.export(a, tmp_path / "x.udsync", to=["ffff"])
    assert not (tmp_path / "x.udsync").exists()


def _found(db, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    from desktop.services.members import queries as member_queries

    with db.connect(write=False) as conn:
        return sorted(r.name for r in member_queries.find(conn, query))


def test_search_index_follows_received_inserts_edits_and_deletes(pcs, tmp_path) -> None:
    a, b, _c = pcs
    uid = add_union(a, add_federation(a))
    kept = add_member(a, uid, "王芳", "Y1")
    moved = add_member(a, uid, "张三", "Y2")
    send(a, b, tmp_path / "1.udsync")
    assert _found(b, "王芳") == ["王芳"] and _found(b, "张三") == ["张三"]
    set_field(a, "members", moved, "name", "李四")
    set_field(a, "members", kept, "deleted", 1)
    add_member(a, uid, "赵六", "Y3")
    send(a, b, tmp_path / "2.udsync")
    assert _found(b, "张三") == [] and _found(b, "李四") == ["李四"]
    assert _found(b, "王芳") == [] and _found(b, "赵六") == ["赵六"]
    with b.connect(write=False) as conn:
        docs = conn.exec_driver_sql("SELECT count(*) FROM member_search").scalar_one()
    assert docs == 2  # one document per live member, none left behind
