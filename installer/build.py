"""Build UnionDesk for release: freeze, smoke-test the frozen app, then make the installer.

    python installer/build.py               # Linux: dist/UnionDesk/ + dist/uniondesk_<v>_<arch>.deb
    python installer\\build.py               # Windows: dist\\UnionDesk\\ + Inno Setup installer
    python installer/build.py --skip-deb    # freeze and smoke-test only

Every step stops the build with a non-zero exit code when it fails; an installer is only
made from a frozen app that passed ``installer/smoke.py``. Needs PyInstaller
(``pip install -e '.[build]'``); on Linux ``dpkg-deb``; on Windows Inno Setup 6 (ISCC.exe
on PATH, in ``%ProgramFiles(x86)%\\Inno Setup 6`` or given by ``ISCC``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import smoke  # noqa: E402

SPEC = HERE / "uniondesk.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_DIR = DIST / "UnionDesk"


def step(title: str) -> None:
    print(f"\n==> {title}", flush=True)


def fail(message: str) -> None:
    print(f"\nBUILD FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def call(cmd: list[str], **kwargs: object) -> None:
    print("  $ " + " ".join(cmd), flush=True)
    result = subprocess.run(cmd, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        fail(f"{Path(cmd[0]).name} exited with {result.returncode}")


def freeze() -> None:
    step("PyInstaller")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        fail("PyInstaller is not installed: pip install -e '.[build]'")
    shutil.rmtree(APP_DIR, ignore_errors=True)
    call(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--noconfirm",
            "--clean",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            "--log-level",
            "WARN",
        ],
        cwd=str(ROOT),
    )
    print(f"  {APP_DIR} ({folder_size(APP_DIR) / 2**20:.0f} MiB)")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def smoke_test(no_gui: bool) -> None:
    step("Smoke test of the frozen app")
    args = [str(APP_DIR)] + (["--no-gui"] if no_gui else [])
    if smoke.main(args) != 0:
        fail("the frozen app did not pass the smoke test")


def find_iscc() -> str | None:
    candidates = [os.environ.get("ISCC"), shutil.which("ISCC"), shutil.which("iscc")]
    for base in (
        os.environ.get("ProgramFiles(x86)"),
        os.environ.get("ProgramFiles"),
        os.environ.get("LOCALAPPDATA", "") + "\\Programs",
    ):
        if base:
            candidates.append(str(Path(base) / "Inno Setup 6" / "ISCC.exe"))
    return next((c for c in candidates if c and Path(c).is_file()), None)


def windows_installer() -> None:
    step("Inno Setup installer")
    iscc = find_iscc()
    if iscc is None:
        print("  ISCC.exe not found (install Inno Setup 6 or set ISCC=...): no installer made")
        return
    version = smoke.project_version()
    call(
        [
            iscc,
            f"/DAppVersion={version}",
            f"/DFrozenDir={APP_DIR}",
            f"/O{DIST}",
            str(HERE / "uniondesk.iss"),
        ]
    )
    print(f"  {DIST / f'UnionDesk-{version}-setup.exe'}")


def linux_package() -> None:
    step("Debian package")
    call(
        [sys.executable, str(HERE / "build_deb.py"), "--app-dir", str(APP_DIR), "--out", str(DIST)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Freeze, smoke-test and package UnionDesk.")
    parser.add_argument("--skip-build", action="store_true", help="reuse dist/UnionDesk")
    parser.add_argument("--skip-deb", action="store_true", help="no .deb on Linux")
    parser.add_argument("--skip-installer", action="store_true", help="no installer at all")
    parser.add_argument("--no-gui", action="store_true", help="smoke-test the CLI only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.skip_build:
        if not APP_DIR.is_dir():
            fail(f"--skip-build but {APP_DIR} does not exist")
    else:
        freeze()
    smoke_test(args.no_gui)
    if not args.skip_installer:
        if sys.platform == "win32":
            windows_installer()
        elif sys.platform.startswith("linux") and not args.skip_deb:
            linux_package()
    print(f"\nbuild done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
