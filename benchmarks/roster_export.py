"""BENCH roster_export: 100k members to .xlsx vs a bare openpyxl write-only loop.

The project figure is ``export.export_members`` on the whole registry (masked, the
default): the query, code labels, masking, styled header, widths, print setup and the
save. The baseline writes the very same cell values (materialised beforehand) with a
plain ``Workbook(write_only=True)`` append loop and save. Goal: ≤ 1.3×. Both are timed
in CPU seconds of this process (``time.process_time``), best of two alternating runs,
so other load on a shared machine does not skew the ratio.

    python -m benchmarks.roster_export [--members 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from benchmarks import bench_line, cached_database
from desktop.config import resolve_paths
from desktop.opening import open_database
from desktop.services.members.queries import MemberFilter
from desktop.services.rosters.export import COLUMNS, export_members, member_rows

GOAL = 1.3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    folder = cached_database(args.members, args.seed)
    db = open_database(resolve_paths(folder))
    try:
        with db.connect(write=False) as conn:
            values = list(member_rows(conn, MemberFilter(), unmasked=False))
        with tempfile.TemporaryDirectory(prefix="uniondesk-export-") as tmp:
            base_times, project_times = [], []
            for _ in range(2):
                start = time.process_time()
                wb = Workbook(write_only=True)
                ws = wb.create_sheet("会员名册")
                ws.append([label for label, _ in COLUMNS])
                for row in values:
                    ws.append(row)
                wb.save(Path(tmp) / "bare.xlsx")
                base_times.append(time.process_time() - start)

                start = time.process_time()
                result = export_members(db, Path(tmp) / "project.xlsx", MemberFilter())
                project_times.append(time.process_time() - start)
                assert result.rows == len(values)
    finally:
        db.close()
    print(f"# {len(values)} rows", flush=True)
    print(bench_line("roster_export", min(project_times), min(base_times), "≤", GOAL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
