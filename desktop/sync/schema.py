"""Live schema of the synced tables: columns by name, foreign keys, dependency order."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from desktop.models.base import synced_tables
from desktop.storage import engines


def _derive_sort_key(name: object) -> object:
    return _sort_key(str(name or ""))


@functools.lru_cache(maxsize=262_144)
def _sort_key(name: str) -> str:
    """Names repeat a lot (张伟, 王芳 …): convert each distinct name once per process.

    As many entries as ``search_index.name_terms`` keeps: a 100k-member package holds
    ~77k distinct names, and a smaller cache evicted them before they came round again.
    """
    return _sort_key_reader()(name)


@functools.cache
def _sort_key_reader() -> Callable[[str], str]:
    # Imported on first use (pypinyin stays off the start-up path), once: an import
    # statement inside ``_sort_key`` cost ~2 µs a name.
    from desktop.storage.pinyin import sort_key

    return sort_key


# Local-only columns derived on this PC from travelling fields: column → (source field,
# function of the source's value; the value is None when a row has no such field).
DERIVED: dict[str, tuple[str, Callable[[object], object]]] = {
    "sort_key": ("name", _derive_sort_key),
}


@dataclass(frozen=True)
class TableInfo:
    name: str
    synced: tuple[str, ...]  # travelling columns except id
    local: tuple[str, ...]
    required: frozenset[str]  # NOT NULL without default (travelling)
    local_required: frozenset[str]
    fks: tuple[tuple[str, str], ...]  # (column, parent table)


_CACHE: dict[str, dict[str, TableInfo]] = {}


def load(conn: Connection) -> dict[str, TableInfo]:
    """The synced tables as they are in this file, cached by the text of its schema.

    Every import needs this and reading it costs two PRAGMAs per table; one query over
    ``sqlite_master`` tells whether the schema is one already read (any migration, added
    column or replaced file changes that text, so a stale entry is never used).
    """
    if engines.is_postgres(conn):
        # the hub: one catalogue read per import, no cache (its schema has no one text)
        return _read_hub(conn)
    rows = conn.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).all()
    key = hashlib.sha256(repr([tuple(r) for r in rows]).encode("utf-8")).hexdigest()
    cached = _CACHE.get(key)
    if cached is None:
        cached = _read(conn)
        if len(_CACHE) > 64:  # tests open many schemas; a running app has one
            _CACHE.clear()
        _CACHE[key] = cached
    return dict(cached)


def _read(conn: Connection) -> dict[str, TableInfo]:
    present = {
        str(name)
        for name in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).scalars()
    }
    result: dict[str, TableInfo] = {}
    for table, local in synced_tables().items():
        if table not in present:
            continue
        # PRAGMA table_info: cid, name, type, notnull, dflt_value, pk
        cols = conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
        synced = tuple(str(c.name) for c in cols if c.name != "id" and c.name not in local)
        locals_ = tuple(str(c.name) for c in cols if c.name in local)
        required = frozenset(
            str(c.name)
            for c in cols
            if c.notnull and c.dflt_value is None and c.name != "id" and c.name not in local
        )
        # a local column with a default (``members.version``) takes it in a received row
        local_required = frozenset(
            str(c.name) for c in cols if c.notnull and c.dflt_value is None and c.name in local
        )
        # PRAGMA foreign_key_list: id, seq, table, from, to, ... ("from" is a keyword)
        fks = tuple(
            (str(f._mapping["from"]), str(f._mapping["table"]))
            for f in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
        )
        result[table] = TableInfo(table, synced, locals_, required, local_required, fks)
    return result


def _read_hub(conn: Connection) -> dict[str, TableInfo]:
    """``_read`` on PostgreSQL: the same records from the catalogue (the hub's ``rowid``
    identity key left out, as SQLite's implicit rowid is)."""
    columns: dict[str, list[engines.ColumnInfo]] = {}
    for col in engines.hub_columns(conn):
        columns.setdefault(col.table, []).append(col)
    fks: dict[str, list[tuple[str, str]]] = {}
    for fk in engines.hub_foreign_keys(conn):
        fks.setdefault(fk.table, []).append((fk.column, fk.parent))
    result: dict[str, TableInfo] = {}
    for table, local in synced_tables().items():
        cols = columns.get(table)
        if cols is None:
            continue
        result[table] = TableInfo(
            table,
            tuple(c.name for c in cols if c.name != "id" and c.name not in local),
            tuple(c.name for c in cols if c.name in local),
            frozenset(
                c.name
                for c in cols
                if c.notnull and not c.has_default and c.name != "id" and c.name not in local
            ),
            frozenset(c.name for c in cols if c.notnull and not c.has_default and c.name in local),
            tuple(fks.get(table, ())),
        )
    return result


def dependency_order(tables: dict[str, TableInfo]) -> list[str]:
    """Parents before children (a stable topological order; cycles broken by name)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name) == 2 or state.get(name) == 1:
            return
        state[name] = 1
        for _col, parent in tables[name].fks:
            if parent in tables and parent != name:
                visit(parent)
        state[name] = 2
        order.append(name)

    for name in sorted(tables):
        visit(name)
    return order
