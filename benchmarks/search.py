"""Figure: one-box search on 1M members — p95 ≤ 10 ms, and ≥ 15× faster than a LIKE scan.

Queries are drawn from the data: 1–3 Chinese characters of names, pinyin initials and
full pinyin, ID-number tails, phone fragments and card numbers. Baseline: a LIKE scan of
the same queries over the same columns (name, sort_key pinyin, id_number, phone, card_no)
with the same LIMIT, in the same run. The database file is read once before either side
is timed (steady state, not the disk); the comment line says how long that took.
"""

from __future__ import annotations

import argparse
import random
import time

from benchmarks import bench_line, cached_database
from desktop.storage import rawconn


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _queries(raw: rawconn.Connection, rng: random.Random, count: int) -> list[str]:
    from desktop.storage.pinyin import name_pinyin

    top = raw.execute("SELECT max(rowid) FROM members").fetchone()[0]
    out: list[str] = []
    while len(out) < count:
        row = raw.execute(
            "SELECT name, id_number, phone, card_no FROM members WHERE rowid = ?",
            (rng.randrange(1, top + 1),),
        ).fetchone()
        if row is None:
            continue
        name, id_number, phone, card = row
        py = name_pinyin(name)
        kind = len(out) % 7
        if kind == 0:
            out.append(name[: rng.randint(1, min(3, len(name)))])
        elif kind == 1:
            out.append(name[rng.randrange(len(name))])
        elif kind == 2:
            out.append(py.initials)
        elif kind == 3:
            out.append(py.full)
        elif kind == 4:
            out.append(id_number[-rng.randint(4, 6) :])
        elif kind == 5 and phone:
            start = rng.randrange(3, 7)
            out.append(phone[start : start + 4])
        elif card:
            out.append(card)
    return out


LIKE_SQL = (
    "SELECT rowid FROM members WHERE deleted = 0 AND (name LIKE :q OR replace(sort_key, ' ', '') "
    "LIKE :q OR id_number LIKE :q OR phone LIKE :q OR card_no LIKE :q) LIMIT :n"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", type=int, default=210)
    args, _ = parser.parse_known_args(argv)

    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.members import queries as member_queries

    folder = cached_database(args.members, args.seed)
    # Both sides are measured in the steady state of an office PC that has the database
    # in its file cache: read the file once first, so a run right after another
    # benchmark's gigabytes of writes (which evict it) does not time the disk instead.
    began = time.perf_counter()
    with open(folder / "uniondesk.db", "rb") as whole:
        while whole.read(1 << 24):
            pass
    read_seconds = time.perf_counter() - began
    db = open_database(resolve_paths(folder))
    raw = rawconn.connect(folder / "uniondesk.db")
    queries = _queries(raw, random.Random(args.seed), args.queries)
    project: list[float] = []
    baseline: list[float] = []
    with db.connect(write=False) as conn:
        for q in queries[:10]:  # warm the page cache for both sides
            member_queries.find(conn, q, 50)
        for q in queries:
            start = time.perf_counter()
            member_queries.find(conn, q, 50)
            project.append(time.perf_counter() - start)
    for q in queries:
        start = time.perf_counter()
        raw.execute(LIKE_SQL, {"q": f"%{q.lower()}%", "n": 50}).fetchall()
        baseline.append(time.perf_counter() - start)
    raw.close()
    db.close()
    p, b = _p95(project), _p95(baseline)
    print(bench_line("search_p95", p, b, "≤", 0.010, value=p))
    print(bench_line("search_vs_like", p, b, "≥", 15, value=b / p))
    print(
        f"# {len(queries)} queries on {args.members} members; the database file read into "
        f"the file cache first in {read_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
