"""Every figure before and after a change, in one run: ``python -m benchmarks.before_after``.

A refactor must show that the figures held, measured side by side on the same machine
at the same time (a figure from another day or another load says little). This checks
the ``--before`` revision out into a temporary git worktree and runs each benchmark
module there and in this tree, alternating which goes first in each round, and prints
every ``BENCH`` line tagged ``before``/``after`` plus a table for docs/benchmarks.md.
Both sides run with this interpreter and its installed packages; each side imports its
own ``desktop`` (the child runs with that tree as its working directory and first path).

    python -m benchmarks.before_after --before main --only bulk_insert,search --rounds 2
    python -m benchmarks.before_after --before b364e35 --only roster_import --args "--rows 20000"
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DEFAULT = (
    "bulk_insert",
    "sync_export",
    "roster_import",
    "roster_export",
    "search",
    "generate",
    "dashboard",
    "first_screen",
    "cold_start",
    "quick_check",
    "print_cards",
)
BENCH = re.compile(r"^BENCH (\S+) project=(\S+) baseline=(\S+) ratio=(\S+) goal=(\S+) (\w+)")


def run_side(tree: Path, module: str, extra: list[str]) -> list[str]:
    """The BENCH and comment lines one benchmark printed, run from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *extra],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(("BENCH", "#"))]
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        lines.append(f"# exit {done.returncode}: {' | '.join(tail)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision to compare against")
    parser.add_argument("--only", default=",".join(DEFAULT), help="comma-separated modules")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--args", default="", help="extra arguments for every module")
    args = parser.parse_args(argv)
    modules = [m.strip() for m in args.only.split(",") if m.strip()]
    extra = args.args.split()
    results: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    with tempfile.TemporaryDirectory(prefix="uniondesk-before-") as tmp:
        before = Path(tmp) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before), args.before],
            cwd=HERE,
            check=True,
            capture_output=True,
        )
        try:
            for module in modules:
                for round_no in range(args.rounds):
                    sides = [("before", before), ("after", HERE)]
                    if round_no % 2:
                        sides.reverse()
                    for label, tree in sides:
                        for line in run_side(tree, module, extra):
                            print(f"{label:6} {line}", flush=True)
                            found = BENCH.match(line)
                            if found:
                                results.setdefault((found[1], label), []).append(found.groups())
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=HERE, check=False
            )
    print("\n| figure | goal | before (project / ratio) | after (project / ratio) |")
    print("|---|---|---|---|")
    for figure in dict.fromkeys(name for name, _label in results):
        cells = []
        for label in ("before", "after"):
            runs = results.get((figure, label), [])
            cells.append("; ".join(f"{r[1]} / {float(r[3]):.3f} {r[5]}" for r in runs) or "—")
        goal = next(iter(results.get((figure, "after")) or results[(figure, "before")]))[4]
        print(f"| {figure} | {goal} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
