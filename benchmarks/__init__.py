"""One script per speed figure of an issue; ``python -m benchmarks`` runs them all.

Each prints ``BENCH <figure> project=<s> baseline=<s> ratio=<project/baseline>
goal=<≤ or ≥ value> <MET|MISSED>`` and builds its own data in a temp dir.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

# A statement run before the timed insert: SQL alone, or SQL with its parameters.
Setup = str | tuple[str, Sequence[Any]]


def bench_line(
    figure: str,
    project: float,
    baseline: float,
    goal_op: str,
    goal: float,
    value: float | None = None,
) -> str:
    """``value`` is what the goal applies to (default: the ratio)."""
    ratio = project / baseline if baseline else float("inf")
    checked = ratio if value is None else value
    met = checked <= goal if goal_op == "≤" else checked >= goal
    return (
        f"BENCH {figure} project={project:.4f} baseline={baseline:.4f} ratio={ratio:.4f} "
        f"goal={goal_op}{goal:g} {'MET' if met else 'MISSED'}"
    )  # fmt: skip


def cache_dir(members: int, seed: int) -> Path:
    """Where the demo database of this size and seed is kept between benchmark scripts."""
    # "enc": encrypted registries (SQLCipher) since issue 23; a plain cache left by an
    # older checkout would otherwise be encrypted in place under this one's key
    return Path(tempfile.gettempdir()) / f"uniondesk-bench-enc-{members}-{seed}"


def cached_database(members: int, seed: int) -> Path:
    """A data dir holding a filled demo database (built once per size and seed)."""
    from desktop.config import resolve_paths
    from desktop.demo import generate as demo
    from desktop.opening import open_database

    folder = cache_dir(members, seed)
    if (folder / "complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    db = open_database(resolve_paths(folder))
    try:
        demo.fill_demo(db, members=members, seed=seed)
    finally:
        db.close()
    (folder / "complete").write_text("ok")
    return folder


def remember(folder: Path, members: int, seed: int) -> None:
    """Keep a database just built by a benchmark as the cache for this size and seed."""
    target = cache_dir(members, seed)
    if (target / "complete").exists() or folder == target:
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    (target / "complete").write_text("ok")
    os.sync()


def peak_rss_mb() -> float:
    """This process's own peak resident set size, in MiB, for a child to report.

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux keeps that figure across ``execve``,
    and ``subprocess`` starts a child by vfork + exec, so a child reported its parent's
    peak whenever that was higher (``python -m benchmarks`` printed 2514 MB for both the
    roster import and calamine: the peak of the earlier benchmarks run in the parent).
    ``VmHWM`` in /proc/self/status is the high-water mark of this program image alone.
    Elsewhere (no /proc) ``ru_maxrss`` is the best there is.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource  # POSIX only; benchmarks do not run on Windows

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_child(module: str, *args: str) -> Any:
    """The JSON a benchmark module prints last when run as a new process with ``args``.

    Why a new process: each run then starts as cold as a clerk's first import (no pinyin
    or search-term caches left from an earlier run), and its peak RSS (``peak_rss_mb``
    read in the child) is its own.
    """
    out = subprocess.run(
        [sys.executable, "-m", module, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def median_seconds(fn: Callable[[], object], repeat: int, *, warm: bool = False) -> float:
    """Median wall time of ``repeat`` calls; ``warm`` runs one untimed call first."""
    if warm:
        fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


@contextmanager
def driver_as_shipped() -> Iterator[None]:
    """Inside the block the registry's driver binds ``None`` and ``bool`` as shipped:
    without the adapters ``rawconn`` registers (a search of ~2 µs per such parameter)."""
    from desktop.storage import rawconn

    driver = rawconn.dbapi
    keys = [(type(None), driver.PrepareProtocol), (bool, driver.PrepareProtocol)]
    saved = {key: driver.adapters.pop(key) for key in keys if key in driver.adapters}
    try:
        yield
    finally:
        driver.adapters.update(saved)


def bare_executemany(
    path: Path,
    setup: Iterable[Setup],
    insert: str,
    rows: Sequence[Sequence[Any]],
    pragmas: Iterable[str] = (),
    after: Iterable[str] = (),
    *,
    stock_binding: bool,
    encrypted: bool = True,
) -> tuple[float, float]:
    """Wall and CPU seconds of ``rows`` written by one bare ``executemany`` in one
    transaction into a new WAL database at ``path``, after its ``setup`` statements: the
    raw SQLite baseline the write benchmarks compare with. ``pragmas`` without "PRAGMA";
    ``after``, statements timed in the same transaction after the rows (index builds).

    ``stock_binding``: True for a *baseline* (the driver binds ``None`` and ``bool`` as
    shipped, as every baseline did before the project taught it a faster way:
    ``rawconn._bind_fast_paths``); False for a *floor*, the least any code could spend,
    which takes the fastest binding there is. Said at every call, so no figure changes
    meaning silently.

    ``encrypted`` (the default): the file is written as the registry is, by the app's
    driver with a key of its own (SQLCipher: every page encrypted and authenticated,
    docs/SECURITY.md), so the baseline stores what the project stores in the same form.
    The benchmarks print the plain-SQLite figure beside it (``encrypted=False``: the
    standard library's ``sqlite3``, the baseline before the registry was encrypted).
    """
    con: Any
    if encrypted:
        from desktop.storage import rawconn

        con = rawconn.connect(path, autocommit=True, key=os.urandom(32))
    else:
        con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", *pragmas):
            con.execute(f"PRAGMA {pragma}")
        for statement in setup:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            con.execute(sql, params)
        with driver_as_shipped() if stock_binding and encrypted else nullcontext():
            start, cpu = time.perf_counter(), time.process_time()
            con.execute("BEGIN")
            con.executemany(insert, rows)
            for statement in after:
                con.execute(statement)
            con.execute("COMMIT")
            return time.perf_counter() - start, time.process_time() - cpu
    finally:
        con.close()
