"""Soak: many random convergence scenarios. python -m benchmarks.sync_soak [--scenarios N]"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from desktop.config import resolve_paths
from desktop.db import open_database
from tests.unit.sync import scenario


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "template"
        db = open_database(resolve_paths(folder))
        with db.connect() as conn:
            for table in ("sync_context", "sync_clock", "sync_node"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        template = folder / "uniondesk.db"
        rng = random.Random(args.seed)
        passed = 0
        start = time.perf_counter()
        for i in range(args.scenarios):
            outcome = scenario.run(
                rng.getrandbits(32), template, rng.randint(3, 8), rng.randint(5, 25), Path(tmp)
            )
            if outcome.ok:
                passed += 1
            else:
                print(f"scenario {i} FAILED: {outcome.detail}")
        took = time.perf_counter() - start
        print(f"SOAK sync_convergence passed={passed} of {args.scenarios} in {took:.0f}s")


if __name__ == "__main__":
    main()
