"""Sensitive values out of the sync bookkeeping: a purged file, a withdrawn consent.

Blanking a row is captured as a new change, but the changes logged before it still
hold the values, and the log is what packages send: an office that had not had them
yet would receive them with the blanking. So a purge (and a withdrawn consent) also
rewrites the logged changes of the file's rows with the blanks
(``storage.redaction.redact_rows``, as 个人信息删除 does), in the same transaction; the
freed pages are zeroed (``scrub_file``) and the caller empties the write-ahead log
after the commit (``redaction.truncate_wal``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from desktop.storage import redaction

#: The file's own rows hang off it by ``case_id`` in these tables.
CHILD_TABLES = (
    "hardship_household",
    "hardship_assistance",
    "hardship_reviews",
    "hardship_consents",
)


def file_rows_in(conn: Connection, case_id: str) -> list[tuple[str, str]]:
    """(table, row id) of the file and of every row hanging off it, tombstones too."""
    rows = [("hardship_cases", case_id)]
    for table in CHILD_TABLES:
        rows += [
            (table, str(row_id))
            for row_id in conn.exec_driver_sql(
                f"SELECT id FROM {table} WHERE case_id = ?", (case_id,)
            ).scalars()
        ]
    return rows


@contextmanager
def scrubbing(conn: Connection) -> Iterator[None]:
    """Inside: the pages the blanking frees are zeroed, not merely freed."""
    redaction.scrub_file(conn)
    try:
        yield
    finally:
        redaction.end_scrub(conn)


def redact_logged_in(
    conn: Connection, rows: list[tuple[str, str]], blanks: Mapping[str, Mapping[str, Any]]
) -> int:
    """Rewrite the logged changes of ``rows`` with ``blanks`` (table → field → blank),
    in the caller's transaction; returns how many logged changes were rewritten."""
    return redaction.redact_rows(conn, rows, blanks)
