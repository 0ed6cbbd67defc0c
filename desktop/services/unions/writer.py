"""The one module that writes ``unions``: every INSERT, UPDATE and tombstone of a union.

Why one writer: a union row carries a derived local column, its pinyin ``sort_key``,
which every path must make the same way — a union registered here, one made by the
demo and one received from another office all sort the same on every PC (the sync apply
once derived it by the member-name rule instead). ``tests/unit/test_table_writers.py``
fails if any other module under ``desktop/`` writes the table. Callers validate first
(``registry`` for local input, the sync engine's value rules for received rows).

Contracts (``!`` marks the ones checked here):

- ``sort_key`` is always ``union_sort_key(name)``, whoever writes the name (!).
- Change capture by the triggers for local writes; received rows with capture off (!),
  the sync engine recording what it received.
- Nothing is removed: a deleted union is a tombstone that travels.
- Only known columns are written (!): the column names go into SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Connection

from desktop.errors import UnionDeskError
from desktop.models import Union
from desktop.models.base import new_id
from desktop.services.unions.sort_keys import union_sort_key
from desktop.storage import capture
from desktop.storage.deferred_indexes import deferred_indexes

TABLE = "unions"
COLUMNS: tuple[str, ...] = tuple(c.name for c in Union.__table__.columns)
_COLUMN_SET = frozenset(COLUMNS)
_ROW_DEFAULTS: dict[str, Any] = {**dict.fromkeys(COLUMNS), "deleted": False}
# From this many received rows the idle capture insert trigger is left out and the
# indexes built after the rows (as for members: ``members.writer.SET_BASED_FROM``).
SET_BASED_FROM = 200


def _stored(value: Any) -> Any:
    """A value as SQLAlchemy's column types store it (a date as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def _check_columns(columns: Iterable[str]) -> None:
    unknown = set(columns) - _COLUMN_SET
    if unknown:
        raise UnionDeskError(f"未知的工会字段：{'、'.join(sorted(unknown))}")


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Already-validated unions (the demo's, or one from ``insert_one``); their ids.

    Each row may leave out columns (the model's defaults) and its id (a new one); the
    sort key is always made here.
    """
    if not rows:
        return []
    _check_columns(set().union(*rows))
    ids: list[str] = []
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = {**_ROW_DEFAULTS, **row}
        values["id"] = values["id"] or new_id()
        values["sort_key"] = union_sort_key(values["name"])
        ids.append(values["id"])
        params.append(tuple(_stored(values[c]) for c in COLUMNS))
    quoted = ", ".join(f'"{c}"' for c in COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO unions ({quoted}) VALUES ({marks})", params)
    return ids


def insert_one(conn: Connection, row: dict[str, Any]) -> str:
    """One already-validated union (the dialog, the CLI); its id."""
    return insert_many(conn, [row])[0]


def update_fields(conn: Connection, union_id: str, changes: dict[str, Any]) -> None:
    """Change already-validated fields of one union; a new name gets a new sort key."""
    values = dict(changes)
    if not values:
        return
    if "id" in values:
        raise UnionDeskError("工会编号不能修改")
    _check_columns(values)
    if "name" in values:
        values["sort_key"] = union_sort_key(values["name"])
    sets = ", ".join(f'"{c}" = ?' for c in values)
    conn.exec_driver_sql(
        f"UPDATE unions SET {sets} WHERE id = ?", (*map(_stored, values.values()), union_id)
    )


def mark_deleted(conn: Connection, union_id: str) -> None:
    """A tombstone that travels (the registry refuses while members remain)."""
    update_fields(conn, union_id, {"deleted": True})


# ---- received changes (the sync apply) -----------------------------------------------------


class ReceivedBatch(Protocol):
    """New rows of one shape from a sync package (``sync.plan.InsertBatch``)."""

    cols: tuple[str, ...]
    local: tuple[str, ...]
    rows: list[tuple[Any, ...]]


Fill = tuple[int | None, Callable[[object], object] | None]


def _require_capture_off(conn: Connection) -> None:
    if capture.is_capturing(conn):
        raise UnionDeskError("内部错误：写入收到的工会变更时必须先关闭变更记录，已全部撤销")


def _own_fills(batch: ReceivedBatch, fills: Sequence[Fill]) -> list[Fill]:
    """The sync engine's fills, but the sort key by this table's own rule."""
    name_at = batch.cols.index("name") if "name" in batch.cols else None
    return [
        (name_at, _received_sort_key) if col == "sort_key" else fill
        for col, fill in zip(batch.local, fills, strict=True)
    ]


def _received_sort_key(name: object) -> object:
    return union_sort_key(str(name or ""))


def insert_received(
    conn: Connection,
    batches: Sequence[ReceivedBatch],
    fills: Callable[[ReceivedBatch], Sequence[Fill]],
) -> None:
    """Unions new to this PC from a sync package, with capture off: one ``executemany``
    per batch, local columns filled (the sort key by ``union_sort_key``)."""
    _require_capture_off(conn)
    count = sum(len(b.rows) for b in batches)
    many = count >= SET_BASED_FROM
    deferring: AbstractContextManager[None] = (
        deferred_indexes(conn, TABLE, count) if many else nullcontext()
    )
    with deferring:
        for batch in batches:
            _check_columns((*batch.cols, *batch.local))
            own = _own_fills(batch, fills(batch))
            quoted = ", ".join(f'"{c}"' for c in (*batch.cols, *batch.local))
            marks = ", ".join("?" for _ in (*batch.cols, *batch.local))
            rows = [
                (
                    *row,
                    *["" if fn is None else fn(None if at is None else row[at]) for at, fn in own],
                )
                for row in batch.rows
            ]
            conn.exec_driver_sql(f"INSERT INTO unions ({quoted}) VALUES ({marks})", rows)


def update_received(
    conn: Connection, columns: tuple[str, ...], params: list[tuple[Any, ...]]
) -> None:
    """Received changes of existing unions that set the same ``columns``: one
    ``executemany`` of (*values, id) tuples, capture off, the sort key made here."""
    _require_capture_off(conn)
    if "id" in columns:
        raise UnionDeskError("内部错误：工会编号不能修改，已全部撤销")
    _check_columns(columns)
    if "name" in columns:
        name_at = columns.index("name")
        if "sort_key" in columns:
            key_at = columns.index("sort_key")
            params = [
                (*p[:key_at], union_sort_key(str(p[name_at] or "")), *p[key_at + 1 :])
                for p in params
            ]
        else:
            columns = (*columns, "sort_key")
            params = [(*p[:-1], union_sort_key(str(p[name_at] or "")), p[-1]) for p in params]
    sets = ", ".join(f'"{c}" = ?' for c in columns)
    conn.exec_driver_sql(f"UPDATE unions SET {sets} WHERE id = ?", params)
