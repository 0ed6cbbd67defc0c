"""Record changes in the audit trail, derived from the change log at commit.

Why from the change log: the capture triggers (``storage/capture.py``) already record
every insert, update and tombstone of every synced table, whichever path wrote it — a
dialog, the CLI, the roster import, the sync apply (which stores the received changes
there too) — so folding what the log gained into the trail just before COMMIT covers
every writer without touching any service, in the same transaction.

What is kept: the table, the record id and the NAMES of the changed fields (the JSON
keys of the logged change), never a value; the kind (新增 / 修改 / 删除) is read from
whether the record had logged changes before and from its ``deleted`` flag. A bulk
write is not copied entry by entry: above ``SUMMARY_OVER`` records of one table in one
transaction, one summary entry says the table, the count and the first and last record
ids (UUIDv7: first and last written).

How: a SQLAlchemy ``commit`` listener on the engine (it runs on the committing
connection, inside its transaction, for Core connections and ORM sessions alike). A
transaction that changed no row is skipped without a statement (the DB-API
connection's ``total_changes`` is compared with its value at BEGIN). The change log's
rowid folded so far is the ``audit_change_mark`` setting; a change written while no
listener ran (another tool, a migration) is folded by the next commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event

from desktop.services.audit import chain
from desktop.services.audit.anchor import AnchorKeeper
from desktop.services.audit.codes import RECORD_CHANGE
from desktop.storage import engines, settings_store
from desktop.storage.database import Database

#: More records of one table than this in one transaction: one summary entry.
SUMMARY_OVER = 20
_CHANGES_AT_BEGIN = "audit_total_changes"

KIND_LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}


@dataclass(frozen=True)
class _TableCount:
    tbl: str
    records: int
    first: str
    last: str


@dataclass(frozen=True)
class _RecordChange:
    tbl: str
    row_id: str
    fields: str
    earlier: int  # logged changes of this record before the folded range
    deleted: int  # this transaction set the tombstone


def fold(conn: Connection) -> int:
    """Append the audit entries for the change log rows since the mark; returns how many.
    At the hub: for the rows queued in ``audit_pending`` (``_fold_queued``)."""
    if engines.is_postgres(conn):
        return _fold_queued(conn)
    mark_text = settings_store.read(conn, settings_store.AUDIT_CHANGE_MARK)
    top = int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM sync_change").scalar_one())
    mark = int(mark_text) if mark_text is not None else top
    if top == mark:
        if mark_text is None:
            settings_store.write(conn, settings_store.AUDIT_CHANGE_MARK, str(top))
        return 0
    written = 0
    if top > mark:  # (below: the log's newest rows were purged; start again from its end)
        counts = [
            _TableCount(str(r.tbl), int(r.records), str(r.first), str(r.last))
            for r in conn.exec_driver_sql(
                "SELECT tbl, count(DISTINCT row_id) AS records, min(row_id) AS first, "
                "max(row_id) AS last FROM sync_change WHERE rowid > ? GROUP BY tbl ORDER BY tbl",
                (mark,),
            )
        ]
        for table in counts:
            if table.records > SUMMARY_OVER:
                detail = (
                    f"{table.tbl}：{table.records} 条记录变更（首条 {table.first}，"
                    f"末条 {table.last}）"
                )
                chain.append(conn, RECORD_CHANGE, detail, chain.Change(table.tbl, None, None))
                written += 1
                continue
            for change in _record_changes(conn, table.tbl, mark):
                written += _append_record(conn, change)
    settings_store.write(conn, settings_store.AUDIT_CHANGE_MARK, str(top))
    return written


# The hub's queue taken off in one statement, sized per table on the server: a table
# with more records than ``SUMMARY_OVER`` comes back as one row (its count, first and
# last record id), the others as their queued changes. Taking every queued row back
# instead (a package's ~46 logged changes a member, each with its fields' JSON) was 16 %
# of an intake's client time (docs/HUB.md). Record ids compared bytewise, as Python does.
_TAKE_QUEUED = (
    "WITH gone AS (DELETE FROM audit_pending RETURNING seq, tbl, row_id, fields), "
    "sizes AS (SELECT tbl, count(DISTINCT row_id) AS records, "
    'min(row_id COLLATE "C") AS first, max(row_id COLLATE "C") AS last '
    "FROM gone GROUP BY tbl) "
    "SELECT s.tbl, s.records, s.first, s.last, CAST(NULL AS bigint) AS seq, "
    "CAST(NULL AS text) AS row_id, CAST(NULL AS text) AS fields "
    f"FROM sizes s WHERE s.records > {SUMMARY_OVER} "
    "UNION ALL SELECT g.tbl, s.records, NULL, NULL, g.seq, g.row_id, g.fields "
    f"FROM gone g JOIN sizes s ON s.tbl = g.tbl WHERE s.records <= {SUMMARY_OVER}"
)


def _fold_queued(conn: Connection) -> int:
    """The hub's fold (migration 0022): the changes queued by this transaction (and any
    left committed by a writer without the fold), taken off the queue as they are read,
    summarised or listed as on SQLite."""
    taken = conn.exec_driver_sql(_TAKE_QUEUED).all()
    if not taken:
        return 0
    summaries = {str(r.tbl): r for r in taken if r.seq is None}
    tables: dict[str, dict[str, list[Any]]] = {}
    for r in sorted((r for r in taken if r.seq is not None), key=lambda r: int(r.seq)):
        tables.setdefault(str(r.tbl), {}).setdefault(str(r.row_id), []).append(r)
    written = 0
    for tbl in sorted({*summaries, *tables}):
        summary = summaries.get(tbl)
        if summary is not None:
            detail = (
                f"{tbl}：{int(summary.records)} 条记录变更（首条 {summary.first}，"
                f"末条 {summary.last}）"
            )
            chain.append(conn, RECORD_CHANGE, detail, chain.Change(tbl, None, None))
            written += 1
            continue
        for row_id, changes in tables[tbl].items():
            names: set[str] = set()
            deleted = 0
            for change in changes:
                values = json.loads(str(change.fields))
                names.update(values)
                if values.get("deleted") in (1, True):
                    deleted = 1
            logged = int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM sync_change WHERE tbl = ? AND row_id = ?",
                    (tbl, row_id),
                ).scalar_one()
            )
            fields = ",".join(sorted(names))
            earlier = logged - len(changes)
            written += _append_record(conn, _RecordChange(tbl, row_id, fields, earlier, deleted))
    return written


def _append_record(conn: Connection, change: _RecordChange) -> int:
    kind = "delete" if change.deleted else "update" if change.earlier else "insert"
    names = change.fields.split(",") if change.fields else []
    listed = f"{len(names)} 个字段" if kind == "insert" else "、".join(names)
    detail = f"{KIND_LABELS[kind]} {change.tbl} 记录 {change.row_id}；字段：{listed}"
    logged = chain.Change(change.tbl, change.row_id, change.fields)
    chain.append(conn, RECORD_CHANGE, detail, logged)
    return 1


def _record_changes(conn: Connection, tbl: str, mark: int) -> list[_RecordChange]:
    rows = conn.exec_driver_sql(
        "SELECT c.row_id AS row_id, "
        "(SELECT group_concat(key, ',') FROM (SELECT DISTINCT j.key FROM sync_change d, "
        "json_each(d.fields) j WHERE d.tbl = c.tbl AND d.row_id = c.row_id AND d.rowid > ? "
        "ORDER BY j.key)) AS names, "
        "EXISTS (SELECT 1 FROM sync_change o WHERE o.tbl = c.tbl AND o.row_id = c.row_id "
        "AND o.rowid <= ?) AS earlier, "
        "max(coalesce(json_extract(c.fields, '$.deleted'), 0) = 1) AS deleted "
        "FROM sync_change c WHERE c.tbl = ? AND c.rowid > ? "
        "GROUP BY c.row_id ORDER BY min(c.rowid)",
        (mark, mark, tbl, mark),
    )
    return [
        _RecordChange(tbl, str(r.row_id), str(r.names or ""), int(r.earlier), int(r.deleted or 0))
        for r in rows
    ]


def _on_begin(conn: Connection) -> None:
    conn.info[_CHANGES_AT_BEGIN] = _total_changes(conn)


def _on_commit(conn: Connection) -> None:
    if engines.is_postgres(conn):
        # a transaction that wrote nothing has no transaction id at the hub: no statement
        # that writes (the fold's DELETE) may run in it (a read-only connection)
        if conn.exec_driver_sql("SELECT txid_current_if_assigned()").scalar() is not None:
            fold(conn)
        return
    if _total_changes(conn) == conn.info.get(_CHANGES_AT_BEGIN) or not chain.ready(conn):
        return
    fold(conn)


def _total_changes(conn: Connection) -> int:
    dbapi = conn.connection.driver_connection
    return int(getattr(dbapi, "total_changes", -1))


def install(db: Database) -> None:
    """Audit every record change committed through ``db`` and keep the anchor moving."""
    event.listen(db.engine, "begin", _on_begin)
    event.listen(db.engine, "commit", _on_commit)
    db.after_commit.append(AnchorKeeper(db).update)
