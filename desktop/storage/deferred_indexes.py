"""A table's secondary indexes dropped for a bulk append and built once at its end.

Why: SQLite updates every b-tree of a row as the row goes in, and rows arriving in
random key order (ID numbers, pinyin sort keys) touch a different page each time.
Building an index afterwards sorts the keys once. For 100k members into an empty table:
the insert with its five indexes 1.2-1.4 s, without them 0.42 s plus 0.36 s to build
them; at a million, 52 s against 19 s. An index over rows already in the table is rebuilt
from all of them, though, so this pays only while the append is at least as large as
what is there (raw, 100k members onto 100k: 1.45 s against 1.62 s
row by row, onto 200k: 2.28 against 2.08 s).

Drop and build happen in the caller's transaction, and the build runs after an error too:
a rollback returns to the indexes as they were, and a caller that catches the error keeps
them. Only a cancel skips the build (at a million rows it takes seconds), as a cancel
always rolls the whole transaction back. The definitions are read from the schema, so
exactly what it holds is rebuilt. UNIQUE indexes stay in place, so a duplicate is refused
at its own row. Nothing inside the block may look rows up by a dropped index's columns:
it only appends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from desktop.progress import Cancelled
from desktop.storage import engines, planner_stats

_SECONDARY = text(
    "SELECT m.name, m.sql FROM sqlite_master m "
    "WHERE m.type = 'index' AND m.tbl_name = :table AND m.sql IS NOT NULL "
    "AND NOT (SELECT i.[unique] FROM pragma_index_list(:table) i WHERE i.name = m.name) "
    "ORDER BY m.name"
)


@contextmanager
def deferred_indexes(conn: Connection, table: str, appended_rows: int) -> Iterator[None]:
    """``table``'s non-unique indexes are absent inside the block and rebuilt after it,
    when the block appends at least as many rows as the table holds; otherwise the block
    runs with the indexes kept."""
    if engines.is_postgres(conn):
        # the hub keeps its indexes as rows arrive: other clerks read them meanwhile, and
        # its DDL would lock the table against them until this transaction ends
        yield
        return
    existing = conn.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM "{table}"')
    if appended_rows < int(existing.scalar_one()):
        yield
        return
    definitions = conn.execute(_SECONDARY, {"table": table}).all()
    for name, _ in definitions:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    cancelled = failed = False
    try:
        yield
    except Cancelled:
        cancelled = True  # a cancel rolls everything back: building would only delay it
        raise
    except BaseException:
        failed = True
        raise
    finally:
        # also after an error: a caller that catches it and commits keeps every index
        if not cancelled and _transaction_open(conn):
            for _, sql in definitions:
                conn.exec_driver_sql(sql)
            if not failed:
                # the table at least doubled: the statements after this block, in this
                # transaction too, are planned on its new shape (storage/planner_stats.py)
                planner_stats.analyze(conn, table)


def _transaction_open(conn: Connection) -> bool:
    """False when SQLite has rolled the transaction back by itself, as it may after a
    full disk or an I/O error (https://sqlite.org/lang_transaction.html): the drops went
    with it, so the indexes are back, and building them again would fail and hide the
    real error."""
    return bool(getattr(conn.connection.driver_connection, "in_transaction", True))
