"""The error log in the data folder: ``logs/uniondesk.log``, rotated, owner-only.

When a clerk calls support, the log says what went wrong and where, without anyone
reading the registry: warnings and errors of every module, backups written, sync
identities renewed, and the type and place of every unexpected failure (the file, line
and function of each frame). Never a personal value: the code logs none (names, ID
numbers and phones stay out of log calls, as out of messages), an exception's text is
never written (it may quote a value — only its type), and as a last guard every line is
scrubbed of anything shaped like an ID number or a mobile number before it is written.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import traceback
from pathlib import Path
from types import TracebackType

from desktop.config import Paths
from desktop.private_files import make_private, private_dir

LOG_NAME = "uniondesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
"""Five files of at most 1 MB: months of an office's warnings, never a full disk."""

_ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def scrub(text: str) -> str:
    """``text`` with every ID-number-shaped and mobile-number-shaped run replaced."""
    return _PHONE.sub("[手机号已隐去]", _ID_NUMBER.sub("[身份证号已隐去]", text))


class ScrubbingFormatter(logging.Formatter):
    """Lines scrubbed of personal numbers; exceptions as type and frames, never text."""

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        kind, _value, tb = ei
        frames = traceback.extract_tb(tb)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        name = kind.__name__ if kind is not None else "Exception"
        head = "Traceback (most recent call last):"
        return "\n".join([head, *lines, f"{name}（说明文字不记录）"])

    def format(self, record: logging.LogRecord) -> str:
        # Another handler (a console, a test's capture) may have cached the standard
        # traceback, text included, on the record: format ours, then leave theirs.
        cached, record.exc_text = record.exc_text, None
        try:
            return scrub(super().format(record))
        finally:
            record.exc_text = cached


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation is created owner-only (0600)."""

    def _open(self):  # type: ignore[no-untyped-def]  # typeshed leaves it untyped
        stream = super()._open()
        make_private(Path(self.baseFilename))
        return stream


def log_file(paths: Paths) -> Path:
    return paths.data_dir / "logs" / LOG_NAME


def start(paths: Paths) -> Path:
    """Send the ``desktop`` loggers (INFO and up) and every other WARNING to the data
    folder's log. Once per process and data folder; returns the file's path."""
    target = log_file(paths)
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, _PrivateRotatingHandler):
            if Path(handler.baseFilename) == target:
                return target
            root.removeHandler(handler)
            handler.close()
    private_dir(target.parent)
    handler = _PrivateRotatingHandler(
        target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(ScrubbingFormatter(_FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.getLogger("desktop").setLevel(logging.INFO)
    return target


def unexpected(where: str, exc: BaseException) -> None:
    """Record a failure nobody handled (a bug): its type and frames, in the log."""
    logging.getLogger("desktop").error(
        "unexpected %s in %s", type(exc).__name__, where, exc_info=exc
    )
