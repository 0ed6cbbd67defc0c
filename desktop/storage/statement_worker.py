"""One SQL statement at a time on a worker thread, while the caller makes the next batch.

Why: SQLite lets go of Python's GIL for the whole of a statement's step, and a bulk write
is two kinds of work: Python making rows (holds the GIL) and SQLite writing them (does
not). Indexing 100k members' search documents is ~1.6 s of SQLite alone; sent here as one
``INSERT … SELECT … FROM json_each(?)`` it runs while the caller's thread prepares the
next batch, instead of after it (measured on 100k members: 5.9 s → 4.7 s).

Only single statements with a few parameters belong here. An ``executemany`` binds every
row with the GIL held, and would fight the caller's thread for it.

Same connection, same transaction. SQLite cannot run two statements of one connection at
once, so while the block is open every statement the caller sends through ``conn`` first
waits for the worker's (a ``before_cursor_execute`` hook); a caller cannot forget to. An
error in the worker's statement is raised in the caller by that wait, or at the end of the
block. Leaving the block always waits, so a rollback never races a running statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError


class StatementWorker:
    def __init__(self, conn: Connection) -> None:
        self._raw: Any = conn.connection.driver_connection
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="uniondesk-sql")
        self._pending: Future[None] | None = None

    def submit(self, *statements: tuple[str, tuple[Any, ...]]) -> None:
        """Run ``statements`` in order on the worker, once the previous ones are done."""
        self.wait()
        self._pending = self._pool.submit(self._run, statements)

    def wait(self) -> None:
        """Until the worker is idle; raises its statement's error, if any."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def _run(self, statements: tuple[tuple[str, tuple[Any, ...]], ...]) -> None:
        for sql, params in statements:
            try:
                self._raw.execute(sql, params).close()
            except sqlite3.Error as exc:
                # as SQLAlchemy would raise it, so callers catch one kind; no parameters
                # in the message (they hold ID numbers and phones)
                raise DBAPIError.instance(sql, None, exc, sqlite3.Error) from exc

    def close(self) -> None:
        """Wait for a running statement without raising (the caller is raising already)."""
        self._pool.shutdown(wait=True)


@contextmanager
def statement_worker(conn: Connection) -> Iterator[StatementWorker]:
    worker = StatementWorker(conn)

    def before_execute(*_args: object) -> None:
        worker.wait()

    event.listen(conn, "before_cursor_execute", before_execute)
    try:
        yield worker
        worker.wait()
    finally:
        worker.close()
        event.remove(conn, "before_cursor_execute", before_execute)
