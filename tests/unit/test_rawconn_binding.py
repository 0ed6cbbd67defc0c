"""Parameters bound by the registry's driver: ``None`` and ``bool`` take the fast path
(``rawconn._bind_fast_paths``) and are stored exactly as before it existed."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.storage import rawconn


def test_none_and_bool_are_found_in_the_adapter_table() -> None:
    # Without an entry the driver searches __adapt__/__conform__ for every such
    # parameter: ~2 µs each, ~1 s of a 100k-row roster import (docs/benchmarks.md).
    adapters = rawconn.dbapi.adapters
    protocol = rawconn.dbapi.PrepareProtocol
    assert (type(None), protocol) in adapters
    assert (bool, protocol) in adapters


def test_none_true_and_false_are_stored_as_null_one_and_zero(tmp_path: Path) -> None:
    con = rawconn.connect(tmp_path / "binding.db", key=os.urandom(32))
    try:
        con.execute("CREATE TABLE t (a, b, c, d TEXT, e INTEGER)")
        con.executemany(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
            [(None, True, False, None, None), (1, False, True, "x", 2)],
        )
        rows = con.execute(
            "SELECT typeof(a), b, typeof(b), c, typeof(c), typeof(d), typeof(e) "
            "FROM t ORDER BY rowid"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("null", 1, "integer", 0, "integer", "null", "null"),
        ("integer", 0, "integer", 1, "integer", "text", "integer"),
    ]
