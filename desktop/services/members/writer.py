"""The one module that writes ``members``: every INSERT, UPDATE and tombstone of a member.

Why one writer: a member row has three derived companions that must change with it in
the same transaction — its search document (``member_search``), its share of the
dashboard summary (``summary``), and its change record (``sync_change``) — and the four
paths that wrote members (dialogs and CLI, roster import, sync apply, demo) each kept
them right by their own unwritten rules. Here the rules are written down once, and
``tests/unit/test_table_writers.py`` fails if any other module under ``desktop/`` writes
the table. Callers validate first (``registry.validate`` for local input, the sync
engine's value rules for received rows): this module writes what it is given.

Contracts (``!`` marks the ones checked here, where a check is cheap):

- Search index: a live member has exactly one document, under its rowid; a deleted one
  has none. Appends index the rows in hand; updates refresh the documents of members
  whose searchable fields (``SEARCHED``) changed; received rows whose fields are not
  plain text are indexed from what SQLite stored (``finish_received``).
- Dashboard summary: the member triggers keep it for single rows and every update; a
  bulk append or a large received batch suspends the insert trigger and adds the same
  counts set-based (``summary.bulk_member_insert``).
- Change capture: local writes are captured by the triggers, a bulk append set-based
  (``capture.bulk_insert``, same rows, same JSON). Received rows are applied with
  capture off — the sync engine records the changes it received itself (!).
- Appends: rowids are explicit, consecutive from ``next_rowid`` (!): documents and change
  records are made from the rows in hand by rowid, so a prepared batch meant for another
  place in the table is refused rather than written with a gap or a collision.
- Inside an ``appending`` block only appends: an update there would escape capture (!).
- Nothing is ever removed: "deleted" is a tombstone that travels (the capture trigger
  refuses a physical DELETE), "left" a status.
- Status history: a local update that changes ``membership_status`` appends a
  ``member_status_changes`` row in the same transaction (this module is that table's one
  writer too), and a member made 在会 again loses the stale leave date and reason.
  Received member updates write none: the history rows travel themselves.
- Hot paths (bulk append, received inserts and updates) stay tuple/``executemany``
  based: no per-row query and no per-row call beyond making the row.
- Versions (issue #25): every UPDATE here adds one to ``version`` (a local column: it
  never travels, and a received change bumps it too, so a clerk's open dialog sees the
  record as changed). An edit given the version its clerk saw (``seen``) is written
  with ``WHERE id = ? AND version = ?``; when no row matches it is refused with the
  differences (``conflicts``), unless nothing the clerk would save differs from what is
  stored — never a silent overwrite. Inserts start at 1 (the column's default).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import itemgetter
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Date, text

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.gc_pause import paused_gc
from desktop.models import Member
from desktop.models.base import synced_tables
from desktop.models.ids import new_ids
from desktop.services.figures import summary as stats
from desktop.services.members import conflicts
from desktop.storage import bulk_rows, capture, engines, page_cache, pg_search, search_index
from desktop.storage import health as db_health
from desktop.storage.deferred_indexes import deferred_indexes
from desktop.storage.pinyin import sort_key

TABLE = "members"
# Column order of the bulk insert: every column of ``members`` (the model is the schema).
COLUMNS: tuple[str, ...] = tuple(c.name for c in Member.__table__.columns)
_COLUMN_SET = frozenset(COLUMNS)
# What a column holds when a row leaves it out (the model's defaults).
_ROW_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(COLUMNS),
    "is_migrant_worker": False,
    "membership_status": "active",
    "version": 1,
}
_DATE_NAMES = tuple(c.name for c in Member.__table__.columns if isinstance(c.type, Date))
_in_column_order = itemgetter(*COLUMNS)
# A prepared row (rowid first, then the columns) → what stats.member_figures reads.
_figure_values = itemgetter(
    *(
        1 + COLUMNS.index(c)
        for c in (
            "union_id", "membership_status", "gender", "is_migrant_worker",
            "birth_date", "joined_on", "left_on",
        )
    )
)  # fmt: skip
# The fields a search document is made of: an update touching none keeps its document.
SEARCHED = frozenset({"name", "id_number", "phone", "card_no", "deleted"})
# From this many rows on, change capture and the dashboard counts are written set-based
# with their triggers suspended; below it the triggers do it (suspending them changes the
# schema version, which every other open connection then has to re-read).
SET_BASED_FROM = 200
# Rows prepared per batch by ``insert_rows`` (and per indexing chunk of a received
# batch): the next batch's Python overlaps this one's search indexing, and a batch's
# tuples and documents need not all sit in memory at once.
BULK_CHUNK = 10_000
# A bulk insert of at least this many rows first runs SQLite's quick_check (db_health).
CHECK_BEFORE_ROWS = 1000
# Members per statement when documents are refreshed by id or rowid.
_REFRESH_CHUNK = 500
# ``Connection.info`` key set while an ``appending`` block is open on the connection.
_APPENDING = "members_writer_appending"
# Set by every UPDATE of ``members`` here: the optimistic-lock counter (module docstring).
_BUMP = '"version" = "version" + 1'
# Columns no caller sets: the key, and the counter this module keeps.
_KEPT = frozenset({"id", "version"})
Seen = conflicts.Seen


def _internal(message: str) -> UnionDeskError:
    return UnionDeskError(f"内部错误：{message}，已全部撤销")


# ---- bulk append -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedRows:
    """Member rows as the bulk insert writes them, made without a database.

    Why a separate step: making the rows (ids, pinyin sort keys, search documents) is
    Python work that needs no connection, so a producer process can make the next chunk
    while this one writes (the demo generator at a million members).
    """

    first_rowid: int
    ids: list[str]
    params: list[tuple[Any, ...]]
    documents: list[search_index.Document]
    figures: Counter[stats.FigureKey]  # what the rows add to the dashboard summary


def prepare_rows(rows: list[dict[str, Any]], first_rowid: int) -> PreparedRows:
    """Already-validated member rows → what ``appending`` inserts at ``first_rowid``."""
    unknown = set().union(*rows) - _COLUMN_SET
    if unknown:
        raise UnionDeskError(f"未知的会员字段：{'、'.join(sorted(unknown))}")
    ids: list[str] = []
    params: list[tuple[Any, ...]] = []
    documents: list[search_index.Document] = []
    fresh = iter(new_ids(sum(1 for row in rows if not row.get("id"))))  # one call per batch
    for rowid, row in enumerate(rows, first_rowid):
        member_id = row.get("id") or next(fresh)
        ids.append(member_id)
        name = row["name"]
        values = {**_ROW_DEFAULTS, **row, "id": member_id, "deleted": False}
        values["sort_key"] = sort_key(name)
        for column in _DATE_NAMES:
            if values[column] is not None:
                values[column] = values[column].isoformat()
        params.append((rowid, *_in_column_order(values)))
        documents.append(
            search_index.document(
                rowid, name, values["id_number"], values["phone"], values["card_no"]
            )
        )
    figures = stats.member_figures(map(_figure_values, params))
    return PreparedRows(first_rowid, ids, params, documents, figures)


# The hub's lock on appending members (``pg_advisory_xact_lock``: held to the end of the
# transaction); any fixed number of our own.
_APPEND_LOCK = 0x55440001


def next_rowid(conn: Connection) -> int:
    """The rowid the next appended member gets (``prepare_rows``' ``first_rowid``).

    On the hub several clerks append at once, and the rowid is the highest + 1: each
    append takes its turn under an advisory lock held until its transaction ends (a
    moment for one member), so a second clerk reads the first one's rows once they are
    committed instead of taking the same rowid."""
    if engines.is_postgres(conn):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(:k)", {"k": _APPEND_LOCK})
    return 1 + int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM members").scalar_one())


@contextmanager
def appending(
    conn: Connection, *, rows: int | None = None, roomy_cache: bool = True
) -> Iterator[Callable[[PreparedRows], list[str]]]:
    """Append many prepared batches; change capture and dashboard counts once, at the end.

    ``capture.bulk_insert`` records one change per appended row and
    ``stats.bulk_member_insert`` counts them for the dashboard, each exactly what its
    insert trigger would, set-based instead of a trigger run per row (capture left to the
    trigger costs two fifths more on a 100k bulk insert: docs/benchmarks.md). One block
    for all the batches of an import or a demo fill, not one per batch: the count's
    upserts would otherwise hit the same (date, union) keys batch after batch. Only
    appends inside the block (the update functions here refuse meanwhile). ``rows``, how
    many the block will append when the caller knows: fewer than ``SET_BASED_FROM`` are
    left to the triggers; at least as many as the table holds, and its secondary indexes
    are built once at the end instead (``deferred_indexes``). ``roomy_cache``: the page
    cache grows for the block to hold what it writes (``page_cache.roomy``); a caller
    that must keep its peak memory down (the roster import holds the whole sheet) says
    False.
    """
    if conn.info.get(_APPENDING):
        raise _internal("会员追加块不能嵌套")
    conn.info[_APPENDING] = True
    try:
        if rows is not None and rows < SET_BASED_FROM:
            yield partial(_append, conn)
            return
        figures: Counter[stats.FigureKey] = Counter()
        with (
            # ~10^6 live objects (the caller's rows): full collections would find nothing
            paused_gc(),
            page_cache.roomy(conn, rows) if rows is not None and roomy_cache else nullcontext(),
            deferred_indexes(conn, TABLE, rows) if rows is not None else nullcontext(),
            capture.bulk_insert(conn, TABLE, synced_tables()[TABLE]),
            # the hub's counting triggers count a batch's statement at once (0021)
            nullcontext() if engines.is_postgres(conn) else stats.bulk_member_insert(conn, figures),
        ):

            def append(prepared: PreparedRows) -> list[str]:
                ids = _append(conn, prepared)
                figures.update(prepared.figures)
                return ids

            yield append
    finally:
        conn.info.pop(_APPENDING, None)


def _append(conn: Connection, prepared: PreparedRows) -> list[str]:
    if not prepared.params:
        return []
    start = next_rowid(conn)
    if start != prepared.first_rowid:
        # the rowids are explicit: rows prepared for another place in the table would
        # collide with (or leave a gap after) what is there now
        raise UnionDeskError(
            f"内部错误：会员行按第 {prepared.first_rowid} 行准备，但表中已有 {start - 1} 行"
        )
    # an executemany on SQLite, one statement a batch at the hub (it counts per statement)
    bulk_rows.insert_rows(conn, TABLE, ("rowid", *COLUMNS), prepared.params)
    if engines.is_postgres(conn):  # the hub's index makes its documents from the rows
        pg_search.index_rows(conn, [_search_row(params) for params in prepared.params])
    else:
        search_index.add_documents(conn, prepared.documents)
    return prepared.ids


# Where the search index's fields sit in a prepared row (rowid first, then ``COLUMNS``).
_SEARCH_FIELDS = itemgetter(
    *(1 + COLUMNS.index(c) for c in ("name", "id_number", "phone", "card_no"))
)


def _search_row(params: tuple[Any, ...]) -> pg_search.Row:
    """A prepared row as ``pg_search.index_rows`` takes it (rowid, name, ID, phone, card)."""
    name, id_number, phone, card_no = _SEARCH_FIELDS(params)
    return (int(params[0]), name, id_number, phone, card_no)


def insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """Bulk insert already-validated member rows (captured, indexed), in the caller's
    transaction.

    Why not Core ``insert(Member)`` with dicts: SQLAlchemy's per-row parameter processing
    cost more than SQLite's own work. Rows go to ``executemany`` as tuples in column
    order instead, converted exactly as SQLAlchemy stores them (dates as ISO text,
    booleans as 0/1), with explicit rowids so the search documents are made from the rows
    in hand rather than read back. Capture and counts as ``appending`` decides: set-based
    from ``SET_BASED_FROM`` rows, by the triggers below it.
    """
    if not rows:
        return []
    if len(rows) >= CHECK_BEFORE_ROWS:
        db_health.check_connection(conn)  # a bulk write into a damaged file spreads it
    first = next_rowid(conn)
    ids: list[str] = []
    with appending(conn, rows=len(rows)) as append:
        for start in range(0, len(rows), BULK_CHUNK):
            ids += append(prepare_rows(rows[start : start + BULK_CHUNK], first + start))
    return ids


def insert_one(conn: Connection, row: dict[str, Any]) -> str:
    """One already-validated member (the registration dialog, the CLI); its id."""
    return insert_rows(conn, [row])[0]


# ---- local updates ---------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    """A value as SQLAlchemy's column types store it (a date as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def update_many(
    conn: Connection,
    updates: Sequence[tuple[str, dict[str, Any]]],
    *,
    on: date | None = None,
    reason: str | None = None,
    operator: str | None = None,
    seen: Mapping[str, Seen] | None = None,
) -> None:
    """Change already-validated fields of existing members: (member id, changes) pairs.

    One ``executemany`` per set of changed columns (a roster's updates come in a few
    shapes), a new sort key where the name changes, then the search documents of the
    members whose searchable fields changed, a chunk of members per statement. Capture
    and dashboard counts: the update triggers. A change of ``membership_status`` also
    leaves a status-history row (``on``, ``reason``, ``operator``: today, none and the
    OS account unless given), and a member made 在会 again loses the stale leave date
    and reason (issue #21). ``seen``: member id → the version (and values) its clerk
    loaded; those members are written one statement each under the version check, first,
    and a conflict raises ``EditConflictError`` (the caller's transaction then writes
    nothing). Every row written gets its version bumped.
    """
    if conn.info.get(_APPENDING):
        raise _internal("会员追加块中不能修改会员")
    history = _status_changes(conn, updates)
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    checked: list[tuple[str, dict[str, Any], Seen]] = []
    searched: list[str] = []
    for member_id, changes in updates:
        values = dict(changes)
        if member_id in history and values["membership_status"] == "active":
            values.setdefault("left_on", None)
            values.setdefault("leave_reason", None)
        if "name" in values:
            values["sort_key"] = sort_key(values["name"])
        if not values:
            continue
        columns = tuple(values)
        if not SEARCHED.isdisjoint(columns):
            searched.append(member_id)
        if seen is not None and member_id in seen:
            _check_columns(columns)
            checked.append((member_id, values, seen[member_id]))
            continue
        params = groups.get(columns)
        if params is None:
            _check_columns(columns)
            params = groups[columns] = []
        params.append((*map(_stored, values.values()), member_id))
    for member_id, values, based_on in checked:
        _update_checked(conn, member_id, values, based_on)
    for columns, params in groups.items():
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        conn.exec_driver_sql(f"UPDATE members SET {sets}, {_BUMP} WHERE id = ?", params)
    refresh_documents(conn, searched)
    if history:
        record_status_changes(
            conn,
            [
                StatusChange(member_id, old, changes["membership_status"])
                for member_id, changes in updates
                if (old := history.get(member_id, _SAME)) is not _SAME
            ],
            on=on,
            reason=reason,
            operator=operator,
        )


def _check_columns(columns: tuple[str, ...]) -> None:
    if not _COLUMN_SET.issuperset(columns) or not _KEPT.isdisjoint(columns):
        unknown = "、".join(sorted(set(columns) - (_COLUMN_SET - _KEPT)))
        raise UnionDeskError(f"不能修改的会员字段：{unknown}")


def _update_checked(conn: Connection, member_id: str, values: dict[str, Any], seen: Seen) -> None:
    """One member's UPDATE under the version check (``WHERE id = ? AND version = ?``).

    No row matched: another write came first. The differences are read in the same
    transaction; none (it changed nothing this clerk would overwrite, which only the
    values the clerk saw can tell) → the write goes ahead once more on the version now
    stored; some, or a version given alone → ``EditConflictError``.
    """
    # named parameters (not ``?``): this statement is plain SQL for either engine
    sets = ", ".join(f'"{c}" = :v{i}' for i, c in enumerate(values))
    statement = text(f"UPDATE members SET {sets}, {_BUMP} WHERE id = :id AND version = :seen")
    params = {f"v{i}": _stored(v) for i, v in enumerate(values.values())} | {"id": member_id}
    if conn.execute(statement, params | {"seen": seen.version}).rowcount == 1:
        return
    stored = conflicts.read(conn, member_id)
    found = conflicts.differences(conn, stored, seen, values)
    if found or seen.values is None:  # a version alone (a command): strictly that one
        raise conflicts.conflict_error(found, stored.version)
    if conn.execute(statement, params | {"seen": stored.version}).rowcount != 1:
        raise conflicts.conflict_error([], stored.version)  # changed again meanwhile


def update_fields(
    conn: Connection, member_id: str, changes: dict[str, Any], *, seen: Seen | None = None
) -> None:
    """Change already-validated fields of one member (the edit dialog, the CLI);
    ``seen``: the version (and values) the clerk loaded, checked (``update_many``)."""
    update_many(conn, [(member_id, changes)], seen=None if seen is None else {member_id: seen})


def mark_left(
    conn: Connection,
    member_id: str,
    status: str,
    on: date,
    reason: str | None,
    operator: str | None = None,
    *,
    seen: Seen | None = None,
) -> None:
    """会员离会: a status with its date and reason; the record stays in the registry
    (and the change in its status history). ``seen``: checked as ``update_many`` does."""
    update_many(
        conn,
        [(member_id, {"membership_status": status, "left_on": on, "leave_reason": reason})],
        on=on,
        reason=reason,
        operator=operator,
        seen=None if seen is None else {member_id: seen},
    )


def mark_deleted(conn: Connection, member_id: str, *, seen: Seen | None = None) -> None:
    """A record entered by mistake: a tombstone that travels; its document goes."""
    update_fields(conn, member_id, {"deleted": True}, seen=seen)


def refresh_documents(conn: Connection, member_ids: Sequence[str]) -> None:
    """Replace the search documents of ``member_ids`` from their stored rows (deleted
    members lose theirs), a chunk per statement."""
    for i in range(0, len(member_ids), _REFRESH_CHUNK):
        chunk = member_ids[i : i + _REFRESH_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        # by id only: with "deleted = 0" here SQLite scans a deleted-first index instead
        found = conn.exec_driver_sql(
            f"SELECT rowid, name, id_number, phone, card_no, deleted FROM members "
            f"WHERE id IN ({marks})",
            tuple(chunk),
        ).all()
        rowids = [int(r.rowid) for r in found]
        live = [
            (int(r.rowid), r.name, r.id_number, r.phone, r.card_no) for r in found if not r.deleted
        ]
        if engines.is_postgres(conn):  # the hub's index (pg_search) beside SQLite's FTS5
            pg_search.remove(conn, rowids)
            pg_search.index_rows(conn, live)
        else:
            search_index.drop_documents(conn, rowids)
            search_index.index_rows(conn, live)


# ---- received changes (the sync apply) -----------------------------------------------------


class ReceivedBatch(Protocol):
    """New rows of one shape from a sync package (``sync.plan.InsertBatch``)."""

    cols: tuple[str, ...]  # "id" and the travelling columns the rows set
    local: tuple[str, ...]  # local columns to fill
    rows: list[tuple[Any, ...]]


# How a local column of a received row is filled: (position of its source among the
# row's columns or None, function of the source's value or None for a blank).
Fill = tuple[int | None, Callable[[object], object] | None]

_TEXT_OR_NONE = (str, type(None))
_DOC_FIELDS = ("name", "id_number", "phone", "card_no", "deleted")
_FIGURE_FIELDS = (
    "union_id", "membership_status", "gender", "is_migrant_worker",
    "birth_date", "joined_on", "left_on", "deleted",
)  # fmt: skip


def _require_capture_off(conn: Connection) -> None:
    """Received changes are recorded by the sync engine from the package: captured here
    too, each would travel again as a local change of this PC."""
    if capture.is_capturing(conn):
        raise _internal("写入收到的会员变更时必须先关闭变更记录")


def insert_received(
    conn: Connection,
    batches: Sequence[ReceivedBatch],
    fills: Callable[[ReceivedBatch], Sequence[Fill]],
) -> list[int]:
    """Members new to this PC from a sync package, with capture off; the rowids whose
    search documents ``finish_received`` must still make.

    Rowids are explicit from ``next_rowid``, as in an append, and the search documents
    of a chunk of ``BULK_CHUNK`` rows are made in the same pass and indexed. From
    ``SET_BASED_FROM`` rows the dashboard counts are added set-based (from the rows in
    hand when ``_member_figures`` can) and the table's indexes built after the rows when
    they at least double it. The capture insert trigger stays: it sees capture off and
    records nothing (dropping it for the apply bought under 15%: docs/benchmarks.md).
    """
    _require_capture_off(conn)
    count = sum(len(b.rows) for b in batches)
    many = count >= SET_BASED_FROM
    hub = engines.is_postgres(conn)  # the rows in hand go to the hub's own search index
    deferring: AbstractContextManager[None] = (
        deferred_indexes(conn, TABLE, count) if many else nullcontext()
    )
    counting: AbstractContextManager[None] = (
        stats.bulk_member_insert(conn, _member_figures(batches))
        if many and not hub  # the hub's counting triggers count each row (0005's branch)
        else nullcontext()
    )

    def index(docs: list[search_index.Document]) -> None:
        if hub:  # ``_insert_batch`` made the hub's rows (``_hub_row``), not documents
            pg_search.index_rows(conn, [cast(pg_search.Row, doc) for doc in docs])
        else:
            search_index.add_documents(conn, docs)

    unsure: list[int] = []
    rowid = next_rowid(conn)
    with deferring, counting:
        for batch in batches:
            unsure += _insert_batch(conn, batch, fills(batch), rowid, index, hub)
            rowid += len(batch.rows)
    return unsure


def _insert_batch(
    conn: Connection,
    batch: ReceivedBatch,
    fills: Sequence[Fill],
    next_rowid: int,
    index: Callable[[list[search_index.Document]], None],
    hub: bool = False,
) -> list[int]:
    """One received batch, its local columns filled and search documents made in the
    same pass, a chunk at a time.

    Returns the rowids whose documents must be read back instead: a member whose fields
    are not all plain text (a hostile or future package) is indexed from what SQLite
    stored, never from a guess at SQLite's conversion.
    """
    cols = batch.cols
    if not _COLUMN_SET.issuperset((*cols, *batch.local)):
        unknown = "、".join(sorted(set(cols) - _COLUMN_SET))
        raise _internal(f"收到的会员行有本表没有的字段 {unknown}")
    insert_cols = ("rowid", *cols, *batch.local)
    doc_at = [cols.index(f) for f in _DOC_FIELDS] if set(_DOC_FIELDS) <= set(cols) else None
    unsure: list[int] = []
    document = _hub_row if hub else search_index.document
    for start in range(0, len(batch.rows), BULK_CHUNK):
        rows = []
        docs: list[search_index.Document] = []
        first = next_rowid + start
        for rowid, row in enumerate(batch.rows[start : start + BULK_CHUNK], first):
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
                docs.append(document(rowid, name, id_number, phone, card_no))
        bulk_rows.insert_rows(conn, TABLE, insert_cols, rows)
        if docs:
            index(docs)
    return unsure


def _hub_row(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> search_index.Document:
    """On the hub a received member's search entry is its fields (``pg_search.Row``:
    ``pg_search.index_rows`` makes the terms); carried where SQLite's document goes."""
    return cast(search_index.Document, (rowid, name, id_number, phone, card_no))


def _is_iso_date(value: object) -> bool:
    """A date as SQLite keeps it as text (a DATE column converts number-like text)."""
    return value is None or (
        type(value) is str and len(value) == 10 and value[4] == "-" and value[:4].isdigit()
    )


def _member_figures(batches: Sequence[ReceivedBatch]) -> Counter[stats.FigureKey] | None:
    """What received members add to the dashboard summary, counted from the rows in hand.

    None (count from the stored rows instead) unless every batch sets every field the
    figures read, each of a type SQLite stores unchanged: a hostile or future package is
    counted from what SQLite made of it, never from a guess at its conversions.
    """
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


def update_received(
    conn: Connection, columns: tuple[str, ...], params: list[tuple[Any, ...]]
) -> None:
    """Received changes of existing members that set the same ``columns`` (derived local
    columns included): one ``executemany`` of (*values, id) tuples, capture off.

    Their search documents are refreshed by ``finish_received``, once per apply, since a
    member may be changed by several statements of one apply. The version is bumped as
    for a local edit: a clerk's dialog opened before the apply then sees the change.
    """
    _require_capture_off(conn)
    if conn.info.get(_APPENDING):
        raise _internal("会员追加块中不能修改会员")
    if not _COLUMN_SET.issuperset(columns) or not _KEPT.isdisjoint(columns):
        raise _internal("收到的会员变更有本表没有的字段")
    bulk_rows.update_rows(conn, TABLE, columns, params, extra=_BUMP)


def finish_received(conn: Connection, unsure: Sequence[int], updated: Iterable[str]) -> None:
    """Search documents the apply has not made yet: the ``unsure`` inserted rowids (read
    back as SQLite stored them) and the ``updated`` members (their old documents dropped
    first)."""
    for i in range(0, len(unsure), _REFRESH_CHUNK):
        rowids = unsure[i : i + _REFRESH_CHUNK]
        rows = conn.exec_driver_sql(
            f"SELECT rowid, name, id_number, phone, card_no FROM members "
            f"WHERE rowid IN ({', '.join('?' for _ in rowids)}) AND +deleted = 0",
            tuple(rowids),
        ).all()
        found = [(int(r.rowid), r.name, r.id_number, r.phone, r.card_no) for r in rows]
        if engines.is_postgres(conn):
            pg_search.index_rows(conn, found)
        else:
            search_index.index_rows(conn, found)
    refresh_documents(conn, list(updated))


# ---- merge and photo (issue #21) -------------------------------------------------------------


def merge_records(
    conn: Connection, survivor_id: str, merged_id: str, changes: dict[str, Any]
) -> None:
    """会员合并: the surviving record takes ``changes`` (already-validated fields chosen
    from the other record) and the other record becomes a tombstone, in the caller's
    transaction.

    The tombstone first, so for a moment no two live records carry the card number or ID
    number the survivor takes; documents, counts and capture as ``update_fields`` keeps
    them. The recorded merge itself (``member_merges``) is written by the duplicates
    service, which calls this.
    """
    if survivor_id == merged_id:
        raise _internal("不能把会员记录合并到它自己")
    mark_deleted(conn, merged_id)
    if changes:
        update_fields(conn, survivor_id, changes)


def set_photo(conn: Connection, member_id: str, sha256: str | None) -> None:
    """Attach (or, with None, remove) a member's photo: the SHA-256 of bytes already
    stored in ``attachments``, so the photo travels content-addressed with the change."""
    update_fields(conn, member_id, {"photo": sha256})


# ---- status history (issue #21) ----------------------------------------------------------

HISTORY_TABLE = "member_status_changes"
_SAME: Any = object()


@dataclass(frozen=True)
class StatusChange:
    """One member's status going from ``from_status`` (None: a first entry) to ``to_status``."""

    member_id: str
    from_status: str | None
    to_status: str


def _status_changes(
    conn: Connection, updates: Sequence[tuple[str, dict[str, Any]]]
) -> dict[str, str | None]:
    """Member id → its stored status, for the updates that change ``membership_status``
    to something else (one query per chunk of members, none when no update sets it)."""
    wanted = {m: c["membership_status"] for m, c in updates if "membership_status" in c}
    if not wanted:
        return {}
    stored: dict[str, str | None] = {}
    ids = list(wanted)
    for i in range(0, len(ids), _REFRESH_CHUNK):
        chunk = ids[i : i + _REFRESH_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.exec_driver_sql(
            f"SELECT id, membership_status FROM members WHERE id IN ({marks})", tuple(chunk)
        ).all()
        stored.update({str(r.id): r.membership_status for r in rows})
    return {m: old for m, old in stored.items() if old != wanted[m]}


def default_operator() -> str:
    """Who made a change when the caller names nobody: the account signed in to this
    window or command (its display name, as 经办人 on paper), else the OS account."""
    from desktop import acting

    return acting.current().display_name[:100]


def record_status_changes(
    conn: Connection,
    changes: Sequence[StatusChange],
    *,
    on: date | None = None,
    reason: str | None = None,
    operator: str | None = None,
) -> None:
    """Append status-history rows in the caller's transaction (captured: they travel).

    The one writer of ``member_status_changes``: ``update_many`` calls it for every
    status it changes, and a member created in a status (an approved application) is
    recorded by its caller through here with ``from_status`` None.
    """
    if not changes:
        return
    day = (on or clock.current().today()).isoformat()
    who = operator if operator is not None else default_operator()
    ids = new_ids(len(changes))
    conn.exec_driver_sql(
        f"INSERT INTO {HISTORY_TABLE} (id, member_id, changed_on, from_status, to_status, "
        "reason, operator, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        [
            (row_id, c.member_id, day, c.from_status, c.to_status, reason, who)
            for row_id, c in zip(ids, changes, strict=True)
        ],
    )


def reassign_history(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the 会籍变更记录 of ``from_member`` become ``to_member``'s, in the caller's
    transaction (captured: the move travels); returns how many moved. Called by the
    duplicates service, so this module stays the one writer of ``member_status_changes``."""
    moved = conn.exec_driver_sql(
        "UPDATE member_status_changes SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)


def erase_person(
    conn: Connection,
    member_id: str,
    blanks: dict[str, Any],
    history_blanks: dict[str, Any],
) -> None:
    """个人信息删除 (``services.erasure``): the record keeps its id — links and the
    change log's dots need it — but every personal field takes its erased value
    (``models.erasure.PERSONAL``) and it becomes a tombstone, so its search document
    goes; its status history loses its free text. Captured: the blanking travels."""
    update_many(conn, [(member_id, blanks)])
    mark_deleted(conn, member_id)  # a tombstone of its own, as every delete is
    if history_blanks:
        sets = ", ".join(f'"{c}" = ?' for c in history_blanks)
        conn.exec_driver_sql(
            f"UPDATE member_status_changes SET {sets} WHERE member_id = ?",
            (*history_blanks.values(), member_id),
        )
