"""Figure: what encryption at rest (SQLCipher) costs — the same run, plain SQLite vs
SQLCipher, on the same data, through the application's own code.

Both registries are built here by the same bulk insert (the demo generator: members
with change capture and the search index, one transaction), one encrypted as the
application makes it, one plain (the application's opening with the key step turned
off: no ``keys.json``, so every connection is a plain SQLite one through the same
driver). Then, on each: the open (``open_database``, warm file cache, median), the
search box's p95 over the same queries, and ``Database.backup`` (copy, verify, and for the
encrypted one pack — compress and seal — and read back; median) with the size of the
file it leaves. Goals (docs/SECURITY.md says why these): bulk insert ≤ 1.3×, search p95
≤ 1.3×, open ≤ 1.5×, backup ≤ 1.5×, backup size ≤ 0.5× the plain copy.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import bench_line
from benchmarks.search import _p95, _queries
from desktop.storage import rawconn


@contextmanager
def _plain_storage() -> Iterator[None]:
    """The application's opening with no key step: the database stays plain SQLite."""
    from desktop.storage import database

    saved = database._prepare_key
    database._prepare_key = lambda _paths, *, allow_corrupt: None  # type: ignore[assignment]
    try:
        yield
    finally:
        database._prepare_key = saved  # type: ignore[assignment]


def _build(folder: Path, members: int, seed: int) -> float:
    from desktop.config import Paths
    from desktop.demo import generate as demo
    from desktop.opening import open_database

    db = open_database(Paths(folder))
    try:
        began = time.perf_counter()
        demo.fill_demo(db, members=members, seed=seed)
        db.checkpoints.flush()
        return time.perf_counter() - began
    finally:
        db.close()


def _open_seconds(folder: Path, repeat: int) -> float:
    from desktop.config import Paths
    from desktop.opening import open_database

    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        db = open_database(Paths(folder))
        runs.append(time.perf_counter() - began)
        db.close()
    return statistics.median(runs)


def _search_p95(folder: Path, queries: list[str]) -> float:
    from desktop.config import Paths
    from desktop.opening import open_database
    from desktop.services.members import queries as member_queries

    db = open_database(Paths(folder))
    samples = []
    try:
        with db.connect(write=False) as conn:
            for q in queries[:10]:  # warm the page cache
                member_queries.find(conn, q, 50)
            for q in queries:
                began = time.perf_counter()
                member_queries.find(conn, q, 50)
                samples.append(time.perf_counter() - began)
    finally:
        db.close()
    return _p95(samples)


def _backup_seconds(folder: Path, repeat: int) -> tuple[float, int]:
    """Median seconds of ``Database.backup`` and the size of the file it wrote (packed
    ``.udbak`` for the encrypted registry, an uncompressed copy for the plain one)."""
    from desktop.config import Paths
    from desktop.opening import open_database

    db = open_database(Paths(folder))
    runs, size = [], 0
    try:
        for i in range(repeat):
            began = time.perf_counter()
            made = db.backup(f"bench{i}")
            runs.append(time.perf_counter() - began)
            size = made.stat().st_size
    finally:
        db.close()
        shutil.rmtree(folder / "backups", ignore_errors=True)
    return statistics.median(runs), size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.encryption")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", type=int, default=140)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", help="keep the two registries here and reuse them next time")
    args, _ = parser.parse_known_args(argv)

    with tempfile.TemporaryDirectory(prefix="uniondesk-encryption-") as tmp:
        root = Path(args.data) if args.data else Path(tmp)
        enc, plain = root / "encrypted", root / "plain"
        built = (root / "complete").exists()
        insert_enc = insert_plain = 0.0
        if not built:
            insert_enc = _build(enc, args.members, args.seed)
            with _plain_storage():
                insert_plain = _build(plain, args.members, args.seed)
            (root / "complete").write_text("ok")
        assert not (plain / "keys.json").exists() and (enc / "keys.json").exists()
        raw = rawconn.connect(plain / "uniondesk.db", key=rawconn.PLAIN)
        try:
            queries = _queries(raw, random.Random(args.seed), args.queries)
        finally:
            raw.close()

        open_enc = _open_seconds(enc, args.repeat)
        backup_enc, packed_size = _backup_seconds(enc, args.repeat)
        with _plain_storage():
            open_plain = _open_seconds(plain, args.repeat)
            backup_plain, copy_size = _backup_seconds(plain, args.repeat)
        # two alternated rounds, the better p95 of each side: a busy PC's noise is
        # larger than the difference looked for
        enc_p95, plain_p95 = [], []
        for _ in range(2):
            enc_p95.append(_search_p95(enc, queries))
            with _plain_storage():
                plain_p95.append(_search_p95(plain, queries))
        search_enc, search_plain = min(enc_p95), min(plain_p95)
        size = (enc / "uniondesk.db").stat().st_size

    if not built:
        print(bench_line("encryption_bulk_insert", insert_enc, insert_plain, "≤", 1.3))
    print(bench_line("encryption_open", open_enc, open_plain, "≤", 1.5))
    print(bench_line("encryption_search_p95", search_enc, search_plain, "≤", 1.3))
    print(bench_line("encryption_backup", backup_enc, backup_plain, "≤", 1.5))
    # the space a backup takes: packed (compressed + encrypted) vs the plain copy
    print(bench_line("backup_size_mb", packed_size / 2**20, copy_size / 2**20, "≤", 0.5))
    print(
        f"# {args.members} members ({size / 2**20:.0f} MB encrypted), {len(queries)} queries, "
        f"median of {args.repeat} opens and backups, best of 2 search rounds; "
        "project = SQLCipher, baseline = plain"
    )


if __name__ == "__main__":
    main()
