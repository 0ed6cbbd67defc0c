"""BENCH cold_start: ``uniondesk`` to a shown main window on a 100,000-member database.

Opens the cached 100k-member demo registry (``benchmarks.cached_database``), then in
the same run times, as fresh processes, alternately:

* project — ``uniondesk`` (the installed console script, else ``python -m desktop``) with
  ``--data-dir`` and ``UNIONDESK_SCREENSHOT`` set: it opens the database, shows the main
  window with the member list, saves the shown window to a PNG and quits;
* baseline — a bare PySide6 process that creates a QApplication and an empty
  QMainWindow, shows it, saves it to a PNG the same way and quits;
* floor (a ``#`` line) — the same bare window after what no registry window can skip
  with this stack: importing SQLAlchemy, unwrapping the key, opening the encrypted file
  through a SQLAlchemy engine and reading one row. What the project spends beyond it is
  its own (modules, pages, queries).

Each run is timed from just before the process is started to the moment its screenshot
file is written (the file's modification time, which the kernel keeps to a few ms): that
is "to a shown main window", the figure the issue names. Both processes then quit; the
time to process exit is printed too (a ``#`` line). ``uniondesk`` holds the work its first
page asks for (dashboard figures, status-bar counts) until the window has painted, so a
run that quits at the shot never starts it: the exit time is not the time to figures.
Both run from bytecode cached in the temp dir (as an installed copy does), never
recompiling the project's modules on each start. The machine's load average is printed
as well, since the figure is a ratio of two wall-clock times on a possibly shared machine.

Goal: project ≤ 3.0 × baseline (medians of the runs, to the shown window).

    python -m benchmarks.cold_start [--members 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_line, cached_database

GOAL = 3.0
ROOT = Path(__file__).resolve().parent.parent

_APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
"""

_SHOWN = """
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 800)
window.show()
def shot():
    window.grab().save(sys.argv[1], "PNG")
    app.quit()
QTimer.singleShot(0, shot)
sys.exit(app.exec())
"""

_OPENED = """
from pathlib import Path
import sqlalchemy
from desktop.storage import keys, rawconn
path = Path(sys.argv[2])
key = keys.key_for_file(path) or rawconn.PLAIN
engine = sqlalchemy.create_engine(
    f"sqlite:///{path}", module=rawconn.dbapi, creator=lambda: rawconn.connect(path, key=key)
)
with engine.connect() as conn:
    conn.exec_driver_sql("SELECT name FROM federations LIMIT 1").all()
"""

BARE = _APP + _SHOWN
FLOOR = _APP + _OPENED + _SHOWN


def uniondesk_command() -> list[str]:
    exe = shutil.which("uniondesk", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "desktop"]


def run(cmd: list[str], env: dict[str, str], shot: Path) -> tuple[float, float]:
    """Seconds from start to the screenshot written, and from start to process exit."""
    shot.unlink(missing_ok=True)
    started_ns = time.time_ns()  # the same clock as the file's modification time
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0 or not shot.exists():
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    shown = (shot.stat().st_mtime_ns - started_ns) / 1e9
    return shown, elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--members", type=int, default=100_000)
    # Alternating pairs; 15 of them because a process start is short and the load of a
    # shared machine moves a lot from one second to the next.
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="bench-cold-start-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        data = cached_database(args.members, 0)
        print(f"# {args.members:,}-member registry ready in {time.perf_counter() - t0:.1f}s")
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env.pop("UNIONDESK_DATA_DIR", None)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        # Run from bytecode, as an installed copy does (pip and PyInstaller ship .pyc):
        # with PYTHONDONTWRITEBYTECODE set, as in some shells, every run would compile
        # the project's own modules again (the bare script has none to compile). The
        # cache lives in the temp dir; the untimed first runs below fill it for both.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        shot = folder / "shot.png"
        project_cmd = [*uniondesk_command(), "--data-dir", str(data)]
        project_env = {**env, "UNIONDESK_SCREENSHOT": str(shot)}
        baseline_cmd = [sys.executable, "-c", BARE, str(shot)]
        floor_cmd = [sys.executable, "-c", FLOOR, str(shot), str(data / "uniondesk.db")]
        # One untimed run of each: the OS file cache then holds Python, Qt and the
        # database, as on a PC that has run the program before.
        run(project_cmd, project_env, shot)
        run(baseline_cmd, env, shot)
        run(floor_cmd, env, shot)
        project, baseline, floor = [], [], []
        for _ in range(args.repeat):
            project.append(run(project_cmd, project_env, shot))
            baseline.append(run(baseline_cmd, env, shot))
            floor.append(run(floor_cmd, env, shot))
    p_shown, b_shown = (statistics.median(r[0] for r in runs) for runs in (project, baseline))
    f_shown = statistics.median(r[0] for r in floor)
    p_exit, b_exit = (statistics.median(r[1] for r in runs) for runs in (project, baseline))
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# project command: {Path(project_cmd[0]).name} {' '.join(project_cmd[1:2])} …")
    print(f"# load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    print(
        f"# to process exit: project={p_exit:.3f}s baseline={b_exit:.3f}s "
        f"ratio={p_exit / b_exit:.2f}"
    )
    print(
        f"# floor (bare window + SQLAlchemy + the encrypted file opened): {f_shown:.3f}s = "
        f"{f_shown / b_shown:.2f}× baseline; project ÷ floor {p_shown / f_shown:.2f}"
    )
    print(bench_line("cold_start", p_shown, b_shown, "≤", GOAL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
