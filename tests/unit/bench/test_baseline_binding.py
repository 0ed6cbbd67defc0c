"""A baseline binds parameters with the driver as shipped; a floor with the fastest way.

The registry's driver binds ``None`` through a slow search unless ``rawconn`` registers
adapters for it; the write benchmarks' baselines (bare ``executemany``) were measured
without them and keep that meaning (``benchmarks.driver_as_shipped``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bare_executemany, driver_as_shipped
from desktop.storage import rawconn

FAST = [(type(None), rawconn.dbapi.PrepareProtocol), (bool, rawconn.dbapi.PrepareProtocol)]


def _registered() -> list[bool]:
    return [key in rawconn.dbapi.adapters for key in FAST]


def test_the_adapters_are_off_inside_the_block_and_back_after_it() -> None:
    assert _registered() == [True, True]
    with driver_as_shipped():
        assert _registered() == [False, False]
    assert _registered() == [True, True]
    with pytest.raises(RuntimeError), driver_as_shipped():
        raise RuntimeError
    assert _registered() == [True, True]


def test_a_stock_baseline_leaves_the_fast_binding_in_place(tmp_path: Path) -> None:
    rows = [(1, None, True), (2, "x", None)]
    for stock in (True, False):
        wall, cpu = bare_executemany(
            tmp_path / f"{stock}.db", ["CREATE TABLE t (a, b, c)"],
            "INSERT INTO t VALUES (?, ?, ?)", rows, stock_binding=stock,
        )  # fmt: skip
        assert wall >= 0 and cpu >= 0
        assert _registered() == [True, True]
