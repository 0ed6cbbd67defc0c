"""BENCH cold_start: ``uniondesk`` to a shown main window on a 100,000-member database.

Builds a 100k-member registry in a temp dir (``benchmarks.first_screen.build``), then in
the same run times, as fresh processes, alternately:

* project — ``uniondesk`` (the installed console script, else ``python -m desktop``) with
  ``--data-dir`` and ``UNIONDESK_SCREENSHOT`` set: it opens the database, shows the main
  window with the member list, saves the shown window to a PNG and quits;
* baseline — a bare PySide6 process that creates a QApplication and an empty
  QMainWindow, shows it, saves it to a PNG the same way and quits.

Goal: project ≤ 3.0 × baseline (medians of the runs).

    python -m benchmarks.cold_start [--members 100000] [--repeat 7]
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

from benchmarks.first_screen import build

GOAL = 3.0
ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
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


def uniondesk_command() -> list[str]:
    exe = shutil.which("uniondesk", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "desktop"]


def run(cmd: list[str], env: dict[str, str], shot: Path) -> float:
    shot.unlink(missing_ok=True)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0 or not shot.exists():
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cold-start-") as tmp:
        folder = Path(tmp)
        data = folder / "data"
        data.mkdir()
        t0 = time.perf_counter()
        build(data, args.members)
        print(f"# built {args.members:,} members in {time.perf_counter() - t0:.1f}s")
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env.pop("UNIONDESK_DATA_DIR", None)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        shot = folder / "shot.png"
        project_cmd = [*uniondesk_command(), "--data-dir", str(data)]
        project_env = {**env, "UNIONDESK_SCREENSHOT": str(shot)}
        baseline_cmd = [sys.executable, "-c", BARE, str(shot)]
        # One untimed run of each: the OS file cache then holds Python, Qt and the
        # database, as on a PC that has run the program before.
        run(project_cmd, project_env, shot)
        run(baseline_cmd, env, shot)
        project, baseline = [], []
        for _ in range(args.repeat):
            project.append(run(project_cmd, project_env, shot))
            baseline.append(run(baseline_cmd, env, shot))
    p, b = statistics.median(project), statistics.median(baseline)
    ratio = p / b
    verdict = "MET" if ratio <= GOAL else "MISSED"
    print(f"# project command: {Path(project_cmd[0]).name} {' '.join(project_cmd[1:2])} …")
    print(
        f"BENCH cold_start project={p:.3f}s baseline={b:.3f}s ratio={ratio:.2f} "
        f"goal=≤{GOAL:.1f}x {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
