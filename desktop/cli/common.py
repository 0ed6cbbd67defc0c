"""Shared CLI plumbing: lazy database opening, JSON output, usage errors as exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, NoReturn

from desktop.config import resolve_paths
from desktop.db import Database, open_database


class CliArgumentParser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep the message Chinese-friendly."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


class Context:
    """Opens the database only when a command needs it (``--help`` stays instant)."""

    def __init__(self, data_dir: str | None) -> None:
        self.paths = resolve_paths(data_dir)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.paths)
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
