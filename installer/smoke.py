"""Run a frozen (or installed) UnionDesk once, end to end, and fail loudly if anything is off.

Like qutebrowser's build_release smoke test: a build that cannot start, migrate a fresh
database, generate data, report figures and paint its first window never becomes an
installer. Used by ``installer/build.py``; also runs alone against any copy::

    python installer/smoke.py dist/UnionDesk          # the PyInstaller output
    python installer/smoke.py /opt/uniondesk          # after installing the .deb
    python installer/smoke.py --command uniondesk     # whatever is on PATH

Steps: ``--version``; ``init --federation 测试联合会``; ``demo --members 200``;
``stats --json`` (parsed, 200 members, 20 unions); ``check --json``; the GUI on the
offscreen platform with ``UNIONDESK_SCREENSHOT`` (first-run dialog on an empty data dir,
main window on the demo data; on Linux also under ``xvfb-run`` with the real xcb platform
plugin when Xvfb is installed) — each must exit 0, write a PNG, and print no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
MEMBERS = 200
FEDERATION = "测试联合会"
GUI_TIMEOUT = 90
# Output that means the frozen app is broken even when the exit code says otherwise.
BAD_OUTPUT = (
    "Traceback (most recent call last)",
    "Failed to execute script",
    "bundled CJK font not loaded",
    "ModuleNotFoundError",
)


class SmokeError(RuntimeError):
    pass


def project_version() -> str:
    text = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not match:
        raise SmokeError("desktop/__init__.py has no __version__")
    return match.group(1)


def executables(app_dir: Path) -> tuple[Path, Path]:
    """(CLI executable, GUI executable) inside a PyInstaller onedir folder."""
    if WINDOWS:
        return app_dir / "uniondesk-cli.exe", app_dir / "UnionDesk.exe"
    exe = app_dir / "UnionDesk"
    return exe, exe


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("UNIONDESK_DATA_DIR", "UNIONDESK_SCREENSHOT", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def check_output(step: str, proc: subprocess.CompletedProcess[str]) -> None:
    text = (proc.stdout or "") + (proc.stderr or "")
    bad = next((marker for marker in BAD_OUTPUT if marker in text), None)
    if proc.returncode != 0 or bad:
        why = f"exit code {proc.returncode}" if proc.returncode != 0 else f"printed {bad!r}"
        raise SmokeError(
            f"{step}: {why}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )


def run(step: str, cmd: Sequence[str | Path], timeout: float = 300, **env: str) -> str:
    print(f"  $ {' '.join(str(c) for c in cmd)}", flush=True)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [str(c) for c in cmd],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=child_env(**env),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeError(f"{step}: no answer after {timeout:.0f} s") from exc
    check_output(step, proc)
    print(f"    ok ({time.monotonic() - started:.1f} s)", flush=True)
    return proc.stdout


def check_stats(out: str) -> dict[str, object]:
    try:
        figures = json.loads(out)
    except json.JSONDecodeError as exc:
        raise SmokeError(f"stats --json: not JSON ({exc}):\n{out}") from exc
    if not isinstance(figures, dict):
        raise SmokeError(f"stats --json: expected an object, got {out!r}")
    if figures.get("members_total") != MEMBERS or not figures.get("unions"):
        raise SmokeError(f"stats --json: expected {MEMBERS} members in some unions, got {figures}")
    return figures


def check_png(step: str, path: Path) -> None:
    if not path.is_file() or path.stat().st_size < 1000:
        raise SmokeError(f"{step}: no screenshot written to {path}")
    if path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise SmokeError(f"{step}: {path} is not a PNG")


def gui(step: str, exe: Path, data_dir: Path, shot: Path, *, xcb: bool = False) -> None:
    # The screenshot is asked for through the environment, which every app version reads
    # (``--screenshot`` on the command line came later).
    cmd: list[str | Path] = [exe, "--data-dir", data_dir]
    env = {"UNIONDESK_SCREENSHOT": str(shot)}
    if xcb:  # the real X11 platform plugin and the system libraries the .deb depends on
        cmd = ["xvfb-run", "-a", *cmd]
        env["QT_QPA_PLATFORM"] = "xcb"
    run(step, cmd, timeout=GUI_TIMEOUT, **env)
    check_png(step, shot)


def smoke(cli: Sequence[str], gui_cmd: Sequence[str] | None, work: Path) -> None:
    version = project_version()
    out = run("--version", [*cli, "--version"])
    if version not in out:
        raise SmokeError(f"--version: expected {version}, got {out!r}")

    data = work / "data"
    run("init", [*cli, "--data-dir", data, "init", "--federation", FEDERATION])
    run("demo", [*cli, "--data-dir", data, "demo", "--members", str(MEMBERS)], timeout=600)
    figures = check_stats(run("stats", [*cli, "--data-dir", data, "stats", "--json"]))
    print(f"    {figures['unions']} unions, {figures['members_total']} members", flush=True)
    check = json.loads(run("check", [*cli, "--data-dir", data, "check", "--json"]))
    if not check.get("ok"):
        raise SmokeError(f"check --json: database check failed: {check}")

    if gui_cmd is None:
        print("  (GUI skipped)")
        return
    exe = Path(gui_cmd[0])
    gui("GUI first run", exe, work / "empty", work / "first-run.png")
    gui("GUI main window", exe, data, work / "main-window.png")
    if sys.platform.startswith("linux") and shutil.which("xvfb-run"):
        gui("GUI on X11 (xvfb)", exe, data, work / "main-window-xcb.png", xcb=True)
    elif sys.platform.startswith("linux"):
        print("  (xvfb-run not found: X11 platform plugin not tried)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app_dir", nargs="?", type=Path, help="folder holding the executable")
    parser.add_argument("--command", help="run this command instead (e.g. uniondesk on PATH)")
    parser.add_argument("--no-gui", action="store_true", help="CLI steps only")
    parser.add_argument("--keep", type=Path, help="work here and keep data and screenshots")
    args = parser.parse_args(argv)
    if args.command:
        cli = [args.command]
        gui_cmd: list[str] | None = [args.command]
    elif args.app_dir:
        cli_exe, gui_exe = executables(args.app_dir)
        for exe in {cli_exe, gui_exe}:
            if not exe.is_file():
                parser.error(f"{exe} does not exist")
        cli, gui_cmd = [str(cli_exe)], [str(gui_exe)]
    else:
        parser.error("give the app folder or --command")
    if args.no_gui:
        gui_cmd = None
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            smoke(cli, gui_cmd, args.keep)
        else:
            with tempfile.TemporaryDirectory(prefix="uniondesk-smoke-") as tmp:
                smoke(cli, gui_cmd, Path(tmp))
    except SmokeError as exc:
        print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
