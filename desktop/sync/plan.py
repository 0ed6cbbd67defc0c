"""Compute what applying a set of received changes does, reading only (dry run = plan).

The apply step executes exactly this plan, so a dry run's counts equal the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection

from desktop.models import values as value_rules
from desktop.storage import engines
from desktop.storage import hlc as hlc_mod
from desktop.sync import merge, schema
from desktop.sync.knowledge import Contexts, VersionVector
from desktop.sync.segments import Change

_CHUNK = 500


@dataclass
class Counts:
    changes: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    resolved: int = 0
    duplicate_id_numbers: int = 0
    pending_references: int = 0
    future_clocks: int = 0
    unknown_fields: int = 0
    quarantined: int = 0
    attachments: int = 0


@dataclass
class InsertBatch:
    """New rows of one table that set the same columns: one ``executemany`` of tuples.

    Why tuples grouped here rather than dicts grouped at apply time: a full export brings
    100k new rows, nearly all of one shape; building each row once, in column order, is
    the whole cost the apply step then adds to SQLite's own. Derived local columns (the
    pinyin sort key) are left to the apply step: a dry run has no use for them, and the
    apply step makes a member's sort key and search document from one pinyin reading.
    """

    cols: tuple[str, ...]  # "id" and the travelling columns the rows set
    local: tuple[str, ...]  # local columns the apply step fills (derived, or blank)
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Plan:
    counts: Counts = field(default_factory=Counts)
    new_changes: list[Change] = field(default_factory=list)
    inserts: dict[str, list[InsertBatch]] = field(default_factory=dict)
    updates: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    pending: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    unpend: list[tuple[str, str]] = field(default_factory=list)
    conflicts_upsert: list[tuple[str, str, merge.OpenConflict]] = field(default_factory=list)
    conflicts_resolve: list[int] = field(default_factory=list)
    members_touched: list[str] = field(default_factory=list)
    max_hlc: int = 0
    warnings: list[str] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    """Changes with invalid values (received now, or found in the log): never merged,
    recorded in ``sync_quarantine`` by the apply step."""


@dataclass(frozen=True)
class Quarantined:
    change: Change
    problems: tuple[value_rules.Invalid, ...]


class _Logged(NamedTuple):
    """A ``sync_change`` row as ``_load_log`` selects it (the SELECT is built from these
    names, in this order). A named tuple rather than the SQLAlchemy row's attribute
    access, several times dearer, on a path that reads every logged change of the rows a
    package touches (docs/benchmarks.md, "Named rows")."""

    node_id: str
    counter: int
    hlc: int
    ctx: int
    row_id: str
    fields: str  # JSON text, parsed for the whole chunk at once


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _load_log(
    conn: Connection, table: str, ids: Sequence[str], bad: list[Quarantined]
) -> dict[str, list[Change]]:
    """Logged changes of these rows, less those with invalid values (added to ``bad``)."""
    result: dict[str, list[Change]] = {}
    for chunk in _chunks(ids):
        among, params = engines.in_list(conn, "row_id", chunk)
        rows = list(
            map(
                _Logged._make,
                conn.exec_driver_sql(
                    f"SELECT {', '.join(_Logged._fields)} FROM sync_change "
                    f"WHERE tbl = ? AND {among}",
                    (table, *params),
                ),
            )
        )
        if not rows:
            continue
        parsed = json.loads("[" + ",".join([str(r.fields) for r in rows]) + "]")
        for r, fields in zip(rows, parsed, strict=True):
            change = Change(
                str(r.node_id), int(r.counter), int(r.hlc), int(r.ctx), table, str(r.row_id), fields
            )
            problems = value_rules.check(table, fields)
            if problems:
                bad.append(Quarantined(change, tuple(problems)))
                continue
            result.setdefault(change.row_id, []).append(change)
    return result


def _load_rows(
    conn: Connection, info: schema.TableInfo, ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    cols = ["id", *info.synced]
    select = ", ".join(f'"{c}"' for c in cols)
    result: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        among, params = engines.in_list(conn, "id", chunk)
        rows = conn.exec_driver_sql(
            f'SELECT {select} FROM "{info.name}" WHERE {among}', params
        ).all()
        for row in rows:
            values = dict(zip(cols, row, strict=True))  # the row by column name
            result[str(values["id"])] = values
    return result


class _Exists:
    """Does a row exist in a table, now or once this plan's inserts are done?"""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.planned: dict[str, set[str]] = {}
        self._cache: dict[tuple[str, str], bool] = {}

    def __call__(self, table: str, row_id: str) -> bool:
        if row_id in self.planned.get(table, ()):
            return True
        key = (table, row_id)
        if key not in self._cache:
            self._cache[key] = (
                self._conn.exec_driver_sql(
                    f'SELECT 1 FROM "{table}" WHERE id = ?', (row_id,)
                ).first()
                is not None
            )
        return self._cache[key]


Judged = Mapping[tuple[str, int], tuple[value_rules.Invalid, ...]]
"""(origin, counter) → invalid values, as decoding found them; a change absent is valid."""


def build(
    conn: Connection,
    new_changes: list[Change],
    new_contexts: dict[tuple[str, int], VersionVector],
    judged: Judged | None = None,
) -> Plan:
    """The plan for ``new_changes``; ``judged``: their values already checked (received
    segments are, column by column), else each change is checked here."""
    plan = Plan(new_changes=new_changes)
    c = plan.counts
    c.changes = len(new_changes)
    now = hlc_mod.now_hlc()
    tables = schema.load(conn)
    contexts = Contexts(conn, new_contexts)
    incoming: dict[str, dict[str, list[Change]]] = {}
    known_of = {name: frozenset(info.synced) for name, info in tables.items()}
    plan.max_hlc = max((ch.hlc for ch in new_changes), default=0)
    future = hlc_mod.beyond(now, hlc_mod.FUTURE_TOLERANCE_MS)
    if plan.max_hlc >= future:
        c.future_clocks = sum(1 for ch in new_changes if ch.hlc >= future)
    # changes carrying a field this version lacks (kept in the log, not applied): their
    # ids, so the row loop filters only those and takes every other change's fields as is
    partial: set[int] = set()
    check = value_rules.check
    for ch in new_changes:
        known_fields = known_of.get(ch.tbl)
        if known_fields is None:
            c.unknown_fields += 1
            continue
        problems = (
            tuple(check(ch.tbl, ch.fields))
            if judged is None
            else judged.get((ch.node, ch.counter), ())
        )
        if problems:
            plan.quarantine.append(Quarantined(ch, problems))
            continue
        if not known_fields.issuperset(ch.fields):
            c.unknown_fields += 1
            partial.add(id(ch))
        by_row = incoming.get(ch.tbl)
        if by_row is None:
            by_row = incoming[ch.tbl] = {}
        batch = by_row.get(ch.row_id)
        if batch is None:
            by_row[ch.row_id] = [ch]
        else:
            batch.append(ch)
    pending_before = {
        (str(r.tbl), str(r.row_id))
        for r in conn.exec_driver_sql("SELECT tbl, row_id FROM sync_pending").all()
    }
    for tbl, row_id in pending_before:
        if tbl in tables:
            incoming.setdefault(tbl, {}).setdefault(row_id, [])
    open_rows: dict[tuple[str, str], dict[tuple[str, str, int], int]] = {}
    for r in conn.exec_driver_sql(
        "SELECT id, tbl, row_id, field, lose_node, lose_counter FROM sync_conflict "
        "WHERE resolved_at IS NULL"
    ).all():
        lost = (str(r.field), str(r.lose_node), int(r.lose_counter))
        open_rows.setdefault((str(r.tbl), str(r.row_id)), {})[lost] = int(r.id)
    exists = _Exists(conn)
    id_numbers: dict[str, str] = {}
    logged_bad: list[Quarantined] = []
    for table in schema.dependency_order(tables):
        rows_in = incoming.get(table)
        if not rows_in:
            continue
        info = tables[table]
        ids = sorted(rows_in)
        log = _load_log(conn, table, ids, logged_bad)
        current = _load_rows(conn, info, ids)
        known = frozenset(info.synced)
        required = tuple(info.required)
        # local columns a new row needs: derived ones from its fields, required ones blank
        extra_cols = tuple(
            col for col in info.local if col in schema.DERIVED or col in info.local_required
        )
        batches: dict[tuple[str, ...], InsertBatch] = {}
        planned = exists.planned.setdefault(table, set())
        is_members = table == "members"
        for row_id in ids:
            logged = log.get(row_id)
            batch = rows_in[row_id]
            all_changes = logged + batch if logged else batch
            if not all_changes:
                continue
            single = len(all_changes) == 1  # e.g. a row new to this node: nothing to merge
            if single:
                only = all_changes[0]
                if logged is None and id(only) not in partial:
                    values = only.fields  # read only from here on: never mutated
                else:
                    values = {f: v for f, v in only.fields.items() if f in known}
            else:
                win = merge.winners(all_changes, contexts.get)
                values = {f: w.fields[f] for f, w in win.items() if f in known}
            cur = current.get(row_id)
            missing: tuple[str, str] | None = None
            if cur is None:
                # a lone change already lists its fields in one segment shape's order;
                # merged winners come in any order, so put those in column order
                target = (
                    values if single else {col: values[col] for col in info.synced if col in values}
                )
                for col in required:
                    if target.get(col) is None:
                        missing = (table, row_id)
                        break
                diff = target
            else:
                diff = {k: v for k, v in values.items() if cur.get(k) != v}
            if missing is None:
                for col, parent in info.fks:
                    ref = diff.get(col)
                    if ref is not None and not exists(parent, str(ref)):
                        missing = (parent, str(ref))
                        break
            key = (table, row_id)
            if missing is not None:
                plan.pending[key] = missing
                continue
            if key in pending_before:
                plan.unpend.append(key)
            if cur is None:
                shape = tuple(diff)
                group = batches.get(shape)
                if group is None:
                    group = batches[shape] = InsertBatch(("id", *shape), extra_cols)
                group.rows.append((row_id, *diff.values()))
                planned.add(row_id)
                c.new += 1
                if diff.get(merge.DELETED):
                    c.deleted += 1
            elif diff:
                for col in info.local:
                    derived = schema.DERIVED.get(col)
                    if derived is not None and derived[0] in diff:
                        diff[col] = derived[1](diff[derived[0]])
                plan.updates.append((table, row_id, diff))
                if diff.get(merge.DELETED) and not cur.get(merge.DELETED):
                    c.deleted += 1
                else:
                    c.updated += 1
            if is_members and (cur is None or diff):
                plan.members_touched.append(row_id)
                final = diff if cur is None else {**cur, **diff}
                if final.get("id_number") and not final.get(merge.DELETED):
                    id_numbers[row_id] = str(final["id_number"])
            # conflicts of this row, recomputed from every write held
            # (a lone write can conflict with nothing)
            before = open_rows.get(key)
            if single and not before:
                continue
            before = before or {}
            found = [] if single else merge.open_conflicts(all_changes, contexts.get)
            now_keys = set()
            for conflict in found:
                k = (conflict.key.field, conflict.key.lose_node, conflict.key.lose_counter)
                now_keys.add(k)
                plan.conflicts_upsert.append((table, row_id, conflict))
                if k not in before:
                    c.conflicts += 1
            for k, cid in before.items():
                if k not in now_keys:
                    plan.conflicts_resolve.append(cid)
                    c.resolved += 1
        if batches:
            plan.inserts[table] = list(batches.values())
    c.pending_references = len(plan.pending)
    c.duplicate_id_numbers = _duplicates(conn, id_numbers)
    plan.quarantine += _not_yet_quarantined(conn, logged_bad)
    c.quarantined = len(plan.quarantine)
    plan.warnings += quarantine_messages(conn, plan.quarantine)
    return plan


def _not_yet_quarantined(conn: Connection, found: list[Quarantined]) -> list[Quarantined]:
    """Invalid changes held in the log (from before values were checked, or quarantined
    by an earlier import): only those not listed yet are news."""
    news: list[Quarantined] = []
    for item in found:
        ch = item.change
        listed = conn.exec_driver_sql(
            "SELECT 1 FROM sync_quarantine WHERE origin = ? AND counter = ?", (ch.node, ch.counter)
        ).first()
        if listed is None:
            news.append(item)
    return news


QUARANTINE_SHOWN = 20


def quarantine_messages(conn: Connection, items: Sequence[Quarantined]) -> list[str]:
    """One line per quarantined change, naming its origin office and record (by table and
    record number: never a name or an ID number)."""
    from desktop.sync import trust

    names: dict[str, str] = {}
    lines: list[str] = []
    for item in items[:QUARANTINE_SHOWN]:
        ch = item.change
        if ch.node not in names:
            peer = trust.get_peer(conn, ch.node)
            office = peer.name if peer is not None and peer.name else "未命名单位"
            names[ch.node] = f"「{office}」（节点 {ch.node[:8]}…）"
        what = "；".join(
            f"字段「{value_rules.field_label(ch.tbl, p.field)}」{p.reason}" for p in item.problems
        )
        lines.append(
            f"来自{names[ch.node]}的第 {ch.counter} 号修改（{value_rules.table_label(ch.tbl)}记录 "
            f"{ch.row_id}）：{what}。已隔离，未应用；请联系该单位核对后重新修改该记录。"
        )
    if len(items) > QUARANTINE_SHOWN:
        lines.append(
            f"另有 {len(items) - QUARANTINE_SHOWN} 条修改因数值不合规则被隔离"
            "（用 sync quarantine 查看全部）。"
        )
    return lines


def _duplicates(conn: Connection, id_numbers: dict[str, str]) -> int:
    """Rows of this plan whose ID number another live member already carries."""
    if not id_numbers:
        return 0
    count = 0
    seen: dict[str, str] = {}
    for row_id, number in id_numbers.items():
        if number in seen and seen[number] != row_id:
            count += 1
            continue
        seen[number] = row_id
    numbers = sorted(set(id_numbers.values()))
    for chunk in _chunks(numbers):
        # "+deleted": keeps SQLite on the id_number index instead of scanning by deleted
        marks = ", ".join("?" for _ in chunk)
        for rid, number in conn.exec_driver_sql(
            f"SELECT id, id_number FROM members WHERE +deleted = 0 AND id_number IN ({marks})",
            tuple(chunk),
        ).all():
            mine = seen.get(str(number))
            if mine is not None and mine != str(rid) and str(rid) not in id_numbers:
                count += 1
    return count
