"""Shared CLI plumbing: lazy database opening, JSON output, usage errors as exit 2,
terminal-safe output and the one place where errors become messages."""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from desktop import app_log
from desktop.arguments import ChineseArgumentParser
from desktop.config import resolve_paths
from desktop.control_chars import escape_control_chars
from desktop.errors import UnionDeskError, storage_error
from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.opening import open_database
from desktop.services import audit
from desktop.storage.database import BUSY_TIMEOUT, Database

#: Set to 1 to let unexpected errors through with their traceback (for developers).
DEBUG_ENV = "UNIONDESK_DEBUG"


#: Every parser of the CLI: argparse's own words in Chinese, usage errors exit 2.
CliArgumentParser = ChineseArgumentParser


def status_filter(text: str) -> str:
    """``--status`` of ``members list`` and ``roster export``: a status by its label (在会),
    alias or code, or ``current`` (在会 and 保留会籍); else a usage error naming the ones
    there are (an unknown word listed nobody, as if none had it)."""
    if text.strip() == "current":
        return "current"
    code = MEMBERSHIP_STATUS.lookup(text)
    if code is None:
        known = "、".join(MEMBERSHIP_STATUS.labels)
        raise argparse.ArgumentTypeError(f"没有会籍状态「{text}」；可用：{known}，或 current")
    return code


class Context:
    """Opens the database only when a command needs it (``--help`` stays instant).

    ``creates``: the command may make a registry in a folder that has none (``init``,
    ``demo``: ``set_defaults(creates_registry=True)``). Every other command refuses such
    a folder (a mistyped ``--data-dir``) before anything is made: no folder, no key, no
    recovery key printed (``storage.presence``).
    """

    def __init__(
        self, data_dir: str | None, database_url: str | None = None, *, creates: bool = False
    ) -> None:
        self.paths = resolve_paths(data_dir, database_url)
        self.creates = creates
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.paths, create=self.creates)
            code = self._db.recovery_code
            if code is not None:  # a new (or just encrypted) database: shown this once
                from desktop.cli.unlock import print_recovery_key

                print_recovery_key(code)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write("\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")


class TerminalSafeStream(io.TextIOBase):
    """Writes through to ``stream`` with control characters escaped (``\\u001b``).

    Why: a name stored with ESC or BEL by an older version (or received by sync) drove
    the terminal in ``members find``. Every CLI output passes here, so no command needs
    its own cleaning. A carriage return is let through only at the start of a write: the
    progress line (``print("\\r…", end="")``) rewrites itself that way.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        if text.startswith("\r"):
            self._stream.write("\r" + escape_control_chars(text[1:]))
        else:
            self._stream.write(escape_control_chars(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    def writable(self) -> bool:
        return True


def _quiet_unraisable(unraisable: Any) -> None:
    """After a failed write, finalizers fail again (a zip file closing itself on the
    full disk, openpyxl's row writer): echoes of the error already reported, printed
    by Python as "Exception ignored … Traceback". Shown only with ``UNIONDESK_DEBUG=1``."""
    if os.environ.get(DEBUG_ENV) == "1":
        sys.__unraisablehook__(unraisable)


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """For one command: ``sys.stdout`` and ``sys.stderr`` through ``TerminalSafeStream``,
    and finalizer errors kept off the terminal (``report_error`` collects the failed
    call's objects while this is in place)."""
    saved = sys.stdout, sys.stderr, sys.unraisablehook
    sys.stdout, sys.stderr = TerminalSafeStream(saved[0]), TerminalSafeStream(saved[1])
    sys.unraisablehook = _quiet_unraisable
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr, sys.unraisablehook = saved


def _where(exc: BaseException) -> str:
    """The innermost frame of our own code, as ``file:line``: enough for a bug report,
    without the error's text (which may quote a name or an ID number)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}desktop{os.sep}" in f.filename] or frames
    if not ours:
        return "未知位置"
    last = ours[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def _release_frames(exc: BaseException) -> None:
    """Run the finalizers of the failed call now, under ``_quiet_unraisable``: its
    frames (an open zip file, a row generator) live on in the tracebacks until freed."""
    if os.environ.get(DEBUG_ENV) == "1":
        return
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    gc.collect()


def report_error(exc: Exception, database: Path | None, path: str | None = None) -> int:
    """The CLI's one error handler: a Chinese message on stderr and the exit code.

    Refusals (``UnionDeskError``) print as they are. Failures of the disk or the
    database file (full, locked, read-only, a missing or forbidden path) become their
    domain message through ``errors.storage_error``, the mapping the engine uses. Anything
    else is a bug: its type and place are printed, never its text or a traceback (both
    may carry personal data); ``UNIONDESK_DEBUG=1`` re-raises it for a developer.
    ``path`` (the command's output file) is named when an ``OSError`` names no file: a
    write that fails on a full disk does not say which file it was writing.
    """
    error = exc if isinstance(exc, UnionDeskError) else None
    if error is None:
        error = storage_error(exc, database=database, busy_seconds=BUSY_TIMEOUT, path=path)
    if error is None and os.environ.get(DEBUG_ENV) == "1":
        raise exc
    where = _where(exc)
    if error is None:
        app_log.unexpected(f"the command line at {where}", exc)
    _release_frames(exc)
    if error is None:
        print(
            f"错误：程序内部错误（{type(exc).__name__}，位于 {where}），操作未完成，"
            "未提交的数据库修改已撤销。请把这行信息告诉技术支持；"
            f"设置环境变量 {DEBUG_ENV}=1 再运行可看到详细信息。",
            file=sys.stderr,
        )
        return 1
    print(f"错误：{error.message}", file=sys.stderr)
    return 1


UNMASK_REASON_HELP = (
    "为什么需要完整的身份证号和手机号（--unmasked 时必填，记入审计记录）。" + audit.REASON_HINT
)


def unmask_reason(args: argparse.Namespace, *, asked: bool = True) -> str | None:
    """Why full ID numbers and phones are wanted (``--unmasked``), asked for as the window
    asks (issue 23: an unmasked view records its reason): ``--reason``, else a prompt at
    a terminal; a script that gives none is refused before anything is read or written.
    None when nothing is unmasked. ``asked``: False where the command has no ``--unmasked``
    in effect (a blank form)."""
    if not getattr(args, "unmasked", False) or not asked:
        return None
    given = str(getattr(args, "reason", None) or "").strip()
    if not given and sys.stdin.isatty():
        print(audit.REASON_HINT, file=sys.stderr)
        given = input("查看完整身份证号和手机号的原因（记入审计记录）：").strip()
    if not given:
        raise UnionDeskError(
            "显示完整的身份证号和手机号须说明原因：请加 --reason 原因（记入审计记录）。"
            "未做任何操作。"
        )
    return given


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def iso_date(text: str) -> date:
    """An argparse ``type`` for a date option: a whole day (2026-03-05, also 2026/3/5 or
    2026年3月5日), or a usage error in Chinese that tells a day that does not exist
    (2023-02-30) from a text that is not a date."""
    match = _DAY.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD（如 2026-03-05）：{text}")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期「{text}」不存在，请核对月份和日") from exc


def add_output_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """The output file as the last positional (as every print and report command takes
    it), also accepted as ``--out`` where a command first took it that way."""
    parser.add_argument("out", metavar="输出文件", nargs="?", help=help_text)
    parser.add_argument("--out", dest="out_option", metavar="输出文件", help="同上（旧写法）")


def output_path(args: argparse.Namespace) -> str | None:
    """The output file of ``add_output_argument``; None after a usage message (exit 2)."""
    given = {p for p in (args.out, args.out_option) if p}
    if len(given) > 1:
        print("用法错误：给了两个不同的输出文件，请只写一个。", file=sys.stderr)
        return None
    if not given:
        print("用法错误：缺少输出文件，例如「… 案件编号 申请表.pdf」。", file=sys.stderr)
        return None
    args.out = given.pop()
    return str(args.out)
