"""BENCH gui_heartbeat_*: the window never freezes while long work runs (issue #20, item 7).

A 10 ms ``QTimer`` on the GUI thread records the longest gap between its ticks while the
app's own task runner (``desktop.views.tasks.TaskRunner``, a worker thread with progress
signals) runs, offscreen: a 100k-row roster import, a 100k-member sync apply, and 1000
cards to PDF; then the member table (the real model in a ``QTableView``) is scrolled from
the first member to the last of a 1M registry, page by page, with every repaint and
``fetchMore`` on the GUI thread. Goal: the longest gap ≤ 100 ms in each (a clerk notices a
window that stops repainting for longer). The baseline printed is that bound; the comment
line gives the job's own duration, to show the work was real.

    python -m benchmarks.responsiveness [--rows 100000] [--cards 1000] [--table 1000000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks import bench_line, cached_database  # noqa: E402

GOAL_MS = 100.0
TICK_MS = 10


class Heartbeat:
    """The longest gap between ticks of a 10 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        self.longest = 0.0
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest * 1000


def run_task(work: Callable[[Any, Any], Any], beat: Heartbeat) -> tuple[float, float]:
    """Run ``work`` through the app's task runner with the GUI loop turning; returns
    (longest heartbeat gap in ms, the job's seconds)."""
    from PySide6.QtCore import QEventLoop

    from desktop.views.tasks import TaskRunner

    runner = TaskRunner()
    loop = QEventLoop()
    failures: list[BaseException] = []
    beat.start()
    began = time.perf_counter()
    runner.run(
        work,
        title="基准",
        parent=None,
        on_done=lambda _r: loop.quit(),
        on_error=lambda e: (failures.append(e), loop.quit()),
    )
    loop.exec()
    seconds = time.perf_counter() - began
    gap = beat.stop()
    runner.wait()
    if failures:
        raise failures[0]
    return gap, seconds


def report(figure: str, gap_ms: float, what: str) -> None:
    print(bench_line(f"gui_heartbeat_{figure}", gap_ms, GOAL_MS, "≤", 1.0), flush=True)
    print(f"# {what}", flush=True)


def roster_import(root: Path, rows: int, beat: Heartbeat) -> None:
    from benchmarks import roster_import as bench
    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.rosters import importer
    from desktop.services.rosters.checking import ImportOptions
    from desktop.services.unions import federations
    from desktop.services.unions import registry as unions

    roster = root / "roster.xlsx"
    bench.build_roster(roster, rows)
    db = open_database(resolve_paths(root / "import"))
    federations.create(db, "基准联合会", card_prefix="GH")
    for name in bench.UNIONS:
        unions.add(db, name)
    db.checkpoints.flush()

    def work(progress: Any, cancel: Any) -> object:
        options = ImportOptions(today=date(2026, 11, 21))
        preview = importer.prepare(db, roster, options, progress=progress, cancel=cancel)
        return importer.commit(db, preview, progress=progress, cancel=cancel)

    gap, seconds = run_task(work, beat)
    db.close()
    report("roster_import", gap, f"{rows} roster rows checked and imported in {seconds:.1f} s")


def sync_apply(root: Path, members: int, beat: Heartbeat) -> None:
    from sqlalchemy import insert

    from benchmarks.sync_export import _id_number, enrol
    from desktop.config import Paths
    from desktop.models import Federation, Member, Union
    from desktop.models.ids import new_id
    from desktop.opening import open_database
    from desktop.sync import export as ex
    from desktop.sync import office

    a = open_database(Paths(root / "a"))
    b = open_database(Paths(root / "b"))
    enrol(a, b, root)
    enrol(b, a, root)
    fid, uid = new_id(), new_id()
    rows = [
        {
            "id": new_id(),
            "union_id": uid,
            "name": f"会员{i:06d}",
            "id_number": _id_number(i % 10000),
            "phone": f"138{i:08d}",
            "membership_status": "active",
            "sort_key": "",
        }
        for i in range(members)
    ]
    with a.connect() as conn:  # the sender's registry, made directly: only the apply is timed
        conn.execute(insert(Federation), [{"id": fid, "name": "联合会", "card_prefix": "T"}])
        conn.execute(
            insert(Union), [{"id": uid, "federation_id": fid, "name": "甲", "sort_key": ""}]
        )
        for i in range(0, len(rows), 10_000):
            conn.execute(insert(Member), rows[i : i + 10_000])
    pkg = root / "full.udsync"
    ex.export(a, pkg, full=True)
    a.close()
    b.checkpoints.flush()

    def work(progress: Any, cancel: Any) -> object:
        return office.import_package(b, pkg)

    gap, seconds = run_task(work, beat)
    b.close()
    report("sync_apply", gap, f"{members} received members applied in {seconds:.1f} s")


def cards(count: int, beat: Heartbeat) -> None:
    import io

    from benchmarks.print_cards import make_records
    from desktop.printing.cards import render_cards
    from desktop.printing.fonts import fonts

    records = make_records(count)
    fonts()

    def work(progress: Any, cancel: Any) -> object:
        out = io.BytesIO()
        render_cards(records, out, layout="sheet")
        return len(out.getvalue())

    gap, seconds = run_task(work, beat)
    report("cards", gap, f"{count} cards drawn to PDF in {seconds:.1f} s")


def table_scroll(members: int, beat: Heartbeat) -> None:
    from PySide6.QtWidgets import QApplication, QTableView

    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.views.qtmodels.member_table import MemberTableModel

    db = open_database(resolve_paths(cached_database(members, 0)))
    model = MemberTableModel(db)
    view = QTableView()
    view.resize(1200, 700)
    view.setModel(model)
    view.show()
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    bar = view.verticalScrollBar()
    beat.start()
    began = time.perf_counter()
    steps = 0
    while True:  # to the bottom, a page at a time, as far as the model can fetch
        bar.setValue(bar.maximum())
        app.processEvents()
        steps += 1
        if not model.canFetchMore():
            break
    seconds = time.perf_counter() - began
    gap = beat.stop()
    shown = model.rowCount()
    view.close()
    db.close()
    report(
        "member_table_scroll",
        gap,
        f"scrolled to member {shown} of a {members}-member registry in {steps} steps, "
        f"{seconds:.1f} s",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--table", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    from desktop.views.app import application

    application()
    beat = Heartbeat()
    with tempfile.TemporaryDirectory(prefix="uniondesk-heartbeat-") as tmp:
        root = Path(tmp)
        for part in ("roster", "sync"):
            (root / part).mkdir()
        roster_import(root / "roster", args.rows, beat)
        sync_apply(root / "sync", args.rows, beat)
        cards(args.cards, beat)
    table_scroll(args.table, beat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
