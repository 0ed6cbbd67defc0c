"""Change capture by generated SQLite triggers: the one mechanism for every synced table.

Why triggers: every write path passes through them — the ORM, Core bulk inserts, the sync
engine's own apply, even a migration's data fix — so no path can forget to record a
change, and the change row is written in the very same transaction as the data. The
trigger text is generated from the live columns of each table that declares ``Synced``;
there is no per-table sync code to keep in step.

Each trigger bumps the single ``sync_clock`` row (counter and HLC) and writes one
``sync_change`` row holding the new values of the fields that changed. Physical deletes
of synced rows are refused: a delete is the ``deleted`` field set to 1, a tombstone with a
dot of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from desktop.storage import engines, pg_capture
from desktop.storage.hlc import sql_next

CAPTURING = "(SELECT capturing FROM sync_clock WHERE id = 1) = 1"
# The clock ticks on, or restarts from the PC's date if it was left far ahead (hlc.py).
BUMP = f"UPDATE sync_clock SET counter = counter + 1, hlc = {sql_next('hlc')} WHERE id = 1;"
# Rows per statement when a bulk insert is captured set-based.
CAPTURE_SLICE = 5_000
# json_object takes at most 127 arguments in a default SQLite build.
_MAX_PAIRS = 60


def _json_object(columns: list[str], prefix: str) -> str:
    chunks = [columns[i : i + _MAX_PAIRS] for i in range(0, len(columns), _MAX_PAIRS)] or [[]]
    parts = [
        "json_object(" + ", ".join(f"'{c}', {prefix}.\"{c}\"" for c in chunk) + ")"
        for chunk in chunks
    ]
    expr = parts[0]
    for part in parts[1:]:
        expr = f"json_patch({expr}, {part})"
    return expr


def trigger_names(table: str) -> list[str]:
    return [f"sync_{kind}_{table}" for kind in ("ins", "upd", "del", "pk")]


def trigger_sql(table: str, columns: list[str]) -> list[str]:
    """CREATE TRIGGER statements capturing writes to ``table``'s synced ``columns``."""
    ins, upd, dele, pk = trigger_names(table)
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns) or "0"
    # Remove the unchanged fields from the full object; '$."-"' names no real field.
    removals = ", ".join(
        f'CASE WHEN NEW."{c}" IS OLD."{c}" THEN \'$.{c}\' ELSE \'$."-"\' END' for c in columns
    )
    update_fields = (
        f"json_remove({_json_object(columns, 'NEW')}, {removals})" if columns else "json_object()"
    )

    def insert_change(fields_expr: str) -> str:
        return (
            "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
            f"SELECT node_id, counter, hlc, ctx, '{table}', NEW.id, {fields_expr} "
            "FROM sync_clock WHERE id = 1;"
        )

    return [
        f'CREATE TRIGGER {ins} AFTER INSERT ON "{table}" WHEN {CAPTURING} BEGIN '
        f"{BUMP} {insert_change(_json_object(columns, 'NEW'))} END",
        f'CREATE TRIGGER {upd} AFTER UPDATE ON "{table}" WHEN {CAPTURING} AND ({changed}) '
        f"BEGIN {BUMP} {insert_change(update_fields)} END",
        f'CREATE TRIGGER {dele} BEFORE DELETE ON "{table}" WHEN {CAPTURING} BEGIN '
        "SELECT RAISE(ABORT, 'synced rows are never deleted: set deleted = 1'); END",
        f'CREATE TRIGGER {pk} BEFORE UPDATE OF id ON "{table}" '
        "WHEN NEW.id IS NOT OLD.id BEGIN "
        "SELECT RAISE(ABORT, 'the id of a synced row never changes'); END",
    ]


def synced_columns(conn: Connection, table: str, local: Iterable[str]) -> list[str]:
    """The live columns of ``table`` that travel: all but ``id`` and local-only ones."""
    if engines.is_postgres(conn):
        return pg_capture.synced_columns(conn, table, frozenset(local))
    skip = {"id", *local}
    rows = conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
    return [str(r[1]) for r in rows if str(r[1]) not in skip]


def install_triggers(conn: Connection, tables: Mapping[str, frozenset[str]]) -> list[str]:
    """(Re)create the capture triggers of every synced table present in the database.

    ``tables``: synced table → its local-only columns (``desktop.models.base.synced_tables``;
    passed in, so the storage layer never imports the models above it).
    """
    installed: list[str] = []
    present = {
        str(r[0])
        for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    for table, local in sorted(tables.items()):
        for name in trigger_names(table):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        if table not in present:
            continue
        for statement in trigger_sql(table, synced_columns(conn, table, local)):
            conn.exec_driver_sql(statement)
        installed.append(table)
    return installed


def is_capturing(conn: Connection) -> bool:
    """Whether local writes are being recorded now (off while received changes apply)."""
    if engines.is_postgres(conn):
        return bool(conn.exec_driver_sql(f"SELECT {pg_capture.CAPTURING}").scalar())
    return bool(conn.exec_driver_sql(f"SELECT {CAPTURING}").scalar())


def set_capturing(conn: Connection, enabled: bool) -> None:
    """Switch capture off while applying received changes (same transaction only).

    On the hub the switch is a setting of this transaction (``pg_capture.set_capturing``),
    not the shared clock row: writing that row would hold its lock from the first step of
    an import to its commit, stopping every clerk's save meanwhile."""
    if engines.is_postgres(conn):
        pg_capture.set_capturing(conn, enabled)
        return
    conn.exec_driver_sql("UPDATE sync_clock SET capturing = :on WHERE id = 1", {"on": int(enabled)})


@contextmanager
def suspended_triggers(conn: Connection, names: Iterable[str]) -> Iterator[None]:
    """Drop triggers for a set-based bulk write, then recreate them from their stored SQL.

    Why: even a trigger whose WHEN is false costs a few microseconds per row, and a
    bulk path that does the trigger's work set-based should not pay for it 100k times.
    The statements come back from ``sqlite_master`` verbatim, so whatever a migration
    installed is what is restored. All of it is DDL inside the caller's transaction: a
    rollback restores the triggers with everything else, and other connections never
    see them missing. Keep it to bulk writes: each drop changes the schema version.
    """
    wanted = list(names)
    marks = ", ".join("?" * len(wanted))
    stored = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        tuple(wanted),
    ).all()
    for name, _ in stored:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')

    def restore() -> None:
        for _, sql in stored:
            conn.exec_driver_sql(str(sql))

    try:
        yield
    except BaseException:
        # The error rolls the caller's transaction back, and the drops with it; restoring
        # here too covers a caller that catches it and carries on. If the transaction is
        # already broken, the restore's own failure must not hide the real error.
        with suppress(DBAPIError):
            restore()
        raise
    restore()


@contextmanager
def _off_inside(conn: Connection, capturing: bool) -> Iterator[None]:
    """Capture off inside the block when it was on, and on again after it — also after
    an error: the error rolls the caller's transaction back (the switch with it), and
    switching back here covers a caller that catches it and carries on."""
    if capturing:
        set_capturing(conn, False)
    try:
        yield
    except BaseException:
        if capturing:
            with suppress(DBAPIError):
                set_capturing(conn, True)
        raise
    if capturing:
        set_capturing(conn, True)


@contextmanager
def bulk_insert(conn: Connection, table: str, local: Iterable[str]) -> Iterator[None]:
    """Capture a bulk insert with one set-based statement instead of a trigger per row.

    The rows appended inside the block get exactly what the insert trigger would have
    written — same columns, same JSON, one dot each with consecutive counters and
    increasing HLCs — from the same generated column list, in the same transaction.
    The triggers are switched off meanwhile by the ``capturing`` flag, and the table's
    insert trigger is also suspended (``suspended_triggers``): its WHEN tests the flag
    with a lookup of the clock row, ~3.5 µs a row, 0.35–0.45 s of a 100k-member bulk
    insert (docs/benchmarks.md, eighteenth session). On its own that was judged not
    worth a schema change; the member writer's block suspends the dashboard triggers
    anyway, so the schema changes either way. With capture off (applying received
    changes) nothing is recorded, as the trigger would not either. Only for inserts:
    any other write inside the block would go uncaptured, so don't.
    ``local``: the table's local-only columns (``desktop.models.base.synced_tables``).
    On the hub the rows are recorded by ``pg_capture.record_appended``.
    """
    if engines.is_postgres(conn):
        start = int(
            conn.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').scalar_one()
        )
        capturing = is_capturing(conn)
        with _off_inside(conn, capturing):
            yield
        if capturing:
            pg_capture.record_appended(conn, table, frozenset(local), start)
        return
    columns = synced_columns(conn, table, local)
    start = conn.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').scalar_one()
    capturing = conn.exec_driver_sql(f"SELECT {CAPTURING}").scalar_one()
    # The n-th appended row (in rowid order) gets counter + n. Rowids appended without a
    # gap give n directly, and the rows are captured a slice at a time: one statement
    # over a 100k-row import held ~50 MB more at its peak. With gaps, a window
    # numbers them in one statement (~60% dearer: it buffers the rows). Every slice
    # numbers from the clock as it is before the block; it moves at the end.
    base = conn.exec_driver_sql(
        f"SELECT (SELECT {sql_next('hlc')} FROM sync_clock WHERE id = 1)"
    ).scalar()
    insert = (
        "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
        "SELECT c.node_id, c.counter + {nth}, {first} + {nth} - 1, c.ctx, "
        f"'{table}', t.id, {_json_object(columns, 't')} "
        f'FROM "{table}" t, sync_clock c WHERE c.id = 1 AND t.rowid > ?'
    )
    gapless_nth = f"(t.rowid - {int(start)})"
    sliced = (
        insert.format(nth=gapless_nth, first=sql_next("c.hlc", str(int(base or 0))))
        + " AND t.rowid <= ?"
    )
    with suspended_triggers(conn, trigger_names(table)[:1]), _off_inside(conn, bool(capturing)):
        yield
    if not capturing:
        return
    added, top = conn.exec_driver_sql(
        f'SELECT count(*), max(rowid) FROM "{table}" WHERE rowid > ?', (start,)
    ).one()
    if not added:
        return
    top = int(top)
    if top - start == added:  # gapless
        for at in range(int(start), top, CAPTURE_SLICE):
            conn.exec_driver_sql(sliced, (at, min(at + CAPTURE_SLICE, top)))
    else:
        window = insert.format(nth="row_number() OVER w", first=sql_next("c.hlc"))
        conn.exec_driver_sql(window + " WINDOW w AS (ORDER BY t.rowid)", (start,))
    conn.exec_driver_sql(
        f"UPDATE sync_clock SET counter = counter + ?, hlc = max({sql_next('hlc')}, ?) + ? - 1 "
        "WHERE id = 1",
        (added, base, added),
    )
