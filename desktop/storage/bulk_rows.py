"""Many rows written as one statement on the hub; ``executemany`` on SQLite.

Why: on PostgreSQL an ``executemany`` is one statement per row. Each fires the hub's
statement-level counting triggers (migration 0021) once and costs a round trip, and the
summary rows every statement adds to get a new version per row within the transaction.
So from ``STAGED_FROM`` rows the hub copies the rows into a temporary table with
``COPY`` (one stream, psycopg's own adapters: the hub's bool and text dumpers apply) and
writes them with one ``INSERT … SELECT`` or ``UPDATE … FROM``: the triggers see the
whole batch at once. The temporary table lives inside the caller's transaction and is
dropped at once, so a rollback leaves nothing behind either way.

SQLite is left as it is: an ``executemany`` there runs in C against a local file, and
its summary triggers are per row anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from desktop.storage import engines

#: From this many rows the hub stages them (below, the temporary table costs more than
#: the round trips it saves).
STAGED_FROM = 50

_STAGE = "ud_stage"


def _quoted(cols: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def insert_rows(
    conn: Connection,
    table: str,
    cols: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_existing: bool = False,
) -> None:
    """``INSERT INTO table (cols)`` of every row of ``rows`` (tuples in ``cols`` order);
    with ``ignore_existing`` a row whose key is held already is skipped (SQLite's
    ``INSERT OR IGNORE``, the hub's ``ON CONFLICT DO NOTHING``)."""
    if not rows:
        return
    names = _quoted(cols)
    hub = engines.is_postgres(conn)
    verb = "INSERT OR IGNORE" if ignore_existing and not hub else "INSERT"
    skip = " ON CONFLICT DO NOTHING" if ignore_existing and hub else ""
    if len(rows) < STAGED_FROM or not hub:
        marks = ", ".join("?" for _ in cols)
        conn.exec_driver_sql(f'{verb} INTO "{table}" ({names}) VALUES ({marks}){skip}', list(rows))
        return
    _stage(conn, table, cols, rows)
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM {_STAGE}{skip}')
    conn.exec_driver_sql(f"DROP TABLE {_STAGE}")


def update_rows(
    conn: Connection,
    table: str,
    cols: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    extra: str = "",
) -> None:
    """``UPDATE table SET cols WHERE id = …`` for every row of ``rows`` ((*values, id)
    tuples, each id once); ``extra`` is more of the SET list (``version = version + 1``)."""
    if not rows:
        return
    more = f", {extra}" if extra else ""
    if len(rows) < STAGED_FROM or not engines.is_postgres(conn):
        sets = ", ".join(f'"{c}" = ?' for c in cols)
        conn.exec_driver_sql(f'UPDATE "{table}" SET {sets}{more} WHERE id = ?', list(rows))
        return
    _stage(conn, table, (*cols, "id"), rows)
    sets = ", ".join(f'"{c}" = s."{c}"' for c in cols)
    conn.exec_driver_sql(f'UPDATE "{table}" t SET {sets}{more} FROM {_STAGE} s WHERE t.id = s.id')
    conn.exec_driver_sql(f"DROP TABLE {_STAGE}")


def _stage(
    conn: Connection, table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``rows`` in a temporary table of ``table``'s types for ``cols`` (no constraints:
    the real statement checks them), through one ``COPY``."""
    names = _quoted(cols)
    conn.exec_driver_sql(
        f'CREATE TEMP TABLE {_STAGE} AS SELECT {names} FROM "{table}" WITH NO DATA'
    )
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
