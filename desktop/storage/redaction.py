"""Rewrite the sync bookkeeping so that no erased personal value remains in it.

Why here: the change log (``sync_change``), the conflict log (``sync_conflict``) and the
stored signed segments (``sync_segment``) are the storage layer's tables, written by the
capture triggers and the sync apply. An erasure (``services.erasure``) must leave none
of the erased values in them, yet the log must keep every dot (node, counter): version
vectors, acknowledgements and the merge read the dots, so a change is blanked, never
removed. What "blank" means per table and field is passed in by the caller
(``models.erasure.PERSONAL``): this layer never imports the models.

A signed segment cannot be blanked: its origin's signature covers its bytes. Every
stored segment that holds a value blanked here is dropped; this PC's own segments are
sealed again from the blanked log at its next export (``sync.export.seal_own`` seals
every range of its own counters no segment covers). Another office's dropped range is
remembered (``sync_dropped_segment``) and asked for again in every package this PC
sends (the manifest's ``wanted``) until a clean copy — the origin's own, sealed again
once it erased the person too — is stored here, so this PC can relay it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from desktop.storage import engines, rawconn
from desktop.storage.database import Database

_CHUNK = 500
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def blank_fields(conn: Connection, table: str, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """Set ``blanks`` (column → blank value) on these rows of ``table``, in the caller's
    transaction; the capture triggers record it, so the blanking travels. Called only by
    the table's own writer (its ``erase_personal_in``), which names the table."""
    if not row_ids or not blanks:
        return
    sets = ", ".join(f'"{c}" = ?' for c in blanks)
    conn.exec_driver_sql(
        f'UPDATE "{table}" SET {sets} WHERE id = ?',
        [(*blanks.values(), row_id) for row_id in row_ids],
    )


def redact_rows(
    conn: Connection,
    rows: Iterable[tuple[str, str]],
    blanks: Mapping[str, Mapping[str, Any]],
) -> int:
    """Blank the personal fields of every logged change and conflict of ``rows``
    ((table, row id) pairs) and drop the segments holding those changes; returns how
    many logged changes were rewritten."""
    by_table: dict[str, list[str]] = {}
    for table, row_id in rows:
        if table in blanks:
            by_table.setdefault(table, []).append(row_id)
    rewritten = 0
    dots: list[tuple[str, int]] = []
    for table, ids in by_table.items():
        fields = blanks[table]
        for i in range(0, len(ids), _CHUNK):
            chunk = tuple(ids[i : i + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            logged = conn.exec_driver_sql(
                "SELECT node_id, counter, fields FROM sync_change "
                f"WHERE tbl = ? AND row_id IN ({marks})",
                (table, *chunk),
            ).all()
            updates: list[tuple[str, str, int]] = []
            for node, counter, raw in logged:
                values = json.loads(str(raw))
                if not isinstance(values, dict) or fields.keys().isdisjoint(values):
                    continue
                blanked = {k: (fields[k] if k in fields else v) for k, v in values.items()}
                if blanked != values:
                    updates.append((_JSON.encode(blanked), str(node), int(counter)))
                    # its segments held the values as logged (an incoming change blanked
                    # on arrival has its segment judged at import: ``sync.erasures``)
                    dots.append((str(node), int(counter)))
            if updates:
                conn.exec_driver_sql(
                    "UPDATE sync_change SET fields = ? WHERE node_id = ? AND counter = ?", updates
                )
                rewritten += len(updates)
            field_marks = ", ".join("?" for _ in fields)
            conflicts = conn.exec_driver_sql(
                f"SELECT id, field FROM sync_conflict WHERE tbl = ? AND row_id IN ({marks}) "
                f"AND field IN ({field_marks})",
                (table, *chunk, *fields),
            ).all()
            if conflicts:
                conn.exec_driver_sql(
                    "UPDATE sync_conflict SET win_value = ?, lose_value = ? WHERE id = ?",
                    [
                        (
                            json.dumps(fields[str(f)], ensure_ascii=False),
                            json.dumps(fields[str(f)], ensure_ascii=False),
                            int(cid),
                        )
                        for cid, f in conflicts
                    ],
                )
    drop_segments(conn, dots)
    return rewritten


def drop_segments(conn: Connection, dots: Iterable[tuple[str, int]]) -> int:
    """Drop every stored segment that holds one of these changes (node, counter); each
    range is remembered (``sync_dropped_segment``) so a clean copy is asked for again."""
    dropped = 0
    for node, counter in sorted(set(dots)):
        ranges = conn.exec_driver_sql(
            "SELECT origin, first, last FROM sync_segment "
            "WHERE origin = ? AND first <= ? AND last >= ?",
            (node, counter, counter),
        ).all()
        for origin, first, last in ranges:
            drop_range(conn, str(origin), int(first), int(last))
            dropped += 1
    return dropped


def drop_range(conn: Connection, origin: str, first: int, last: int) -> None:
    conn.exec_driver_sql(
        "DELETE FROM sync_segment WHERE origin = ? AND first = ? AND last = ?",
        (origin, first, last),
    )
    conn.exec_driver_sql(
        engines.insert_ignoring(
            conn,
            "INSERT OR IGNORE INTO sync_dropped_segment (origin, first, last) VALUES (?, ?, ?)",
        ),
        (origin, first, last),
    )


def covered(conn: Connection, origin: str, first: int, last: int) -> None:
    """A segment ``origin`` ``first``..``last`` is stored again: the dropped ranges it
    covers are no longer asked for."""
    conn.exec_driver_sql(
        "DELETE FROM sync_dropped_segment WHERE origin = ? AND first >= ? AND last <= ?",
        (origin, first, last),
    )


def scrub_file(conn: Connection) -> None:
    """Inside the erasing transaction: freed pages and cells are overwritten with zeros
    (``secure_delete``), so the old values do not linger in the file's free space. The
    hub has no such switch: its old row versions go with ``truncate_wal``'s VACUUM."""
    if not engines.is_postgres(conn):
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def end_scrub(conn: Connection) -> None:
    if not engines.is_postgres(conn):
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")


#: The hub's tables whose old row versions may hold an erased value (the registry's
#: personal tables are few and small beside these; VACUUM of them all would read the hub).
_VACUUMED = (
    "members", "member_terms", "member_search_docs", "sync_change", "sync_conflict",
    "sync_segment", "attendances", "applications", "transfers", "legal_cases",
    "hardship_cases", "hardship_household", "attachments",
)  # fmt: skip


def truncate_wal(db: Database) -> bool:
    """After the erasing transaction committed: copy the write-ahead log into the file
    and empty it, so its older frames (pages as they were before the erasure) go too.
    Waits for the background checkpoint first (it holds the log meanwhile). Best effort:
    a reader holding frames makes it partial (False), and the next erasure or the close
    of the last connection finishes it.

    On the hub: a VACUUM of the tables that held the values, which removes the row
    versions from before the erasure (the server's WAL and the administrator's pg_dump
    backups age out by their own schedule: docs/HUB.md). Partial (False) while another
    transaction that began before the erasure is still open."""
    if engines.is_postgres(db.engine):
        return _vacuum(db)
    db.checkpoints.flush()
    try:
        con = rawconn.connect(db.paths.database, autocommit=True)
    except rawconn.Error:
        return False
    try:
        con.execute("PRAGMA busy_timeout = 5000")
        busy, _frames, _copied = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy
    except rawconn.Error:
        return False
    finally:
        con.close()


def _vacuum(db: Database) -> bool:
    from sqlalchemy.exc import DBAPIError

    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            present = set(
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                ).scalars()
            )
            names = ", ".join(f'"{t}"' for t in _VACUUMED if t in present)
            conn.exec_driver_sql(f"VACUUM {names}")
    except DBAPIError:
        return False
    return True
