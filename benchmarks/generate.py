"""Figure: the demo generator fills 1,000,000 members in ≤ 60 s.

Project: ``demo.fill_demo`` on a fresh database (generation, card numbers, Core insert with
change capture and search index, one transaction). Baseline: the same member rows written
with raw ``sqlite3.executemany`` into a bare table (no triggers, no indexes).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import bench_line, remember


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args, _ = parser.parse_known_args(argv)

    from desktop.config import resolve_paths
    from desktop.db import open_database
    from desktop.services import demo

    with tempfile.TemporaryDirectory(prefix="uniondesk-gen-") as tmp:
        folder = Path(tmp) / "data"
        db = open_database(resolve_paths(folder))
        start = time.perf_counter()
        demo.fill_demo(db, members=args.members, seed=args.seed)
        project = time.perf_counter() - start
        db.close()

        src = sqlite3.connect(folder / "uniondesk.db")
        ddl = src.execute("SELECT sql FROM sqlite_master WHERE name = 'members'").fetchone()[0]
        rows = src.execute("SELECT * FROM members").fetchall()
        src.close()
        bare = sqlite3.connect(Path(tmp) / "bare.db", isolation_level=None)
        bare.execute("PRAGMA journal_mode = WAL")
        bare.execute("PRAGMA synchronous = NORMAL")
        bare.execute(ddl)
        marks = ", ".join("?" * len(rows[0])) if rows else "?"
        start = time.perf_counter()
        bare.execute("BEGIN")
        bare.executemany(f"INSERT INTO members VALUES ({marks})", rows)
        bare.execute("COMMIT")
        baseline = time.perf_counter() - start
        bare.close()
        remember(folder, args.members, args.seed)
    print(bench_line("generate_members", project, baseline, "≤", 60.0, value=project))
    print(f"# {args.members} members: project {project:.1f} s, raw executemany {baseline:.1f} s")


if __name__ == "__main__":
    main()
