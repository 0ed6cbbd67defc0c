"""Which glibc a frozen bundle needs: ``objdump -T`` over every ELF file, newest GLIBC_2.N.

    python installer/glibc_audit.py dist/UnionDesk --max 2.28

A shared library or executable built on a newer system references versioned glibc symbols
(``memcpy@GLIBC_2.14``, ``pthread_cond_clockwait@GLIBC_2.30`` ...); the dynamic loader
refuses to start when the running glibc lacks one (``GLIBC_2.35 not found``). The newest
version referenced anywhere in the bundle is the oldest glibc it runs on. Exit code 1 and
the offending files when it is newer than ``--max``. Only *undefined* (imported) symbols
count: a library that merely defines a versioned symbol of its own does not need it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

# objdump -T line of an imported symbol: "0000... DF *UND*  0000... (GLIBC_2.14) memcpy"
# (binutils 2.35+ prints "(GLIBC_2.14)", older ones "GLIBC_2.14" without parentheses).
UNDEFINED_GLIBC = re.compile(r"\*UND\*\s+\S+\s+\(?GLIBC_(\d+)\.(\d+)(?:\.(\d+))?\)?\s+(\S+)")


class Need(NamedTuple):
    """The newest glibc symbol one ELF file imports."""

    version: tuple[int, int]
    symbol: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def newest_import(objdump_output: str) -> tuple[tuple[int, int], str] | None:
    """(newest GLIBC version, its symbol) among the undefined symbols in ``objdump -T``."""
    best: tuple[tuple[int, int], str] | None = None
    for match in UNDEFINED_GLIBC.finditer(objdump_output):
        version = (int(match.group(1)), int(match.group(2)))
        if best is None or version > best[0]:
            best = (version, match.group(4))
    return best


def elf_files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    yield path


def audit(folder: Path, objdump: str = "objdump") -> list[Need]:
    """One ``Need`` per ELF file that imports a versioned glibc symbol, newest first."""
    needs = []
    for path in elf_files(folder):
        out = subprocess.run(
            [objdump, "-T", str(path)], capture_output=True, text=True, check=False
        ).stdout
        found = newest_import(out)
        if found:
            needs.append(Need(found[0], found[1], path))
    return sorted(needs, key=lambda n: n.version, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--max", default=None, help="fail above this glibc (e.g. 2.28)")
    parser.add_argument("--objdump", default="objdump")
    parser.add_argument("--top", type=int, default=8, help="files listed (newest first)")
    args = parser.parse_args(argv)
    needs = audit(args.folder, args.objdump)
    if not needs:
        print(f"{args.folder}: no ELF file imports a versioned glibc symbol")
        return 0
    for need in needs[: args.top]:
        print(f"  GLIBC_{need.label:5} {need.symbol:32} {need.path.relative_to(args.folder)}")
    newest = needs[0]
    print(f"{args.folder}: {len(needs)} ELF files; newest glibc symbol GLIBC_{newest.label}")
    if args.max and newest.version > parse_version(args.max):
        too_new = [n for n in needs if n.version > parse_version(args.max)]
        print(f"FAILED: {len(too_new)} files need a glibc newer than {args.max}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
