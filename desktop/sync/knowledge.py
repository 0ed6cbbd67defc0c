"""Knowledge: version vectors (highest contiguous counter per origin) and write contexts.

A write with dot (n, c) written under context x had seen dot (m, d) iff m == n and
d < c (its own earlier writes), or the version vector stored for (n, x) has vv[m] >= d.
Contiguity keeps this conservative: a gap never counts as seen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection

from desktop.storage import engines

VersionVector = dict[str, int]


def self_node(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT node_id FROM sync_clock WHERE id = 1").scalar_one())


def retired_selves(conn: Connection) -> list[str]:
    nodes = conn.exec_driver_sql(
        "SELECT node_id FROM sync_node WHERE is_self = 0 AND retired_at IS NOT NULL"
    ).scalars()
    return [str(n) for n in nodes]


def version_vector(conn: Connection) -> VersionVector:
    """What this node has: its own counter, retired selves and contiguous received runs."""
    vv: VersionVector = {
        str(r.node_id): int(r.contiguous)
        for r in conn.exec_driver_sql("SELECT node_id, contiguous FROM sync_knowledge").all()
    }
    for old in retired_selves(conn):
        # contiguous, not the highest held: a restored office holds its former id's writes
        # only up to its backup, and later ones come back from peers, possibly with gaps
        vv[old] = max(vv.get(old, 0), contiguous(conn, old, vv.get(old, 0)))
    node, counter = conn.exec_driver_sql(
        "SELECT node_id, counter FROM sync_clock WHERE id = 1"
    ).one()
    vv[str(node)] = int(counter)
    return {k: v for k, v in vv.items() if v > 0}


def contiguous(conn: Connection, origin: str, known: int = 0) -> int:
    """Highest counter c such that every counter 1..c of ``origin`` is in the log.

    ``known``: a value already established (log rows are never removed, so contiguity
    only grows); the scan walks the primary key from there and stops at the first gap.
    """
    if known <= 0:
        has_first = conn.exec_driver_sql(
            "SELECT 1 FROM sync_change WHERE node_id = ? AND counter = 1", (origin,)
        ).first()
        if has_first is None:
            return 0
        known = 1
    value = conn.exec_driver_sql(
        "SELECT a.counter FROM sync_change a WHERE a.node_id = ? AND a.counter >= ? "
        "AND NOT EXISTS (SELECT 1 FROM sync_change b WHERE b.node_id = a.node_id "
        "AND b.counter = a.counter + 1) ORDER BY a.counter LIMIT 1",
        (origin, known),
    ).scalar()
    return int(value or 0)


def refresh_knowledge(conn: Connection, origins: Iterable[str]) -> None:
    stored = {
        str(r.node_id): int(r.contiguous)
        for r in conn.exec_driver_sql("SELECT node_id, contiguous FROM sync_knowledge").all()
    }
    for origin in sorted(set(origins)):
        conn.exec_driver_sql(
            "INSERT INTO sync_knowledge (node_id, contiguous) VALUES (:n, :c) "
            "ON CONFLICT(node_id) DO UPDATE SET contiguous = excluded.contiguous",
            {"n": origin, "c": contiguous(conn, origin, stored.get(origin, 0))},
        )


def bump_context(conn: Connection) -> int:
    """Start a new write context recording everything this node now knows."""
    node = self_node(conn)
    vv = version_vector(conn)
    vv.pop(node, None)
    conn.exec_driver_sql("UPDATE sync_clock SET ctx = ctx + 1 WHERE id = 1")
    ctx = int(conn.exec_driver_sql("SELECT ctx FROM sync_clock WHERE id = 1").scalar_one())
    conn.exec_driver_sql(
        engines.insert_replacing(
            conn,
            "INSERT OR REPLACE INTO sync_context (node_id, ctx, vv) VALUES (:n, :c, :vv)",
            ("node_id", "ctx"),
            ("vv",),
        ),
        {"n": node, "c": ctx, "vv": json.dumps(vv, sort_keys=True)},
    )
    return ctx


class Contexts:
    """Cache of (node, ctx) → version vector, read from ``sync_context`` plus extras."""

    def __init__(self, conn: Connection, extra: Mapping[tuple[str, int], VersionVector]) -> None:
        self._conn = conn
        self._cache: dict[tuple[str, int], VersionVector] = dict(extra)

    def get(self, node: str, ctx: int) -> VersionVector:
        key = (node, ctx)
        found = self._cache.get(key)
        if found is None:
            raw = self._conn.exec_driver_sql(
                "SELECT vv FROM sync_context WHERE node_id = :n AND ctx = :c",
                {"n": node, "c": ctx},
            ).scalar_one_or_none()
            found = parse_vv(raw) if raw is not None else {}
            self._cache[key] = found
        return found


def parse_vv(raw: str) -> VersionVector:
    data = json.loads(raw)
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def saw(
    writer_node: str, writer_counter: int, vv: Mapping[str, int], node: str, counter: int
) -> bool:
    """Had write (writer_node, writer_counter) with knowledge ``vv`` seen (node, counter)?"""
    if node == writer_node:
        return counter < writer_counter
    return vv.get(node, 0) >= counter
