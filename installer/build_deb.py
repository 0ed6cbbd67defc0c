"""Package the frozen app (dist/UnionDesk) as a .deb for Debian, Ubuntu, UOS and Kylin.

    python installer/build_deb.py [--app-dir dist/UnionDesk] [--out dist]

Layout (Picard-style: the app keeps its own folder, the system only gets pointers)::

    /opt/uniondesk/                          the PyInstaller folder, as built
    /usr/bin/uniondesk -> /opt/uniondesk/UnionDesk
    /usr/share/applications/uniondesk.desktop     (MimeType=application/x-uniondesk-sync)
    /usr/share/mime/packages/uniondesk.xml        (*.udsync → application/x-uniondesk-sync)
    /usr/share/icons/hicolor/<n>x<n>/apps/uniondesk.png
    /usr/share/doc/uniondesk/copyright

``Depends`` lists the system libraries Qt's xcb platform plugin opens that PyInstaller
does not bundle, plus ``libc6 (>= 2.N)`` where 2.N is the newest glibc symbol version
any bundled binary needs, so an older system refuses the package instead of crashing.
No maintainer scripts: dpkg's file triggers of shared-mime-info, desktop-file-utils and
the hicolor icon cache pick up the MIME type, the .desktop entry and the icons, so a
double-click on a ``.udsync`` file runs ``uniondesk <file>`` (the import wizard).
Run by ``installer/build.py`` (or ``installer/chroot.py``) after the smoke test; needs
``dpkg-deb``.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import glibc_audit  # noqa: E402

PACKAGE = "uniondesk"
MAINTAINER = "UnionDesk maintainers <maintainers@uniondesk.invalid>"
HOMEPAGE = "https://uniondesk.invalid/"
# What libqxcb.so and the Qt libraries load from the system (not bundled by PyInstaller).
DEPENDS = [
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libfreetype6",
    "libpng16-16",
    "libdbus-1-3",
    "libglib2.0-0 | libglib2.0-0t64",
    "libx11-6",
    "libx11-xcb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
]
# libcups2: Qt's print dialog lists the system's printers through it (not bundled).
RECOMMENDS = ["libwayland-client0", "libwayland-cursor0", "libwayland-egl1", "libcups2"]
DESCRIPTION = """\
工会桌面通: offline registry for trade-union federations
 UnionDesk (工会桌面通) keeps a grassroots trade-union federation's members,
 unions, activities and sites in one local SQLite file, prints member cards
 and forms, imports and exports rosters, and exchanges changes with other
 offices by signed packages, without a network.
 .
 Start it from the menu (工会桌面通) or run `uniondesk --help` for the admin
 commands. Data stays in ~/.local/share/UnionDesk when the package is removed."""
GLIBC = re.compile(rb"GLIBC_2\.(\d+)(?:\.\d+)?\x00")


def project_version() -> str:
    text = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not match:
        sys.exit("desktop/__init__.py has no __version__")
    return match.group(1)


def architecture() -> str:
    out = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def newest_glibc(folder: Path) -> str | None:
    """The highest GLIBC_2.N symbol version any ELF file under ``folder`` imports
    (``objdump -T``, see glibc_audit.py); a byte scan where binutils is missing."""
    if shutil.which("objdump"):
        needs = glibc_audit.audit(folder)
        return needs[0].label if needs else None
    newest = -1
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            data = fh.read()
        for match in GLIBC.finditer(data):
            newest = max(newest, int(match.group(1)))
    return f"2.{newest}" if newest >= 0 else None


def normalise_modes(root: Path) -> None:
    """0755 folders and executables, 0644 everything else (what dpkg and lintian expect)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        elif ".so" in path.suffixes or path.suffix == ".so":
            path.chmod(0o644)  # shared libraries are mapped, not run
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def build_tree(app_dir: Path, tree: Path, version: str, arch: str) -> None:
    shutil.rmtree(tree, ignore_errors=True)
    opt = tree / "opt" / PACKAGE
    shutil.copytree(app_dir, opt, symlinks=True)
    for cache in opt.rglob("__pycache__"):
        shutil.rmtree(cache)

    bin_dir = tree / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / PACKAGE).symlink_to(f"/opt/{PACKAGE}/UnionDesk")

    share = tree / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(HERE / "uniondesk.desktop", share / "applications" / "uniondesk.desktop")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(HERE / "uniondesk-mime.xml", share / "mime" / "packages" / "uniondesk.xml")
    for icon in sorted((ROOT / "resources" / "icons").glob("uniondesk-*.png")):
        size = icon.stem.rsplit("-", 1)[1]
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy2(icon, target / "uniondesk.png")
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(), encoding="utf-8")
    changelog = (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * Release {version}; see the project's history for changes.\n\n"
        f" -- {MAINTAINER}  {formatdate(localtime=True)}\n"
    )
    with gzip.GzipFile(doc / "changelog.gz", "wb", mtime=0) as fh:  # reproducible bytes
        fh.write(changelog.encode("utf-8"))

    normalise_modes(tree)
    control_dir = tree / "DEBIAN"
    control_dir.mkdir()
    depends = list(DEPENDS)
    glibc = newest_glibc(opt)
    if glibc:
        depends.insert(0, f"libc6 (>= {glibc})")
    installed_kib = (
        sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    )
    control = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch,
        "Maintainer": MAINTAINER,
        "Installed-Size": str(installed_kib),
        "Depends": ", ".join(depends),
        "Recommends": ", ".join(RECOMMENDS),
        "Section": "misc",
        "Priority": "optional",
        "Homepage": HOMEPAGE,
        "Description": DESCRIPTION,
    }
    text = "".join(f"{key}: {value}\n" for key, value in control.items())
    (control_dir / "control").write_text(text, encoding="utf-8")
    (control_dir / "control").chmod(0o644)


def copyright_text() -> str:
    fonts = ROOT / "resources" / "fonts"
    parts = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: UnionDesk (工会桌面通)\n\n"
        "Files: *\nLicense: Apache-2.0\n"
        " On Debian systems see /usr/share/common-licenses/Apache-2.0.\n\n"
        "Files: opt/uniondesk/_internal/*\n"
        "Comment: Python, Qt (PySide6, LGPL-3.0), SQLAlchemy, reportlab and the other\n"
        " libraries bundled by PyInstaller keep their own licences.\n",
    ]
    for licence in sorted(fonts.glob("LICENSE-*.txt")):
        text = licence.read_text(encoding="utf-8")
        if "Apache License" in text and "Version 2.0" in text:
            parts.append(
                f"\nFiles: opt/uniondesk/_internal/resources/fonts/*\n"
                f"Comment: {licence.name}\nLicense: Apache-2.0\n"
                " On Debian systems see /usr/share/common-licenses/Apache-2.0.\n"
            )
            continue
        body = text.strip().splitlines()
        indented = "\n".join(" " + (line if line.strip() else ".") for line in body)
        parts.append(
            f"\nFiles: opt/uniondesk/_internal/resources/fonts/*\n"
            f"Comment: {licence.name}\n{indented}\n"
        )
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the UnionDesk .deb")
    parser.add_argument("--app-dir", type=Path, default=ROOT / "dist" / "UnionDesk")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    if not (args.app_dir / "UnionDesk").is_file():
        parser.error(f"{args.app_dir}/UnionDesk does not exist: run installer/build.py first")
    if shutil.which("dpkg-deb") is None:
        sys.exit("dpkg-deb not found: apt-get install dpkg-dev (or dpkg)")
    version, arch = project_version(), architecture()
    tree = args.work / f"{PACKAGE}_{version}_{arch}"
    build_tree(args.app_dir, tree, version, arch)
    args.out.mkdir(parents=True, exist_ok=True)
    deb = args.out / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(tree), str(deb)], check=True
    )
    print((tree / "DEBIAN" / "control").read_text(encoding="utf-8"))
    print(f"{deb} ({deb.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
