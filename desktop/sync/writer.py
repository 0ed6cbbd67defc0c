"""Writing a plan's rows: bulk inserts with their local columns and search documents,
updates grouped by column set, and the search documents of updated members.

Kept apart from ``importer`` (decrypt, verify, bookkeeping): this is the part whose cost
grows with the rows, so it works in tuples and ``executemany`` throughout.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from desktop.sync import plan as plan_mod
from desktop.sync import schema

if TYPE_CHECKING:
    from desktop.services.figures import summary as stats
    from desktop.storage.search_index import Document


def _quoted(cols: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


_DOC_FIELDS = ("name", "id_number", "phone", "card_no", "deleted")
_TEXT_OR_NONE = (str, type(None))


def _insert_batch(
    conn: Connection,
    table: str,
    batch: plan_mod.InsertBatch,
    next_rowid: int,
    index: Callable[[list[Document]], None],
    chunk: int,
) -> list[int]:
    """Insert one planned batch, filling its local columns; members get their search
    documents made in the same pass (their rowids are given explicitly from
    ``next_rowid``, as ``members.insert_rows`` does) and handed to ``index`` a chunk
    at a time, so a chunk's documents need not all sit in memory at once.

    Returns the rowids whose documents must be read back instead: a member whose
    fields are not all plain text (a hostile or future package) is indexed from what
    SQLite stored, never from a guess at SQLite's conversion.
    """
    from desktop.storage import search_index  # lazily, as pypinyin: only writes need it

    cols = batch.cols
    fills: list[tuple[int | None, Callable[[object], object] | None]] = []
    for col in batch.local:
        derived = schema.DERIVED.get(col)
        if derived is None:
            fills.append((None, None))
        else:
            fills.append((cols.index(derived[0]) if derived[0] in cols else None, derived[1]))
    marks = ", ".join("?" for _ in (*cols, *batch.local))
    if table != "members":
        rows: list[tuple[Any, ...]] = [
            (
                *row,
                *["" if fn is None else fn(None if at is None else row[at]) for at, fn in fills],
            )
            for row in batch.rows
        ]
        insert_cols = (*cols, *batch.local)
        conn.exec_driver_sql(
            f'INSERT INTO "{table}" ({_quoted(insert_cols)}) VALUES ({marks})', rows
        )
        return []
    insert = (
        f'INSERT INTO "{table}" ({_quoted(("rowid", *cols, *batch.local))}) VALUES (?, {marks})'
    )
    doc_at = [cols.index(f) for f in _DOC_FIELDS] if set(_DOC_FIELDS) <= set(cols) else None
    unsure: list[int] = []
    for start in range(0, len(batch.rows), chunk):
        rows = []
        docs: list[Document] = []
        first = next_rowid + start
        for rowid, row in enumerate(batch.rows[start : start + chunk], first):
            # the sort key first, then the document: one pinyin reading serves both
            # (``pinyin.name_pinyin`` is cached and the name was read a moment ago)
            rows.append(
                (
                    rowid,
                    *row,
                    *[
                        "" if fn is None else fn(None if at is None else row[at])
                        for at, fn in fills
                    ],
                )
            )
            if doc_at is None:
                unsure.append(rowid)
                continue
            name, id_number, phone, card_no, deleted = (row[i] for i in doc_at)
            if not (
                type(name) is str
                and isinstance(id_number, _TEXT_OR_NONE)
                and isinstance(phone, _TEXT_OR_NONE)
                and isinstance(card_no, _TEXT_OR_NONE)
                and type(deleted) in (bool, int)
            ):
                unsure.append(rowid)
            elif not deleted:
                docs.append(search_index.document(rowid, name, id_number, phone, card_no))
        conn.exec_driver_sql(insert, rows)
        if docs:
            index(docs)
    return unsure


_FIGURE_FIELDS = (
    "union_id", "membership_status", "gender", "is_migrant_worker",
    "birth_date", "joined_on", "left_on", "deleted",
)  # fmt: skip


def _is_iso_date(value: object) -> bool:
    """A date as SQLite keeps it as text (a DATE column converts number-like text)."""
    return value is None or (
        type(value) is str and len(value) == 10 and value[4] == "-" and value[:4].isdigit()
    )


def _member_figures(batches: list[plan_mod.InsertBatch]) -> Counter[stats.FigureKey] | None:
    """What new members add to the dashboard summary, counted from the rows in hand.

    None (count from the stored rows instead) unless every batch sets every field the
    figures read, each of a type SQLite stores unchanged: a hostile or future package is
    counted from what SQLite made of it, never from a guess at its conversions.
    """
    from desktop.services.figures import summary as stats

    picked: list[stats.NewMember] = []
    for batch in batches:
        if not set(_FIGURE_FIELDS) <= set(batch.cols):
            return None
        at = [batch.cols.index(f) for f in _FIGURE_FIELDS]
        for row in batch.rows:
            union_id, status, gender, migrant, born, joined, left, deleted = (row[i] for i in at)
            if not (
                type(union_id) is str
                and type(status) is str
                and isinstance(gender, _TEXT_OR_NONE)
                and type(migrant) in (bool, int)
                and type(deleted) in (bool, int)
                and _is_iso_date(born)
                and _is_iso_date(joined)
                and _is_iso_date(left)
            ):
                return None
            if not deleted:
                picked.append((union_id, status, gender, migrant, born, joined, left))
    return stats.member_figures(picked)


def apply_rows(conn: Connection, plan: plan_mod.Plan) -> list[int]:
    """The planned inserts and updates: one ``executemany`` per table and column set.

    Inserts first (parents before children, as planned), then updates; rows of one
    statement touch distinct ids, and the member tables carry no UNIQUE index beyond the
    primary key, so grouping updates by column set cannot change what they leave behind.
    New members' search documents are indexed a chunk at a time as their rows are made.
    Returns the rowids of inserted members whose search documents are still to be made.
    """
    from desktop.services.figures import summary as stats
    from desktop.services.members import registry as members
    from desktop.storage import search_index
    from desktop.storage.deferred_indexes import deferred_indexes

    def index(docs: list[Document]) -> None:
        conn.exec_driver_sql(search_index.INSERT_SQL, docs)

    unsure: list[int] = []
    for table, batches in plan.inserts.items():
        next_rowid = 1
        count = sum(len(b.rows) for b in batches)
        many = count >= members.SET_BASED_FROM
        # as members.appending does: indexes built after rows that at least double the table
        deferring: AbstractContextManager[None] = (
            deferred_indexes(conn, table, count) if many else nullcontext()
        )
        counting: AbstractContextManager[None] = nullcontext()
        if table == "members":
            next_rowid = members.next_rowid(conn)
            if many:
                # Dashboard counts set-based (as members.insert_rows does), not per row.
                counting = stats.bulk_member_insert(conn, _member_figures(batches))
        with deferring, counting:
            for batch in batches:
                unsure += _insert_batch(conn, table, batch, next_rowid, index, members.BULK_CHUNK)
                next_rowid += len(batch.rows)
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    for table, row_id, diff in plan.updates:
        key = (table, tuple(diff))
        params = updates.get(key)
        if params is None:
            params = updates[key] = []
        params.append((*diff.values(), row_id))
    for (table, cols), params in updates.items():
        sets = ", ".join(f'"{c}" = ?' for c in cols)
        conn.exec_driver_sql(f'UPDATE "{table}" SET {sets} WHERE id = ?', params)
    return unsure


def reindex(conn: Connection, plan: plan_mod.Plan, unsure: list[int]) -> None:
    """Search documents of the members this apply touched and has not indexed yet.

    Inserted members were indexed as they were inserted, except ``unsure`` rowids (read
    back here). Updated ones are read by id, a chunk per statement, and their old
    documents dropped first.
    """
    from desktop.storage import search_index

    for i in range(0, len(unsure), 500):
        rowids = unsure[i : i + 500]
        rows = conn.exec_driver_sql(
            f"SELECT rowid, name, id_number, phone, card_no FROM members "
            f"WHERE rowid IN ({', '.join('?' for _ in rowids)}) AND +deleted = 0",
            tuple(rowids),
        ).all()
        search_index.index_rows(conn, [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows])
    inserted = {row[0] for batch in plan.inserts.get("members", []) for row in batch.rows}
    touched = [m for m in dict.fromkeys(plan.members_touched) if m not in inserted]
    for i in range(0, len(touched), 500):
        chunk = touched[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        # by id only: with "deleted = 0" here SQLite scans a deleted-first index instead
        found = conn.exec_driver_sql(
            f"SELECT rowid, name, id_number, phone, card_no, deleted FROM members "
            f"WHERE id IN ({marks})",
            tuple(chunk),
        ).all()
        stale = [int(r[0]) for r in found]
        if stale:
            conn.exec_driver_sql(
                f"DELETE FROM member_search WHERE rowid IN ({', '.join('?' for _ in stale)})",
                tuple(stale),
            )
        search_index.index_rows(
            conn, [(int(r[0]), r[1], r[2], r[3], r[4]) for r in found if not r[5]]
        )
