"""Soak: many random convergence scenarios. python -m benchmarks.sync_soak [--scenarios N]

Each scenario is the property test's: 3–8 PCs, each a real SQLite file with its own keys,
real signed and encrypted package files, duplicates, drops, relays and late deliveries.
Scenarios are independent, so they run on every core (``--workers``); the scenario list
is drawn from ``--seed`` up front, so a failure prints everything needed to rerun it
alone (``--only INDEX``). Every odd-numbered scenario also sets PCs' dates wrong and
back again (``scenario.SKEWS``: ±10 years, days ahead, weeks and a year behind).
``--progress FILE`` appends a line every ``--every`` scenarios.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import tempfile
import time
from pathlib import Path

from desktop.config import ENV_STATE_DIR, resolve_paths
from desktop.opening import open_database
from tests.unit.sync import scenario

Job = tuple[int, int, int, int]  # index, seed, nodes, steps

_template: Path | None = None
_folder: Path | None = None


def make_template(folder: Path) -> Path:
    """A migrated file with no identity: each node copies it and makes its own keys."""
    db = open_database(resolve_paths(folder))
    with db.connect() as conn:
        for table in ("sync_context", "sync_clock", "sync_node"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / "uniondesk.db"


def jobs(count: int, seed: int) -> list[Job]:
    rng = random.Random(seed)
    return [(i, rng.getrandbits(32), rng.randint(3, 8), rng.randint(5, 25)) for i in range(count)]


def _init(template: Path, folder: Path) -> None:
    global _template, _folder
    _template, _folder = template, folder


def run_job(job: Job) -> tuple[Job, bool, str]:
    assert _template is not None
    i, seed, nodes, steps = job
    try:
        outcome = scenario.run(seed, _template, nodes, steps, _folder, clocks=i % 2 == 1)
    except Exception as exc:  # a crash is a failed scenario, reported with its inputs
        return job, False, f"crashed: {exc!r}"
    return job, outcome.ok, outcome.detail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", type=int, default=None, help="rerun one scenario by index")
    parser.add_argument(
        "--first", type=int, default=0, help="start at this index (a second run takes the tail)"
    )
    parser.add_argument("--progress", type=Path, default=None)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    todo = jobs(args.scenarios, args.seed)
    if args.only is not None:
        todo = [todo[args.only]]
    else:
        todo = todo[args.first :]
    import desktop.storage.pinyin  # noqa: F401  loaded once before the workers fork

    with tempfile.TemporaryDirectory() as tmp:
        # the installation's secret and node markers in the run's tmp, never the real home
        os.environ[ENV_STATE_DIR] = str(Path(tmp) / "state")
        template = make_template(Path(tmp) / "template")
        passed = done = 0
        start = time.perf_counter()
        log = args.progress.open("a", encoding="utf-8") if args.progress else None
        ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ctx.Pool(args.workers, _init, (template, Path(tmp))) as pool:
            for job, ok, detail in pool.imap_unordered(run_job, todo, chunksize=2):
                done += 1
                if ok:
                    passed += 1
                else:
                    i, seed, nodes, steps = job
                    line = (
                        f"scenario {i} FAILED (seed={seed} nodes={nodes} steps={steps} "
                        f"clocks={i % 2 == 1}): {detail}"
                    )
                    print(line, flush=True)
                    if log:
                        log.write(line + "\n")
                if log and (done % args.every == 0 or done == len(todo)):
                    took = time.perf_counter() - start
                    log.write(f"{done}/{len(todo)} passed={passed} {took:.0f}s\n")
                    log.flush()
        took = time.perf_counter() - start
        line = f"SOAK sync_convergence passed={passed} of {len(todo)} in {took:.0f}s"
        print(line, flush=True)
        if log:
            log.write(line + "\n")
            log.close()


if __name__ == "__main__":
    main()
