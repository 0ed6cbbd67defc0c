"""Writing a plan's rows: each table through its writer, the others generically.

A table with a writer of its own (``TABLE_WRITERS``: ``members``, ``unions``) is written
only by that writer — its inserts, its grouped updates and, for members, the search
documents and dashboard counts that go with them. Every other synced table is written
here generically (``"{table}"``), and that generic code refuses the tables that have a
writer, so a received change can never bypass one.

Kept apart from ``importer`` (decrypt, verify, bookkeeping): this is the part whose cost
grows with the rows, so it works in tuples and ``executemany`` throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Connection

from desktop.errors import UnionDeskError
from desktop.services.members import writer as member_writer
from desktop.services.unions import writer as union_writer
from desktop.storage import bulk_rows
from desktop.storage.deferred_indexes import deferred_indexes
from desktop.sync import plan as plan_mod
from desktop.sync import schema

# The tables whose every write goes through their own writer module.
TABLE_WRITERS = frozenset({"members", "unions"})


def _fills(batch: member_writer.ReceivedBatch) -> list[member_writer.Fill]:
    """How each local column of ``batch`` is filled: derived from a travelling field
    (``schema.DERIVED``), or blank."""
    cols = batch.cols
    fills: list[member_writer.Fill] = []
    for col in batch.local:
        derived = schema.DERIVED.get(col)
        if derived is None:
            fills.append((None, None))
        else:
            fills.append((cols.index(derived[0]) if derived[0] in cols else None, derived[1]))
    return fills


def _generic_table(table: str) -> str:
    """``table``, if the generic code may write it: never one with a writer of its own."""
    if table in TABLE_WRITERS:
        raise UnionDeskError(f"内部错误：{table} 表只能由它的写入模块写入，已全部撤销")
    return table


def _insert_generic(conn: Connection, table: str, batches: Sequence[plan_mod.InsertBatch]) -> None:
    table = _generic_table(table)
    count = sum(len(b.rows) for b in batches)
    many = count >= member_writer.SET_BASED_FROM
    # as members.writer.appending does: indexes built after rows that at least double it
    deferring: AbstractContextManager[None] = (
        deferred_indexes(conn, table, count) if many else nullcontext()
    )
    with deferring:
        for batch in batches:
            fills = _fills(batch)
            rows: list[tuple[Any, ...]] = [
                (
                    *row,
                    *[
                        "" if fn is None else fn(None if at is None else row[at])
                        for at, fn in fills
                    ],
                )
                for row in batch.rows
            ]
            bulk_rows.insert_rows(conn, table, (*batch.cols, *batch.local), rows)


def update_generic(
    conn: Connection, table: str, cols: tuple[str, ...], params: Sequence[tuple[Any, ...]]
) -> None:
    """Rows of a table without a writer of its own: (*values, id) tuples, as one
    ``executemany`` (one staged statement on the hub: ``storage.bulk_rows``)."""
    bulk_rows.update_rows(conn, _generic_table(table), cols, params)


def update_row(conn: Connection, table: str, row_id: str, changes: dict[str, Any]) -> None:
    """A local change of one synced row's fields (a resolved conflict): through the
    table's writer where it has one, so derived columns, search documents and counts
    follow; captured by the triggers."""
    if table == "members":
        member_writer.update_fields(conn, row_id, changes)
    elif table == "unions":
        union_writer.update_fields(conn, row_id, changes)
    else:
        update_generic(conn, table, tuple(changes), [(*changes.values(), row_id)])


def apply_rows(conn: Connection, plan: plan_mod.Plan) -> list[int]:
    """The planned inserts and updates: one ``executemany`` per table and column set.

    Inserts first (parents before children, as planned), then updates; rows of one
    statement touch distinct ids, and the member tables carry no UNIQUE index beyond the
    primary key, so grouping updates by column set cannot change what they leave behind.
    New members' search documents are indexed a chunk at a time as their rows are made.
    Returns the rowids of inserted members whose search documents are still to be made
    (``reindex``).
    """
    unsure: list[int] = []
    for table, batches in plan.inserts.items():
        if table == "members":
            unsure += member_writer.insert_received(conn, batches, _fills)
        elif table == "unions":
            union_writer.insert_received(conn, batches, _fills)
        else:
            _insert_generic(conn, table, batches)
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    for table, row_id, diff in plan.updates:
        key = (table, tuple(diff))
        params = updates.get(key)
        if params is None:
            params = updates[key] = []
        params.append((*diff.values(), row_id))
    for (table, cols), params in updates.items():
        if table == "members":
            member_writer.update_received(conn, cols, params)
        elif table == "unions":
            union_writer.update_received(conn, cols, params)
        else:
            update_generic(conn, table, cols, params)
    return unsure


def reindex(conn: Connection, plan: plan_mod.Plan, unsure: list[int]) -> None:
    """Search documents of the members this apply touched and has not indexed yet:
    the ``unsure`` inserted rowids, and the updated members (``members.writer``)."""
    inserted = {row[0] for batch in plan.inserts.get("members", []) for row in batch.rows}
    touched = [m for m in dict.fromkeys(plan.members_touched) if m not in inserted]
    member_writer.finish_received(conn, unsure, touched)
