"""Columnar segment encoding (format 2) and the incremental contiguity scan."""

from __future__ import annotations

import json
from typing import Any

import pytest
import zstandard

from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import knowledge, segments

ORIGIN = "a" * 32
OTHER = "b" * 32
ROWS: list[tuple[int, int, str, str, dict[str, Any]]] = [
    (1000, 1, "unions", "u1", {"name": "甲", "notes": None, "deleted": 0}),
    (1001, 1, "members", "m1", {"name": "张三", "phone": "138", "score": 1.5, "ok": True}),
    (1005, 2, "members", "m2", {"name": "李四", "phone": None, "score": 2, "ok": False}),
    (1003, 2, "members", "m1", {"phone": "139"}),  # an HLC delta below zero
    (1004, 2, "members", "m2", {}),
    (1006, 3, "unions", "u1", {"name": "乙", "notes": "x", "deleted": 1}),
]
CONTEXTS = {1: {}, 2: {OTHER: 4}, 3: {OTHER: 7}}


def _payload(body: dict[str, Any]) -> bytes:
    return zstandard.ZstdCompressor().compress(json.dumps(body).encode())


def _body() -> dict[str, Any]:
    raw = zstandard.ZstdDecompressor().decompress(segments.encode(ORIGIN, 5, ROWS, CONTEXTS))
    body: dict[str, Any] = json.loads(raw)
    return body


def test_round_trip_keeps_every_change() -> None:
    payload = segments.encode(ORIGIN, 5, ROWS, CONTEXTS)
    seg = segments.decode(payload, b"sig", "t")
    assert (seg.origin, seg.first, seg.last) == (ORIGIN, 5, 10)
    assert seg.contexts == CONTEXTS
    got = [(c.counter, c.hlc, c.ctx, c.tbl, c.row_id, c.fields) for c in seg.changes]
    assert got == [(5 + i, *row) for i, row in enumerate(ROWS)]
    assert [type(v) for v in seg.changes[1].fields.values()] == [str, str, float, bool]
    assert all(c.node == ORIGIN for c in seg.changes)


def test_verify_only_checks_without_building_changes() -> None:
    payload = segments.encode(ORIGIN, 5, ROWS, CONTEXTS)
    seg = segments.decode(payload, b"sig", "t", materialize=False)
    assert (seg.first, seg.last, seg.changes) == (5, 10, [])
    bad = _body()
    bad["cols"][0][0][-1] = ["not", "a", "scalar"]
    with pytest.raises(UnionDeskError):
        segments.decode(_payload(bad), b"", "t", materialize=False)


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b["cols"][1][0].append("extra"),  # a column longer than its changes
        lambda b: b["shape"].append([0, 1]),  # more layouts than changes
        lambda b: b["shape"].__setitem__(0, [9, 1]),  # layout index out of range
        lambda b: b["shapes"][1][1].__setitem__(1, b["shapes"][1][1][0]),  # duplicate field
        lambda b: b["shapes"][0].__setitem__(0, 7),  # table index out of range
        lambda b: b["ctx"].__setitem__(0, [99, 1]),  # context not carried
        lambda b: b["ctx"].__setitem__(0, [1, 0]),  # empty run
        lambda b: b["hlc"].__setitem__(0, -5000),  # clock below zero
        lambda b: b["hlc"].__setitem__(0, True),  # a bool is not a clock
        lambda b: b["rows"].__setitem__(2, "../x"),  # bad row id
        lambda b: b["cols"][0][0].__setitem__(0, {"nested": 1}),  # non-scalar value
        lambda b: b.__setitem__("last", b["last"] + 1),  # range longer than the changes
    ],
)
def test_malformed_layout_refused(edit: Any) -> None:
    body = _body()
    edit(body)
    with pytest.raises(UnionDeskError) as info:
        segments.decode(_payload(body), b"", "条目")
    assert "未做任何改动" in info.value.message


def _log(db: Database, counters: list[int]) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
            "VALUES (?, ?, 0, 0, 'members', 'r', '{}')",
            [(OTHER, c) for c in counters],
        )
        knowledge.refresh_knowledge(conn, [OTHER])


def _stored(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT contiguous FROM sync_knowledge WHERE node_id = ?", (OTHER,)
            ).scalar_one()
        )


def test_contiguity_grows_from_the_stored_value(db: Database) -> None:
    _log(db, [2, 3])
    assert _stored(db) == 0  # counter 1 missing
    _log(db, [1, 5])
    assert _stored(db) == 3  # gap at 4
    _log(db, [4, 6, 8])
    assert _stored(db) == 6
    _log(db, [7])
    assert _stored(db) == 8
    with db.connect(write=False) as conn:
        assert knowledge.contiguous(conn, OTHER) == 8  # full scan agrees
