"""Figure: bulk insert of 100k members with change capture ≤ 3× raw ``sqlite3.executemany``.

Project: ``members.insert_rows`` (the insert with its indexes, change capture and
dashboard counts written set-based, the search index) in one transaction. Baseline: the
same rows (as stored) written with ``executemany`` into the same table — the members
DDL with its secondary indexes, the app's page cache, no triggers — in one transaction,
same run. That is the baseline the sync apply benchmark uses for "raw executemany of the
same rows" too: the rows are not the same rows without the indexes that make them
findable. The comment line also gives the ratio to a bare table without any index (the
figure this script printed before 2026-11-21), what the search documents cost on their
own, and the CPU seconds of both sides (less skewed by other load on a shared machine
than the wall-clock figure).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import bare_executemany, bench_line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bulk_insert")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args, _ = parser.parse_known_args(argv)

    from desktop.config import resolve_paths
    from desktop.db import open_database
    from desktop.services import demo, members

    with tempfile.TemporaryDirectory(prefix="uniondesk-bulk-") as tmp:
        folder = Path(tmp) / "data"
        db = open_database(resolve_paths(folder))
        demo.fill_demo(db, members=0, unions=20, seed=args.seed)
        with db.connect() as conn:
            unions = [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM unions")]
        for u in unions:
            u["founded_on"] = date.fromisoformat(u["founded_on"])
        factory = demo._MemberFactory(random.Random(args.seed), demo.PARKS[0], unions, date.today())
        n = args.members
        rows = factory.rows(factory.draw_unions(n), ["active"] * n, [f"C{i:09d}" for i in range(n)])
        start, cpu = time.perf_counter(), time.process_time()
        with db.connect() as conn:
            members.insert_rows(conn, rows)
        project = time.perf_counter() - start
        project_cpu = time.process_time() - cpu
        # the WAL checkpoint the commit asked for, which runs after it on its own thread;
        # finished before the baseline starts, so the two never share the disk
        start = time.perf_counter()
        db.checkpoints.flush()
        checkpoint = time.perf_counter() - start
        db.close()

        src = sqlite3.connect(folder / "uniondesk.db")
        ddl = src.execute("SELECT sql FROM sqlite_master WHERE name = 'members'").fetchone()[0]
        indexes = [
            str(r[0])
            for r in src.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' "
                "AND sql IS NOT NULL"
            )
        ]
        stored = src.execute("SELECT * FROM members").fetchall()
        fts_ddl = src.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'member_search'"
        ).fetchone()[0]
        documents = src.execute("SELECT rowid, * FROM member_search").fetchall()
        src.close()

        def raw_insert(name: str, extra: list[str], pragmas: list[str]) -> float:
            marks = ", ".join("?" * len(stored[0]))
            elapsed, cpu_seconds[name] = bare_executemany(
                Path(tmp) / f"{name}.db",
                [ddl, *extra],
                f"INSERT INTO members VALUES ({marks})",
                stored,
                pragmas,
            )
            return elapsed

        def raw_documents() -> float:
            """The search documents alone, into an identical FTS5 table (no members)."""
            marks = ", ".join("?" * len(documents[0]))
            elapsed, _cpu = bare_executemany(
                Path(tmp) / "fts.db",
                [fts_ddl],
                f"INSERT INTO member_search (rowid, terms) VALUES ({marks})",
                documents,
                ["cache_size = -65536"],
            )
            return elapsed

        cpu_seconds: dict[str, float] = {}
        baseline = raw_insert("bare", [], [])
        # Where the project's time goes that is not ours to cut here: the same raw insert
        # with the members table's secondary indexes (the app's 64 MB page cache).
        app_cache = ["cache_size = -65536"]
        cached = raw_insert("cached", [], app_cache)
        dashboard = [s for s in indexes if "_stats_" in s]
        with_dashboard = raw_insert("dashboard", dashboard, app_cache)
        with_all = raw_insert("indexed", indexes, app_cache)
        fts_alone = raw_documents()
    print(bench_line("bulk_insert_members", project, with_all, "≤", 3))
    print(
        f"# {n} members; raw executemany into a bare table (no index) {baseline:.2f} s "
        f"(ratio {project / baseline:.2f}), with the app's cache {cached:.2f} s, "
        f"+ {len(dashboard)} dashboard indexes {with_dashboard:.2f} s, "
        f"+ all {len(indexes)} secondary indexes {with_all:.2f} s (the baseline); "
        f"the search documents alone into a bare FTS5 table {fts_alone:.2f} s; "
        f"the background WAL checkpoint after the commit {checkpoint:.2f} s more "
        f"(ratio with it {(project + checkpoint) / with_all:.2f}); "
        f"CPU s: project {project_cpu:.2f}, baseline {cpu_seconds['indexed']:.2f} "
        f"(ratio {project_cpu / cpu_seconds['indexed']:.2f})"
    )


if __name__ == "__main__":
    main()
