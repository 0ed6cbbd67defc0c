"""Figure: the hub's one-box search on PostgreSQL at 5,000,000 members (issue #25) —
p95 ≤ 20 ms, and ≥ 15× faster than an ILIKE scan of the members table in the same run.

A throw-away PostgreSQL cluster (the tests' server code, tests/pg_server.py, as a plain
context manager) gets a ``members`` table of generated members (names as the demo
generator makes them, valid-looking ID numbers, phones, card numbers) loaded with COPY,
and the search index (``desktop.storage.pg_search``) loaded with COPY FREEZE in the same
transaction, its indexes built after. Queries are drawn from the members, seven kinds in
turn as benchmarks/search.py draws them: 1–3 leading characters of a name, one
character, initials, the full reading, an ID tail of 4–6, a phone fragment of 4, a card
number. The baseline is an ILIKE scan of the same columns (name, full reading, ID number,
phone, card number) with the same LIMIT, over every ``--baseline-every``-th query (the
same mix: 7 kinds in turn; a scan of 5M rows takes seconds, so not all of them).

    python -m benchmarks.hub_search [--members 5000000] [--queries 301]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Connection, create_engine, text

# The server settings of a bulk load on a shared 2-core machine: WAL skipped for tables
# made in the loading transaction, memory for the index sorts, no autovacuum mid-run.
BENCH_SETTINGS = {
    "shared_buffers": "2GB",
    "maintenance_work_mem": "1GB",
    "work_mem": "64MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "60min",
    "autovacuum": "off",
    "max_parallel_maintenance_workers": "1",
}
CHUNK = 50_000
KINDS = ("name", "char", "initials", "reading", "id_tail", "phone", "card")
BASELINE_SQL = (
    "SELECT member_id FROM members WHERE name ILIKE :q OR reading ILIKE :q "
    "OR id_number ILIKE :q OR phone ILIKE :q OR card_no ILIKE :q LIMIT :n"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_AREAS = ("440304", "440305", "440306", "110101", "310104", "420102", "510104", "430102")


class Member(NamedTuple):
    member_id: int
    name: str
    id_number: str
    phone: str
    card_no: str


def _members(total: int, seed: int) -> Iterator[list[Member]]:
    """Chunks of generated members, ids 1…total (the demo generator's name pools)."""
    from desktop.demo.generate import (
        _FEMALE,
        _GIVEN_POOL,
        _MALE,
        PHONE_PREFIXES,
        SURNAMES,
        _given_names,
        _weighted,
    )

    rng = random.Random(seed)
    rand = rng.random
    given = (_given_names(rng, _MALE, _GIVEN_POOL), _given_names(rng, _FEMALE, _GIVEN_POOL))
    births = [
        f"{y}{m:02d}{d:02d}"
        for y in range(1960, 2006)
        for m in range(1, 13)
        for d in (1, 9, 17, 25)
    ]
    done = 0
    while done < total:
        n = min(CHUNK, total - done)
        surnames = _weighted(rng, SURNAMES, n)
        chunk: list[Member] = []
        for i, surname in enumerate(surnames, start=done + 1):
            body = (
                _AREAS[int(rand() * len(_AREAS))]
                + births[int(rand() * len(births))]
                + f"{int(rand() * 1000):03d}"
            )
            check = "10X98765432"[
                sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11
            ]
            pool = given[int(rand() * 2)]
            chunk.append(
                Member(
                    i,
                    surname + pool[int(rand() * _GIVEN_POOL)],
                    body + check,
                    f"{PHONE_PREFIXES[int(rand() * len(PHONE_PREFIXES))]}"
                    f"{int(rand() * 100_000_000):08d}",
                    f"GH2026{i:08d}",
                )
            )
        done += n
        yield chunk


def _load(
    conn: Connection, total: int, seed: int, sample: int
) -> tuple[list[Member], dict[str, float]]:
    """Load members and the index in one transaction; returns a sample of the members
    (queries are drawn from it) and the seconds spent in each step."""
    from desktop.storage import pg_search
    from desktop.storage.pinyin import name_pinyin

    rng = random.Random(seed + 1)
    kept: list[Member] = []
    seconds = {"members": 0.0, "index": 0.0, "indexes": 0.0}
    conn.exec_driver_sql(
        "CREATE TABLE members (member_id bigint NOT NULL, name text NOT NULL, reading text, "
        "id_number text, phone text, card_no text)"
    )
    pg_search.create_schema(conn, indexes=False)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    seen = 0
    for chunk in _members(total, seed):
        began = time.perf_counter()
        with cursor.copy("COPY members FROM STDIN WITH (FREEZE)") as copy:
            copy.write(
                "".join(
                    f"{m.member_id}\t{m.name}\t{name_pinyin(m.name).full}\t{m.id_number}\t"
                    f"{m.phone}\t{m.card_no}\n"
                    for m in chunk
                )
            )
        seconds["members"] += time.perf_counter() - began
        began = time.perf_counter()
        pg_search.index_rows(conn, chunk, freeze=True)
        seconds["index"] += time.perf_counter() - began
        for m in chunk:  # reservoir sample
            seen += 1
            if len(kept) < sample:
                kept.append(m)
            elif (j := rng.randrange(seen)) < sample:
                kept[j] = m
        print(f"# loaded {seen} members", flush=True)
    began = time.perf_counter()
    conn.exec_driver_sql("ALTER TABLE members ADD PRIMARY KEY (member_id)")
    seconds["members"] += time.perf_counter() - began
    began = time.perf_counter()
    pg_search.create_indexes(conn)
    seconds["indexes"] = time.perf_counter() - began
    return kept, seconds


def _queries(sample: list[Member], rng: random.Random, count: int) -> list[tuple[str, str]]:
    from desktop.storage.pinyin import name_pinyin

    out: list[tuple[str, str]] = []
    while len(out) < count:
        m = sample[rng.randrange(len(sample))]
        kind = KINDS[len(out) % len(KINDS)]
        py = name_pinyin(m.name)
        if kind == "name":
            q = m.name[: rng.randint(1, min(3, len(m.name)))]
        elif kind == "char":
            q = m.name[rng.randrange(len(m.name))]
        elif kind == "initials":
            q = py.initials
        elif kind == "reading":
            q = py.full
        elif kind == "id_tail":
            q = m.id_number[-rng.randint(4, 6) :]
        elif kind == "phone":
            start = rng.randrange(3, 7)
            q = m.phone[start : start + 4]
        else:
            q = m.card_no
        out.append((kind, q))
    return out


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hub_search")
    parser.add_argument("--members", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", type=int, default=301)
    parser.add_argument("--baseline-every", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    args, _ = parser.parse_known_args(argv)

    from desktop.storage import pg_search
    from tests.pg_server import PostgresServer, why_unavailable

    reason = why_unavailable()
    if reason is not None:  # ``python -m benchmarks`` on a PC without PostgreSQL
        print(f"# benchmarks.hub_search not run: {reason}")
        return
    with PostgresServer(BENCH_SETTINGS, parent=args.folder) as server:
        engine = create_engine(server.url())
        began = time.perf_counter()
        with engine.begin() as conn:
            sample, seconds = _load(conn, args.members, args.seed, 5_000)
        committed = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        load_seconds = time.perf_counter() - began
        seconds["commit+analyze"] = time.perf_counter() - committed
        with engine.connect() as conn:
            sizes = conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_total_relation_size('member_terms')) AS terms, "
                    "pg_size_pretty(pg_total_relation_size('member_search_docs')) AS docs, "
                    "pg_size_pretty(pg_total_relation_size('members')) AS members, "
                    "(SELECT count(*) FROM member_terms) AS rows"
                )
            ).one()
        queries = _queries(sample, random.Random(args.seed), args.queries)
        project: list[float] = []
        by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
        baseline: list[float] = []
        with engine.connect() as conn:
            for _kind, q in queries[:20]:  # warm the caches
                pg_search.search(conn, q, 50)
            for kind, q in queries:
                start = time.perf_counter()
                pg_search.search(conn, q, 50)
                elapsed = time.perf_counter() - start
                project.append(elapsed)
                by_kind[kind].append(elapsed)
            for _kind, q in queries[:: args.baseline_every]:
                start = time.perf_counter()
                conn.execute(text(BASELINE_SQL), {"q": f"%{q}%", "n": 50}).all()
                baseline.append(time.perf_counter() - start)
        engine.dispose()
    p, b = _p95(project) * 1000, _p95(baseline) * 1000
    ratio = b / p
    met = "MET" if p <= 20 and ratio >= 15 else "MISSED"
    print(
        f"BENCH hub_search_p95 project={p:.2f}ms baseline={b:.1f}ms ratio={ratio:.1f} "
        f"goal=p95<=20ms and >=15x {met}"
    )
    print(
        f"# {args.members} members loaded and indexed in {load_seconds:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
        + f"); member_terms {sizes.rows} rows, {sizes.terms}; docs {sizes.docs}; "
        f"members {sizes.members}"
    )
    print(
        f"# {len(project)} queries (index), {len(baseline)} of them (every "
        f"{args.baseline_every}th) for the ILIKE baseline; index p50 "
        f"{statistics.median(project) * 1000:.2f} ms, max {max(project) * 1000:.1f} ms; "
        "p95 by kind: "
        + ", ".join(f"{k} {_p95(v) * 1000:.2f}" for k, v in by_kind.items() if v)
        + " ms"
    )


if __name__ == "__main__":
    main()
