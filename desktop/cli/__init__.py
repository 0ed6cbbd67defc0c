"""The admin CLI: ``uniondesk [--data-dir DIR] <area> <verb> [options]``.

Thin by rule: each area module parses its arguments, calls the same service functions
the GUI calls and prints. Exit codes: 0 done, 1 refused (Chinese message on stderr,
nothing written), 2 usage error. Areas register themselves through ``AREAS``; adding an
area is one module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import Any

from desktop import APP_TITLE, __version__, app_log
from desktop.cli import users
from desktop.cli.common import CliArgumentParser, Context, report_error, terminal_safe_output
from desktop.cli.waiting import CliWaitPolicy
from desktop.errors import MissingGlyphsError
from desktop.storage import write_wait

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
    "duplicates",
    "legal",
    "honours",
    "applications",
    "hardship",
    "transfers",
    "users",
    "backup",
    "settings",
    "unlock",
    "erasure",
)


DATA_DIR_HELP = "数据目录（默认取 UNIONDESK_DATA_DIR 或用户数据目录）"
DATABASE_URL_HELP = (
    "总库（PostgreSQL）连接地址 postgresql+psycopg://用户:密码@服务器/数据库；"
    "默认取 UNIONDESK_DATABASE_URL 或数据目录中的 database-url 文件，都没有时用本机登记库"
)


def build_parser() -> argparse.ArgumentParser:
    parser = CliArgumentParser(
        prog="uniondesk",
        description=f"{APP_TITLE}（UnionDesk）管理命令。不带子命令时启动图形界面。",
    )
    parser.add_argument(
        "--version", action="version", version=f"uniondesk {__version__}", help="显示版本号并退出"
    )
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)
    parser.add_argument("--database-url", metavar="URL", help=DATABASE_URL_HELP)
    users.add_global_options(parser)  # --user, --password-stdin: who the command acts as
    sub = parser.add_subparsers(dest="area", metavar="<命令>", parser_class=CliArgumentParser)
    for name in AREAS:
        importlib.import_module(f"desktop.cli.{name}").register(sub)
    _where_anywhere(sub)
    return parser


def _where_anywhere(sub: argparse._SubParsersAction[Any]) -> None:
    """``--data-dir`` and ``--database-url`` after the command too (``uniondesk members
    list --data-dir D``): where the registry is belongs before the command, but a clerk
    (and more than one of our own notes) writes it last, and argparse then refused it as
    an unknown argument. Given twice, the later one counts; not given, the one before the
    command (or the default) stands."""
    for command in sub.choices.values():
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
        command.add_argument(
            "--database-url", metavar="URL", default=argparse.SUPPRESS, help=DATABASE_URL_HELP
        )
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _where_anywhere(action)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so the interpreter's own flush at exit
    does not fail on the closed pipe once more (Python's documented recipe)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing will flush into the pipe


def _holds_registry(ctx: Context) -> bool:
    """Whether the data folder holds a registry or what is left of one (its key, its
    log): only then does a command write its log there."""
    paths = ctx.paths
    return paths.data_dir.is_dir() and any(
        p.exists() for p in (paths.database, paths.data_dir / "keys.json", paths.data_dir / "logs")
    )


def main(argv: Sequence[str] | None = None) -> int:
    with terminal_safe_output():  # usage errors quote the arguments: escaped too
        parser = build_parser()
        args = parser.parse_args(argv)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        # only init and demo make a registry where there is none (storage/presence.py)
        creates = bool(getattr(args, "creates_registry", False))
        ctx = Context(args.data_dir, args.database_url, creates=creates)
        refusal = getattr(args, "hub_refusal", None)  # an office's file only (backups, keys)
        if refusal and ctx.paths.database_url is not None:
            print(f"错误：{refusal}", file=sys.stderr)
            return 1
        if _holds_registry(ctx) or (creates and ctx.paths.data_dir.is_dir()):
            app_log.start(ctx.paths)  # never a data folder or logs/ in a mistyped one
        try:
            # wait for a window's write; sign in when accounts exist
            with write_wait.installed(CliWaitPolicy()), users.command_actor(ctx, args):
                return int(handler(ctx, args) or 0)
        except users.SignInFailed as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("已中断：未完成的操作已撤销。", file=sys.stderr)
            return 130
        except BrokenPipeError:
            # The reader stopped reading (``uniondesk members list --json | head``): the
            # command itself did what it was asked, and nobody is left to read a word.
            _quiet_stdout()
            return 0
        except Exception as exc:  # noqa: BLE001 - the CLI's one error handler
            out = getattr(args, "out", None)  # the output file, where a command has one
            if isinstance(exc, MissingGlyphsError) and hasattr(args, "allow_missing_glyphs"):
                # 「选择用〓标出」: on the command line, the option that chooses it
                exc = MissingGlyphsError(
                    exc.message + "（命令行：加 --allow-missing-glyphs）", exc.chars
                )
            return report_error(exc, ctx.paths.database, out if isinstance(out, str) else None)
        finally:
            ctx.close()
