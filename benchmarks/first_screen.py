"""BENCH first_screen: the member list's first screen over 1,000,000 members.

Reuses the demo registry every benchmark shares (``benchmarks.cached_database``: 1M
members with real names and pinyin sort keys, mixed statuses; built once per size and
seed, opened in place — the page only reads). Then, in the same run:

* project — the real 会员管理 page (``MembersPage``: filters, lazy ``MemberTableModel``,
  table view) created, shown and painted offscreen until its first 200 rows are on the
  screen. Goal: ≤ 100 ms.
* baseline — what a naive table does: read every current member's list columns in
  display order (plain sqlite3 ``fetchall``, not even building Qt items).

    python -m benchmarks.first_screen [--members 1000000] [--seed 0] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchmarks import cached_database, median_seconds
from desktop.storage import rawconn

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GOAL = 0.100


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from desktop.config import Paths
    from desktop.opening import open_database
    from desktop.views.app import application, install_font
    from desktop.views.context import AppContext
    from desktop.views.members.page import MembersPage
    from desktop.views.tasks import SyncTaskRunner

    app = application()
    install_font(app)
    t0 = time.perf_counter()
    folder = cached_database(args.members, args.seed)
    print(f"# {args.members:,} members ready in {time.perf_counter() - t0:.1f}s ({folder})")
    db = open_database(Paths(folder))
    ctx = AppContext(db, SyncTaskRunner())
    shown: list[int] = []
    counted: list[float] = []

    def project() -> float:
        t0 = time.perf_counter()
        page = MembersPage(ctx)
        page.resize(1200, 760)
        page.show()
        page.grab()  # paints the visible rows
        elapsed = time.perf_counter() - t0
        shown.append(page.model.rowCount())
        # The total (共 N 人) is counted just after the first paint; time it apart.
        t1 = time.perf_counter()
        QApplication.processEvents()
        counted.append(time.perf_counter() - t1)
        page.close()
        page.deleteLater()
        QApplication.processEvents()
        return elapsed

    def baseline() -> None:
        con = rawconn.connect(folder / "uniondesk.db")
        try:
            con.execute(
                "SELECT m.rowid, m.id, m.name, m.gender, m.birth_date, u.name, m.id_number, "
                "m.phone, m.card_no, m.membership_status, m.joined_on, "
                "m.is_migrant_worker, m.sort_key FROM members m "
                "JOIN unions u ON u.id = m.union_id WHERE m.deleted = 0 AND "
                "m.membership_status IN ('active', 'retained') "
                "ORDER BY m.sort_key, m.rowid"
            ).fetchall()
        finally:
            con.close()

    try:
        project()  # warm the page cache and imports, as a second opening would be
        p = statistics.median(project() for _ in range(args.repeat))
        b = median_seconds(baseline, max(1, min(args.repeat, 3)))
    finally:
        db.close()
    print(
        f"# rows held by the model after the first screen: {shown[-1]}; "
        f"total count shown {statistics.median(counted):.3f}s after the first paint"
    )
    verdict = "MET" if p <= GOAL else "MISSED"
    print(
        f"BENCH first_screen project={p:.3f}s baseline={b:.3f}s ratio={p / b:.3f} "
        f"goal=≤{GOAL:.3f}s {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
