"""Change capture on PostgreSQL (the federation hub): PL/pgSQL triggers writing the same
``sync_change`` rows as SQLite's (``capture.py``).

Why triggers here too, not capture in the writer: the reasons of ``capture.py`` hold on
the hub (every path is covered, the change row is in the same transaction), and the
change log keeps one meaning on both engines. Per synced table, one trigger function
generated from the live columns: while ``sync_clock.capturing`` is 1, an insert records
every travelling field, an update the fields that changed (none changed: nothing); each
bumps the single clock row (counter + 1, the next HLC from the server's clock, the same
formula as ``hlc.sql_next``) and writes one change with the clock's values. A physical
delete and a change of ``id`` are refused, as on SQLite.

The fields are a JSON object of the new values (``jsonb``, stored as its text): the
keys and values of SQLite's ``json_object`` (flags 0/1, dates as ISO text), the key
order not kept — readers parse it (``json.loads``). A bulk append (the demo, a roster
import) is captured set-based after its rows, as on SQLite (``record_appended``, called
by ``capture.bulk_insert``).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection

from desktop.storage.hlc import LOGICAL_BITS, MAX_AHEAD_MS

#: The server's wall clock as an HLC with logical part 0 (``hlc.SQL_NOW`` on SQLite).
PG_NOW = f"((extract(epoch FROM clock_timestamp()) * 1000)::bigint << {LOGICAL_BITS})"
_AHEAD = MAX_AHEAD_MS << LOGICAL_BITS
#: ``hlc.sql_next('hlc')`` in PostgreSQL's words (``greatest`` for SQLite's ``max``).
NEXT_HLC = (
    f"(CASE WHEN hlc > {PG_NOW} + {_AHEAD} THEN {PG_NOW} ELSE greatest(hlc + 1, {PG_NOW}) END)"
)
# jsonb_build_object takes at most 100 arguments: 50 pairs a call, joined with ||.
_PAIRS = 50


#: The transaction's capture switch (``set_capturing``): a custom setting, local to the
#: transaction, read by the triggers. Unset (or reset to '' after a transaction that set
#: it) means on. ``sync_clock.capturing`` is still honoured, as SQLite's triggers do.
_SETTING = "uniondesk.capturing"
CAPTURING = (
    f"(coalesce(current_setting('{_SETTING}', true), '') <> '0' "
    "AND (SELECT capturing FROM sync_clock WHERE id = 1) = 1)"
)

_CAPTURING_SQL = f"coalesce({CAPTURING}, false)"


def set_capturing(conn: Connection, enabled: bool) -> None:
    """Capture on or off for the rest of this transaction only.

    Why not the clock row as on SQLite: on the hub that row is shared by every clerk's
    write, and an import that wrote it first would hold its lock until commit — every
    save on the hub would wait for the whole import, and a clerk's save of a member the
    package also changes (member row, then clock row) would deadlock with the import
    (clock row, then member row). Set this way the import takes the clock row last, as
    a clerk's save does."""
    conn.exec_driver_sql(
        "SELECT set_config(:name, :value, true)",
        {"name": _SETTING, "value": "1" if enabled else "0"},
    )


def installed_current(conn: Connection) -> bool:
    """Whether the hub's trigger functions read the transaction's switch (made by this
    version); a hub whose triggers predate it gets them rebuilt when opened."""
    source = conn.exec_driver_sql(
        "SELECT prosrc FROM pg_proc WHERE proname = 'sync_refuse'"
    ).scalar()
    return source is not None and _SETTING in str(source)


def function_name(table: str) -> str:
    return f"sync_capture_{table}"


def trigger_names(table: str) -> list[str]:
    return [f"sync_{kind}_{table}" for kind in ("ins", "upd", "del", "pk")]


def _object(columns: list[str], row: str = "NEW") -> str:
    chunks = [columns[i : i + _PAIRS] for i in range(0, len(columns), _PAIRS)] or [[]]
    return " || ".join(
        "jsonb_build_object(" + ", ".join(f"'{c}', {row}.\"{c}\"" for c in chunk) + ")"
        for chunk in chunks
    )


def function_sql(table: str, columns: list[str]) -> str:
    """The trigger function capturing inserts and updates of ``table``'s ``columns``."""
    changed = "\n".join(
        f'    IF NEW."{c}" IS DISTINCT FROM OLD."{c}" THEN '
        f"fields := fields || jsonb_build_object('{c}', NEW.\"{c}\"); END IF;"
        for c in columns
    )
    return f"""CREATE OR REPLACE FUNCTION {function_name(table)}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  fields jsonb := '{{}}'::jsonb;
  clock record;
BEGIN
  IF NOT {_CAPTURING_SQL} THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    fields := {_object(columns)};
  ELSE
{changed or "    NULL;"}
    IF fields = '{{}}'::jsonb THEN
      RETURN NULL;
    END IF;
  END IF;
  UPDATE sync_clock SET counter = counter + 1, hlc = {NEXT_HLC} WHERE id = 1
    RETURNING node_id, counter, hlc, ctx INTO clock;
  INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields)
    VALUES (clock.node_id, clock.counter, clock.hlc, clock.ctx, '{table}', NEW.id, fields::text);
  RETURN NULL;
END $$"""


_REFUSE = """CREATE OR REPLACE FUNCTION sync_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT @CAPTURING@ THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'synced rows are never deleted: set deleted = 1'
        USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id THEN
    RAISE EXCEPTION 'the id of a synced row never changes'
        USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$""".replace("@CAPTURING@", f"coalesce({CAPTURING}, false)")


def synced_columns(conn: Connection, table: str, local: frozenset[str]) -> list[str]:
    """The live columns of ``table`` that travel: all but ``id``, local-only ones and
    the hub's own ``rowid`` key, in table order."""
    skip = {"id", "rowid", *local}
    names = conn.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = :t ORDER BY ordinal_position",
        {"t": table},
    ).scalars()
    return [str(n) for n in names if str(n) not in skip]


def install_triggers(conn: Connection, tables: Mapping[str, frozenset[str]]) -> list[str]:
    """(Re)create the capture triggers of every synced table present (``tables``: synced
    table → its local-only columns, as ``capture.install_triggers`` takes them)."""
    present = set(
        conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).scalars()
    )
    conn.exec_driver_sql(_REFUSE)
    installed: list[str] = []
    for table, local in sorted(tables.items()):
        if table not in present:
            continue
        ins, upd, dele, pk = trigger_names(table)
        for name in (ins, upd, dele, pk):
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        conn.exec_driver_sql(function_sql(table, synced_columns(conn, table, local)))
        run = f"FOR EACH ROW EXECUTE FUNCTION {function_name(table)}()"
        conn.exec_driver_sql(f'CREATE TRIGGER {ins} AFTER INSERT ON "{table}" {run}')
        conn.exec_driver_sql(f'CREATE TRIGGER {upd} AFTER UPDATE ON "{table}" {run}')
        refuse = "FOR EACH ROW EXECUTE FUNCTION sync_refuse()"
        conn.exec_driver_sql(f'CREATE TRIGGER {dele} BEFORE DELETE ON "{table}" {refuse}')
        conn.exec_driver_sql(f'CREATE TRIGGER {pk} BEFORE UPDATE OF id ON "{table}" {refuse}')
        installed.append(table)
    return installed


def record_appended(conn: Connection, table: str, local: frozenset[str], start: int) -> None:
    """The hub's half of ``capture.bulk_insert``: the rows appended above rowid ``start``
    are recorded by one statement, each as its insert trigger would have recorded it —
    the same fields, consecutive counters from the clock and increasing HLCs from the
    clock's next — and the clock moves once.

    Why: the trigger bumps the one clock row per appended row; in one transaction every
    bump is a new version of that row that the next one steps over, so an append of n
    rows costs n² (the counting triggers had the same defect: migration 0021). The clock
    row is locked only from here to the commit, as a clerk's save locks it."""
    added = int(
        conn.exec_driver_sql(
            f'SELECT count(*) FROM "{table}" WHERE rowid > :start', {"start": start}
        ).scalar_one()
    )
    if not added:
        return
    clock = conn.exec_driver_sql(
        f"SELECT node_id, counter, ctx, {NEXT_HLC} AS first FROM sync_clock WHERE id = 1 FOR UPDATE"
    ).one()
    fields = _object(synced_columns(conn, table, local), "t")
    conn.exec_driver_sql(
        "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
        "SELECT :node, :counter + t.nth, :first + t.nth - 1, :ctx, :tbl, t.id, "
        f"({fields})::text FROM (SELECT *, row_number() OVER (ORDER BY rowid) AS nth "
        f'FROM "{table}" WHERE rowid > :start) AS t',
        {"node": clock.node_id, "counter": int(clock.counter), "first": int(clock.first),
         "ctx": clock.ctx, "tbl": table, "start": start},
    )  # fmt: skip
    conn.exec_driver_sql(
        "UPDATE sync_clock SET counter = counter + :added, hlc = :first + :added - 1 WHERE id = 1",
        {"added": added, "first": int(clock.first)},
    )
