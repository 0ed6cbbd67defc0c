"""The statement worker: a statement runs beside the caller's thread, in its transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from desktop.storage.database import Database
from desktop.storage.statement_worker import statement_worker

# ~0.1-0.3 s of SQLite without the GIL: long enough that the caller's next statement
# arrives while it still runs.
SLOW_INSERT = (
    "INSERT INTO t (n) SELECT count(*) FROM ("
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
    "SELECT x FROM c)"
)


def _table(db: Database) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")


def _rows(db: Database) -> list[int]:
    with db.connect(write=False) as conn:
        return [int(r[0]) for r in conn.exec_driver_sql("SELECT n FROM t ORDER BY rowid")]


def test_the_callers_next_statement_waits_and_sees_the_workers_write(db: Database) -> None:
    _table(db)
    with db.connect() as conn, statement_worker(conn) as worker:
        worker.submit((SLOW_INSERT, (300_000,)), ("INSERT INTO t (n) VALUES (?)", (2,)))
        # no explicit wait: the hook holds this statement back until the worker is done
        seen = conn.execute(text("SELECT n FROM t ORDER BY rowid")).scalars().all()
        conn.execute(text("INSERT INTO t (n) VALUES (3)"))
    assert seen == [300_000, 2]
    assert _rows(db) == [300_000, 2, 3]


def test_a_failing_statement_is_raised_in_the_caller_and_nothing_is_kept(db: Database) -> None:
    _table(db)
    with pytest.raises(exc.OperationalError, match="no_such_table"), db.connect() as conn:
        conn.execute(text("INSERT INTO t (n) VALUES (1)"))
        with statement_worker(conn) as worker:
            worker.submit(("INSERT INTO no_such_table VALUES (?)", (1,)))
            conn.execute(text("INSERT INTO t (n) VALUES (2)"))
    assert _rows(db) == []


def test_a_failure_with_nothing_after_it_is_raised_when_the_block_ends(db: Database) -> None:
    _table(db)
    with pytest.raises(exc.IntegrityError), db.connect() as conn:
        conn.execute(text("INSERT INTO t (n) VALUES (1)"))
        with statement_worker(conn) as worker:
            worker.submit(("INSERT INTO t (rowid, n) VALUES (1, 1)", ()))  # rowid taken
    assert _rows(db) == []


def test_an_error_in_the_caller_waits_for_the_running_statement_before_rollback(
    db: Database,
) -> None:
    _table(db)
    with pytest.raises(RuntimeError, match="cancelled"), db.connect() as conn:
        with statement_worker(conn) as worker:
            worker.submit((SLOW_INSERT, (300_000,)))
            raise RuntimeError("cancelled")
    assert _rows(db) == []
    with db.connect() as conn:  # the connection went back to the pool usable
        conn.execute(text("INSERT INTO t (n) VALUES (1)"))
    assert _rows(db) == [1]
