"""Several clerks at once on one registry (issue #25, item 3), as separate processes.

Each worker process opens the same SQLite file in tmp_path (its own ``Database``, as a
second window or a second PC on a shared hub would) and works through the services;
a barrier starts them together so their transactions interleave. Card numbers and
transfer slip numbers must come out unique and without a gap (every number is taken
from its counter row in the transaction that writes it), and edits of different
members must all succeed with a short busy timeout: a write waits only for the other
clerk's single short transaction, never long enough for "database is locked".

``fork`` (not ``spawn``): a child starts in milliseconds with the parent's modules,
pinned clock and key directory; it opens its own engine and never touches the
parent's connections.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.config import Paths
from desktop.opening import open_database
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.transfers import records as transfers
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import database
from desktop.storage.database import Database
from tests.unit.sync.helpers import valid_id

WORKERS = 4
EACH = 8
# A write waiting longer than this for the other clerks fails with DatabaseBusyError.
SHORT_BUSY_TIMEOUT = 2.0


def _worker(
    job: Callable[[Database, int, list[Any]], list[Any]],
    folder: Path,
    index: int,
    work: list[Any],
    barrier: Any,
    results: Any,
) -> None:
    """Runs in the child: open the registry, wait for the others, do ``job``."""
    try:
        database.BUSY_TIMEOUT = SHORT_BUSY_TIMEOUT
        db = open_database(Paths(folder))
        try:
            barrier.wait(timeout=30)
            results.put((index, "ok", job(db, index, work)))
        finally:
            db.close()
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put((index, "error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def _run(
    db: Database, job: Callable[[Database, int, list[Any]], list[Any]], work: list[list[Any]]
) -> list[Any]:
    """``job`` in ``len(work)`` processes at once on ``db``'s file; their results, in
    worker order. The parent's own connections are closed first (no shared handles)."""
    folder = db.paths.data_dir
    db.close()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(work))
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(job, folder, i, part, barrier, results))
        for i, part in enumerate(work)
    ]
    for proc in procs:
        proc.start()
    got: dict[int, tuple[str, Any]] = {}
    for _ in procs:
        index, status, value = results.get(timeout=60)
        got[index] = (status, value)
    for proc in procs:
        proc.join(timeout=30)
    errors = [value for status, value in got.values() if status != "ok"]
    assert not errors, errors[0]
    return [got[i][1] for i in range(len(work))]


def _setup(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return unions.add(db, "华强电子有限公司工会").id


def _members(db: Database, union_id: str, count: int) -> list[str]:
    """``count`` members written in one transaction (setup, through the member writer)."""
    rows = [
        {"name": f"会员{i}", "id_number": valid_id(f"m{i}"), "union_id": union_id}
        for i in range(count)
    ]
    with db.connect() as conn:
        return member_writer.insert_rows(conn, rows)


def _register(db: Database, index: int, work: list[Any]) -> list[Any]:
    union_id, tokens = work
    cards = []
    for token in tokens:
        record, _ = members.add(
            db, {"name": f"新会员{token}", "id_number": valid_id(token), "union_id": union_id}
        )
        cards.append(record.card_no)
    return cards


def _transfer_out(db: Database, index: int, work: list[Any]) -> list[Any]:
    slips = []
    for member_id in work:
        slip = transfers.transfer_out(db, member_id, to_union_name="外区某公司工会").slip_no
        slips.append(slip)
    return slips


def _edit(db: Database, index: int, work: list[Any]) -> list[Any]:
    longest = 0.0
    for round_no in range(EACH):
        for member_id in work:
            started = time.perf_counter()
            seen = members.get(db, member_id).seen()
            members.update(db, member_id, {"notes": f"第{round_no}次"}, seen=seen)
            longest = max(longest, time.perf_counter() - started)
    return [longest]


def _tail(number: str, width: int) -> int:
    return int(number[-width:])


def test_card_numbers_unique_under_concurrent_registration(db: Database) -> None:
    union_id = _setup(db)
    work = [[union_id, [f"p{w}n{i}" for i in range(EACH)]] for w in range(WORKERS)]
    cards = [c for part in _run(db, _register, work) for c in part]
    assert len(cards) == WORKERS * EACH == len(set(cards))
    # one series, no gap: the counter moved once per number, inside each transaction
    assert len({c[:-5] for c in cards}) == 1
    assert sorted(_tail(c, 5) for c in cards) == list(range(1, WORKERS * EACH + 1))


def test_slip_numbers_unique_under_concurrent_transfers(db: Database) -> None:
    union_id = _setup(db)
    ids = _members(db, union_id, WORKERS * EACH)
    work = [ids[w::WORKERS] for w in range(WORKERS)]
    slips = [s for part in _run(db, _transfer_out, work) for s in part]
    assert len(slips) == WORKERS * EACH == len(set(slips))
    assert sorted(_tail(s, 4) for s in slips) == list(range(1, WORKERS * EACH + 1))


def test_edits_of_different_members_never_lock_each_other_out(db: Database) -> None:
    union_id = _setup(db)
    ids = _members(db, union_id, 4)
    work = [ids[:2], ids[2:]]  # two clerks, two members each
    # each worker also returns its longest read-and-save (0.02-0.07 s here: docs/HUB.md);
    # not asserted, tests never depend on wall-clock time
    _run(db, _edit, work)
    folder = db.paths.data_dir
    again = open_database(Paths(folder))
    try:
        with again.connect(write=False) as conn:
            rows = conn.execute(
                text("SELECT notes, version FROM members WHERE id IN (:a, :b, :c, :d)"),
                dict(zip("abcd", ids, strict=True)),
            ).all()
    finally:
        again.close()
    assert [(r.notes, r.version) for r in rows] == [(f"第{EACH - 1}次", 1 + EACH)] * 4
