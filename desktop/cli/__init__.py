"""The admin CLI: ``uniondesk [--data-dir DIR] <area> <verb> [options]``.

Thin by rule: each area module parses its arguments, calls the same service functions
the GUI calls and prints. Exit codes: 0 done, 1 refused (Chinese message on stderr,
nothing written), 2 usage error. Areas register themselves through ``AREAS``; adding an
area is one module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from desktop import APP_TITLE, __version__
from desktop.cli.common import CliArgumentParser, Context
from desktop.errors import UnionDeskError

# Module names under desktop.cli; each defines ``register(subparsers)``.
AREAS: tuple[str, ...] = (
    "setup",
    "unions",
    "members",
    "stats",
    "sync",
    "printing",
    "roster",
    "activities",
    "categories",
    "report",
    "audit",
)


def build_parser() -> argparse.ArgumentParser:
    parser = CliArgumentParser(
        prog="uniondesk",
        description=f"{APP_TITLE}（UnionDesk）管理命令。不带子命令时启动图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"uniondesk {__version__}")
    parser.add_argument("--data-dir", help="数据目录（默认取 UNIONDESK_DATA_DIR 或用户数据目录）")
    sub = parser.add_subparsers(dest="area", metavar="<命令>", parser_class=CliArgumentParser)
    for name in AREAS:
        importlib.import_module(f"desktop.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    ctx = Context(args.data_dir)
    try:
        return int(handler(ctx, args) or 0)
    except UnionDeskError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    finally:
        ctx.close()
