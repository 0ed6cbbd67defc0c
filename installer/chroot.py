"""Release .deb for old systems: build in a Debian 11 chroot, check in a fresh one.

    sudo python3 installer/chroot.py build    # → <root>/out/uniondesk_<v>_amd64.deb
    sudo python3 installer/chroot.py check    # install it in a clean Debian 11, smoke-test
    sudo python3 installer/chroot.py all      # both

Why: PyInstaller bundles libpython and the libraries of the machine it runs on, so the
bundle needs that machine's glibc (Debian 12: 2.36). UOS 20 has glibc 2.28, Kylin V10 2.31.
So the build runs in a Debian 11 (bullseye, glibc 2.31) chroot made by debootstrap, with
CPython 3.11 compiled there from Debian's own source package (``chroot/build-python.sh``,
glibc 2.29+ functions switched off) and PySide6 6.9.3, the newest release with
``manylinux_2_28`` wheels. ``glibc_audit.py`` then checks every bundled ELF file with
``objdump -T`` against ``--max-glibc`` (default 2.28) before the .deb is made.

``check`` extracts a pristine minimal Debian 11 (kept as a tarball after the first
debootstrap), installs the .deb with apt (which must resolve its ``Depends`` from
bullseye), and runs ``installer/smoke.py --command uniondesk`` there: CLI, the GUI offscreen
and on Xvfb (xcb). It also asks xdg-mime whether ``*.udsync`` files map to the app.

Needs root (chroot, mount), debootstrap, and network access to deb.debian.org and PyPI.
Everything big lives under ``--root`` (default ``../installer-build`` beside the repo,
or ``UNIONDESK_BUILD_ROOT``), never in the repository. Takes about 15 min the first time
(CPython build), 5 min after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUITE = "bullseye"
MIRROR = "http://deb.debian.org/debian"
PYSIDE = "6.9.3"  # newest PySide6 with manylinux_2_28 wheels (glibc 2.28)
PY = "/opt/py311/bin/python3.11"
VENV = "/opt/venv"
# What CPython's build needs (headers of the modules the app uses: ssl, sqlite3, ctypes ...).
BUILD_PACKAGES = [
    "libffi-dev",
    "libssl-dev",
    "zlib1g-dev",
    "libbz2-dev",
    "liblzma-dev",
    "libsqlite3-dev",
    "uuid-dev",
    "libexpat1-dev",
    "binutils",
    "ca-certificates",
    "xz-utils",
    "tcl",  # SQLite's build generates shell.c and the amalgamation with tclsh
    "file",  # libtool's configure probes with it
]
# What Qt's offscreen and xcb plugins load: present in the build chroot so PyInstaller
# resolves the plugins' dependencies against bullseye's libraries, not the host's.
QT_RUNTIME = [
    "libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libegl1",
    "libgl1",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxcb-xinerama0",
    "libxcb-glx0",
    "libxrender1",
    "libxi6",
    "fonts-dejavu-core",
]
# The check chroot gets only what the smoke test itself needs; the .deb brings the rest.
CHECK_PACKAGES = [
    "python3",
    "xvfb",
    "xauth",
    "shared-mime-info",
    "desktop-file-utils",
    "xdg-utils",
    "libglib2.0-bin",  # gio: what a file manager (GLib) thinks a .udsync file is
]


def say(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    print("  $ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def in_chroot(root: Path, script: str, env: dict[str, str] | None = None) -> None:
    """Run a shell script inside ``root`` with a clean environment (plus the host's CA
    bundle for pip, where the host names one: a proxy that re-signs TLS needs it)."""
    base = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    host_ca = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    if host_ca and Path(host_ca).is_file():
        shutil.copy2(host_ca, root / "etc" / "host-ca.crt")
        base["PIP_CERT"] = "/etc/host-ca.crt"
    base.update(env or {})
    print(f"  [{root.name}] {script.strip().splitlines()[0]} ...", flush=True)
    subprocess.run(
        ["nice", "-n", "10", "chroot", str(root), "/bin/sh", "-euc", script], check=True, env=base
    )


@contextlib.contextmanager
def mounted(root: Path, repo_ro: Path | None = None) -> Iterator[None]:
    """/proc, a tmpfs /dev/shm (multiprocessing's semaphores), /dev/pts, DNS; optionally
    the repository read-only at /repo. Unmounted again whatever happens."""
    mounts: list[Path] = []

    def mount(args: list[str], target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        run(["mount", *args, str(target)])
        mounts.append(target)

    try:
        mount(["-t", "proc", "proc"], root / "proc")
        mount(["-t", "tmpfs", "-o", "mode=1777", "shm"], root / "dev" / "shm")
        mount(["--bind", "/dev/pts"], root / "dev" / "pts")
        if repo_ro is not None:
            mount(["--bind", str(repo_ro)], root / "repo")
            run(["mount", "-o", "remount,ro,bind", str(root / "repo")])
        shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
        yield
    finally:
        for target in reversed(mounts):
            subprocess.run(["umount", "-l", str(target)], check=False)


def debootstrap(target: Path, variant: str, include: list[str], cache: Path) -> None:
    if (target / "etc" / "debian_version").is_file():
        return
    say(f"debootstrap {SUITE} ({variant}) into {target}")
    cache.mkdir(parents=True, exist_ok=True)
    run(
        [
            "nice",
            "-n",
            "10",
            "debootstrap",
            f"--variant={variant}",
            f"--cache-dir={cache}",
            f"--include={','.join(include)}",
            SUITE,
            str(target),
            MIRROR,
        ]
    )


def copy_source(dest: Path) -> None:
    """The working tree (uncommitted changes included) without venvs, caches and outputs."""
    shutil.rmtree(dest, ignore_errors=True)
    skip = shutil.ignore_patterns(
        ".git",
        ".venv",
        "__pycache__",
        "*.pyc",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        "build",
        "dist",
        "*.egg-info",
        "out",
    )
    shutil.copytree(ROOT, dest, ignore=skip)


def constraints() -> str:
    """requirements.lock (PyInstaller included) with PySide6 at the glibc-2.28 release."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lock if not line.lower().startswith(("pyside6", "shiboken6"))]
    return "\n".join(
        [
            *kept,
            f"PySide6-Essentials=={PYSIDE}",
            f"shiboken6=={PYSIDE}",
            "",
        ]
    )


def build(base: Path, max_glibc: str) -> Path:
    chroot = base / f"{SUITE}-build"
    debootstrap(chroot, "buildd", BUILD_PACKAGES + QT_RUNTIME, base / "cache")
    work = chroot / "work"
    work.mkdir(exist_ok=True)
    shutil.copy2(HERE / "chroot" / "build-python.sh", work / "build-python.sh")
    sources = chroot / "etc" / "apt" / "sources.list.d" / "bookworm-src.list"
    sources.write_text(f"deb-src {MIRROR} bookworm main\n", encoding="utf-8")
    copy_source(work / "src")
    (work / "constraints.txt").write_text(constraints(), encoding="utf-8")
    with mounted(chroot):
        say("Qt runtime libraries and CPython 3.11 (Debian 12's source) in the chroot")
        in_chroot(
            chroot,
            f"apt-get update -q >/dev/null\n"
            "apt-get install -y -q --no-install-recommends "
            f"{' '.join(BUILD_PACKAGES + QT_RUNTIME)} >/dev/null\n"
            "sh /work/build-python.sh",
        )
        say(f"venv with PySide6 {PYSIDE} and the locked dependencies")
        in_chroot(
            chroot,
            f"[ -x {VENV}/bin/python ] || {PY} -m venv {VENV}\n"
            f"{VENV}/bin/pip install -q --only-binary=:all: -c /work/constraints.txt "
            f"PySide6-Essentials pyinstaller\n"
            f"{VENV}/bin/pip install -q -c /work/constraints.txt /work/src\n"
            f"{VENV}/bin/python -c \"import PySide6; print('PySide6', PySide6.__version__)\"",
        )
        say("PyInstaller, smoke test, glibc audit and .deb")
        in_chroot(
            chroot,
            "cd /work/src\n"
            f"{VENV}/bin/python -m PyInstaller installer/uniondesk.spec --noconfirm --clean "
            "--distpath /work/dist --workpath /work/pyi --log-level WARN\n"
            f"{VENV}/bin/python installer/smoke.py /work/dist/UnionDesk\n"
            f"{VENV}/bin/python installer/glibc_audit.py /work/dist/UnionDesk --max {max_glibc}\n"
            f"{VENV}/bin/python installer/build_deb.py --app-dir /work/dist/UnionDesk "
            "--out /work/out --work /work/deb",
        )
    out = base / "out"
    out.mkdir(exist_ok=True)
    debs = sorted((work / "out").glob("uniondesk_*.deb"))
    if not debs:
        raise SystemExit("no .deb was made")
    target = out / debs[-1].name
    shutil.copy2(debs[-1], target)
    print(f"\n{target} ({target.stat().st_size / 2**20:.1f} MiB)")
    return target


def mount_points() -> list[Path]:
    with open("/proc/self/mounts", encoding="utf-8") as fh:
        return [Path(line.split()[1].replace("\\040", " ")) for line in fh]


def pristine_check_root(base: Path) -> Path:
    """A fresh minimal Debian 11 each time, from a tarball made after the first debootstrap."""
    tarball = base / f"{SUITE}-check-pristine.tar"
    chroot = base / f"{SUITE}-check"
    if chroot.exists():
        for sub in ("proc", "dev/shm", "dev/pts", "repo"):
            subprocess.run(["umount", "-l", str(chroot / sub)], check=False, capture_output=True)
        # never delete through a mount that is still there (/repo is the working tree)
        still = [m for m in mount_points() if m == chroot or chroot in m.parents]
        if still:
            raise SystemExit(f"still mounted, not removing {chroot}: {still}")
        shutil.rmtree(chroot)
    if not tarball.is_file():
        debootstrap(chroot, "minbase", ["ca-certificates"], base / "cache")
        with tarfile.open(tarball, "w") as tar:
            tar.add(chroot, arcname=".")
        return chroot
    chroot.mkdir()
    with tarfile.open(tarball) as tar:
        tar.extractall(chroot)  # noqa: S202 - our own tarball
    return chroot


def check(base: Path, deb: Path) -> None:
    say(f"install {deb.name} into a clean Debian 11 and smoke-test it")
    chroot = pristine_check_root(base)
    shutil.copy2(deb, chroot / "tmp" / deb.name)
    with mounted(chroot, repo_ro=ROOT):
        in_chroot(
            chroot,
            "apt-get update -q >/dev/null\n"
            f"apt-get install -y -q --no-install-recommends {' '.join(CHECK_PACKAGES)} >/dev/null\n"
            f"apt-get install -y -q --no-install-recommends /tmp/{deb.name} >/dev/null\n"
            'echo "glibc: $(ldd --version | head -1)"\n'
            "dpkg -s uniondesk | grep -E '^(Version|Depends|Installed-Size):'\n"
            "python3 /repo/installer/smoke.py --command uniondesk --keep /tmp/smoke\n"
            "printf 'UDSYNC package' > /tmp/x.udsync\n"
            "grep -qx 'application/x-uniondesk-sync:\\*.udsync' /usr/share/mime/globs\n"
            "gio info -a standard::content-type /tmp/x.udsync | grep -q x-uniondesk-sync\n"
            'test "$(xdg-mime query default application/x-uniondesk-sync)" = uniondesk.desktop\n'
            "grep -q '^Exec=uniondesk %f' /usr/share/applications/uniondesk.desktop\n"
            "echo '*.udsync -> application/x-uniondesk-sync -> uniondesk.desktop (uniondesk %f)'\n"
            "dpkg -r uniondesk >/dev/null && test ! -e /opt/uniondesk && echo 'removed cleanly'",
            env={"XDG_DATA_DIRS": "/usr/local/share:/usr/share"},
        )
    shots = base / "out" / "smoke-screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    for png in (chroot / "tmp" / "smoke").glob("*.png"):
        shutil.copy2(png, shots / png.name)
    print(f"\ncheck passed (screenshots from Debian 11 in {shots})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "check", "all"])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("UNIONDESK_BUILD_ROOT", ROOT.parent / "installer-build")),
        help="where chroots, caches and the .deb go (outside the repository)",
    )
    parser.add_argument("--deb", type=Path, help="the .deb to check (default: the newest built)")
    parser.add_argument("--max-glibc", default="2.28")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("needs root (debootstrap, chroot, mount)")
    started = time.monotonic()
    base = args.root.resolve()
    base.mkdir(parents=True, exist_ok=True)
    deb = args.deb
    if args.what in ("build", "all"):
        deb = build(base, args.max_glibc)
    if args.what in ("check", "all"):
        if deb is None:
            built = sorted((base / "out").glob("uniondesk_*.deb"), key=lambda p: p.stat().st_mtime)
            if not built:
                parser.error(f"no .deb in {base / 'out'}: run build first")
            deb = built[-1]
        check(base, deb.resolve())
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
