"""Figure: many clerks at once on one hub (issue #25 item 7, "concurrent clerks").

A throw-away PostgreSQL cluster (tests/pg_server.py) holds a hub migrated by the
application itself (``open_database`` with a PostgreSQL URL), one federation, ten unions
and ``--members`` members loaded through the member writer (``writer.insert_rows`` in
chunks under ``SET_BASED_FROM``: the triggers' capture and counts, the hub's search
index — the path a typed member takes, in bulk). Then ``--clerks`` client processes,
each with its own engine as a clerk's PC would have, run a mixed loop for ``--seconds``:

- search (45%): a name's first one or two characters, pinyin initials, an ID tail of 4–6
  digits, a phone fragment of 4 (``queries.find``, the search box);
- open (25%): one member (``registry.get``);
- save (25%): open a member, wait a quick clerk's moment (30 ms), save a new phone with the
  version check (``registry.update(…, seen=record.seen())``). One save in three is of
  one of 8 "hot" members every clerk edits, so some saves meet another clerk's and are
  refused (``EditConflictError``: counted as refused, not as errors);
- add (5%): register a new member (``registry.add``: a card number from the counter).

The same loop with one process is the baseline. Printed: operations per second and p95
by kind, refusals, errors (any other exception; must be 0), and the card numbers'
uniqueness over the whole registry afterwards. Goal: p95 of a save ≤ 200 ms with the
clerks at once, 0 errors, no card number held twice.

    python -m benchmarks.hub_clerks [--members 50000] [--clerks 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stdnum.cn import ric

from benchmarks import bench_line

KINDS = ("search", "open", "save", "add")
WEIGHTS = (45, 25, 25, 5)
HOT = 8  # members every clerk edits now and then
THINK = 0.03  # seconds between opening a member and saving it (a quick clerk)
LOAD_CHUNK = 199  # under the writer's SET_BASED_FROM: the bulk append is not on the hub yet
UNIONS = 10
SETTINGS = {"shared_buffers": "256MB", "max_connections": "60", "autovacuum": "on"}
ADD_AREA = "650102"  # not one of the generator's areas: added ID numbers never collide


@dataclass
class Result:
    """One process's loop: latencies (seconds) by kind, refusals and errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    refused: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0


@dataclass(frozen=True)
class Sample:
    """What the clerks pick from: member ids and typed queries (no personal data
    printed: only counts and times leave the processes)."""

    ids: list[str]
    hot: list[str]
    queries: list[str]
    union_ids: list[str]


def _id_number(area: str, born: date, serial: int) -> str:
    body = f"{area}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _load(url: str, folder: Path, total: int, seed: int) -> Sample:
    """Migrate, make the federation and unions, load ``total`` members; the sample."""
    from benchmarks.hub_search import _members
    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.members import writer
    from desktop.services.unions import federations
    from desktop.services.unions import registry as unions
    from desktop.storage.pinyin import name_pinyin

    db = open_database(resolve_paths(folder, url))
    try:
        federations.create(db, "甲区总工会")
        union_ids = [unions.add(db, f"第{i + 1}机械厂工会").id for i in range(UNIONS)]
        rng = random.Random(seed)
        ids: list[str] = []
        queries: list[str] = []
        for chunk in _members(total, seed):
            rows: list[dict[str, Any]] = [
                {
                    "name": m.name,
                    "id_number": m.id_number,
                    "union_id": union_ids[m.member_id % UNIONS],
                    "phone": m.phone,
                    "card_no": f"L{m.member_id:07d}",
                    "membership_status": "active",
                }
                for m in chunk
            ]
            for start in range(0, len(rows), LOAD_CHUNK):
                with db.connect() as conn:
                    ids += writer.insert_rows(conn, rows[start : start + LOAD_CHUNK])
            for m in rng.sample(chunk, min(len(chunk), 200)):
                kind = rng.randrange(4)
                if kind == 0:
                    queries.append(m.name[: rng.choice((1, 2))])
                elif kind == 1:
                    queries.append(name_pinyin(m.name).initials)
                elif kind == 2:
                    queries.append(m.id_number[-rng.choice((4, 5, 6)) :])
                else:
                    at = rng.randrange(len(m.phone) - 4)
                    queries.append(m.phone[at : at + 4])
        with db.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.close()
    return Sample(ids=ids, hot=rng.sample(ids, HOT), queries=queries, union_ids=union_ids)


def _clerk(
    url: str,
    folder: str,
    sample: Sample,
    seconds: float,
    number: int,
    serial: int,
    ready: Any,
    go: Any,
    out: Any,
) -> None:
    """One clerk's process: open the hub, wait for the others, loop, report."""
    from desktop.config import resolve_paths
    from desktop.errors import EditConflictError
    from desktop.opening import open_database
    from desktop.services.members import queries
    from desktop.services.members import registry as members

    result = Result()
    rng = random.Random(1000 + number)
    added = 0
    try:
        db = open_database(resolve_paths(Path(folder), url))
    except Exception:
        result.errors["open: " + traceback.format_exc(limit=0).strip()[:200]] += 1
        ready.put(number)
        out.put(result)
        return
    ready.put(number)
    go.wait()
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            t0 = time.perf_counter()
            try:
                if kind == "search":
                    with db.connect(write=False) as conn:
                        queries.find(conn, rng.choice(sample.queries))
                elif kind == "open":
                    members.get(db, rng.choice(sample.ids))
                elif kind == "save":
                    pool = sample.hot if rng.random() < 1 / 3 else sample.ids
                    record = members.get(db, rng.choice(pool))
                    time.sleep(THINK)
                    t0 = time.perf_counter()  # the save alone: what the clerk waits for
                    phone = f"139{rng.randrange(10**8):08d}"
                    members.update(db, record.id, {"phone": phone}, seen=record.seen())
                else:
                    born = date(1960, 1, 1) + timedelta(days=added)
                    members.add(
                        db,
                        {
                            "name": "新会员",
                            "id_number": _id_number(ADD_AREA, born, serial),
                            "union_id": rng.choice(sample.union_ids),
                        },
                    )
                    added += 1
            except EditConflictError:
                result.refused += 1
                continue
            except Exception as error:  # counted and named, never with its text
                result.errors[f"{kind}: {type(error).__name__}"] += 1
                continue
            result.latencies[kind].append(time.perf_counter() - t0)
    finally:
        result.elapsed = time.perf_counter() - started
        db.close()
        out.put(result)


def run_clerks(
    url: str, sample: Sample, clerks: int, seconds: float, work: Path, first_serial: int
) -> Result:
    """``clerks`` processes at once (spawned: each a fresh interpreter, as a PC is);
    clerk n's new members have ID numbers with serial ``first_serial + n``: a run's
    additions never repeat another's (a repeated ID number is refused)."""
    context = multiprocessing.get_context("spawn")
    ready, out = context.Queue(), context.Queue()
    go = context.Event()
    processes = [
        context.Process(
            target=_clerk,
            args=(
                url,
                str(work / f"clerk{n}"),
                sample,
                seconds,
                n,
                first_serial + n,
                ready,
                go,
                out,
            ),
        )
        for n in range(clerks)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=300)
    go.set()
    total = Result()
    for _ in processes:
        part: Result = out.get(timeout=seconds + 300)
        for kind in KINDS:
            total.latencies[kind] += part.latencies[kind]
        total.refused += part.refused
        total.errors.update(part.errors)
        total.elapsed = max(total.elapsed, part.elapsed)
    for process in processes:
        process.join(timeout=60)
    return total


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _describe(label: str, result: Result) -> str:
    parts = []
    for kind in KINDS:
        done = result.latencies[kind]
        parts.append(
            f"{kind} {len(done) / result.elapsed:.1f}/s p95 {_p95(done) * 1000:.1f} ms"
            if done
            else f"{kind} 0/s"
        )
    ops = sum(len(v) for v in result.latencies.values())
    errors = sum(result.errors.values())
    return (
        f"# {label}: {ops / result.elapsed:.1f} ops/s; " + ", ".join(parts)
        + f"; refused {result.refused}; errors {errors}"
        + (f" {dict(result.errors)}" if errors else "")
    )  # fmt: skip


def _card_duplicates(url: str) -> tuple[int, int]:
    """(card numbers held by more than one current member, members added by clerks)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            twice = conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT card_no FROM members WHERE deleted = 0 "
                "AND card_no IS NOT NULL GROUP BY card_no HAVING count(*) > 1) AS d"
            ).scalar_one()
            added = conn.execute(
                text("SELECT count(*) FROM members WHERE card_no NOT LIKE :loaded"),
                {"loaded": "L%"},
            ).scalar_one()
    finally:
        engine.dispose()
    return int(twice), int(added)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--clerks", type=int, default=8, choices=range(1, 99))
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--goal-ms", type=float, default=200.0)
    args = parser.parse_args(argv)

    from tests.pg_server import PostgresServer

    with (
        tempfile.TemporaryDirectory(prefix="ud-clerks-") as tmp,
        PostgresServer(SETTINGS) as server,
    ):
        work = Path(tmp)
        server.create_database("hub")
        url = server.url("hub")
        t0 = time.perf_counter()
        sample = _load(url, work / "loader", args.members, args.seed)
        loaded = time.perf_counter() - t0
        one = run_clerks(url, sample, 1, args.seconds, work / "one", 999)
        many = run_clerks(url, sample, args.clerks, args.seconds, work / "many", 900)
        twice, added = _card_duplicates(url)

    errors = sum(one.errors.values()) + sum(many.errors.values())
    save_many = _p95(many.latencies["save"]) * 1000
    save_one = _p95(one.latencies["save"]) * 1000
    sound = errors == 0 and twice == 0
    print(
        bench_line(
            "hub_clerks_save_p95_ms",
            save_many,
            save_one,
            "≤",
            args.goal_ms,
            value=save_many if sound else float("inf"),
        )
    )
    ops_many = sum(len(v) for v in many.latencies.values()) / many.elapsed
    ops_one = sum(len(v) for v in one.latencies.values()) / one.elapsed
    print(bench_line("hub_clerks_ops_per_s", ops_many, ops_one, "≥", 1.0))
    print(
        f"# {args.members} members loaded through the writer in {loaded:.0f} s; "
        f"{args.clerks} clerks vs 1, {args.seconds:g} s each"
    )
    print(_describe(f"{args.clerks} clerks", many))
    print(_describe("1 clerk", one))
    print(
        f"# card numbers: {added} members added by clerks, "
        f"{twice} card numbers held twice ({'unique' if twice == 0 else 'DUPLICATES'}); "
        f"errors {errors}"
    )
    return 0 if sound else 1


if __name__ == "__main__":
    raise SystemExit(main())
