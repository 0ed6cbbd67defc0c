"""After an apply: received edits of merged-away member records land on their survivor.

A merge (``services.duplicates.merging``) tombstones one record and records the merge in
``member_merges``. An office that had not heard of the merge may have edited the
merged-away record meanwhile; when such an edit arrives here, where the merge is known,
its fields are written on the survivor as a local change of this PC, which then travels
like any other. An edit the merge had seen (by the merge's dot and write context, the
same test the field merge uses) is part of what the clerk merged and is not carried
again. Received attendance and other rows still pointing at a merged-away record are
moved to the survivor the same way.

Convergence: the merging office always receives every edit its merge had not seen, so
at least it carries each one over; offices that do too write the same values.
"""

from __future__ import annotations

from sqlalchemy import Connection

from desktop.models import values as value_rules
from desktop.services.duplicates import merging
from desktop.sync.knowledge import Contexts, saw
from desktop.sync.plan import Plan
from desktop.sync.segments import Change


def _merge_dot(conn: Connection, merge_id: str) -> tuple[str, int, int] | None:
    """(node, counter, ctx) of the write that recorded the merge (its first change)."""
    row = conn.exec_driver_sql(
        "SELECT node_id, counter, ctx FROM sync_change WHERE tbl = 'member_merges' "
        "AND row_id = ? ORDER BY hlc, node_id, counter LIMIT 1",
        (merge_id,),
    ).first()
    return None if row is None else (str(row.node_id), int(row.counter), int(row.ctx))


def redirect(conn: Connection, plan: Plan) -> int:
    """Carry this apply's unseen edits of merged-away records over to their survivors
    (capture on: the writes travel); returns how many edits were carried."""
    if not plan.new_changes or not merging.any_merges(conn):
        return 0  # the usual case, at once: a 100k-row apply pays one query
    received = [c for c in plan.new_changes if c.tbl == "members" and set(c.fields) - {"deleted"}]
    carried = 0
    if received:
        away = merging.merged_away(conn, {c.row_id for c in received})
        if away:
            contexts = Contexts(conn, {})
            dots: dict[str, tuple[str, int, int] | None] = {}
            pending: list[Change] = []
            for change in received:
                merge_row = away.get(change.row_id)
                if merge_row is None or value_rules.check("members", change.fields):
                    continue
                if merge_row.id not in dots:
                    dots[merge_row.id] = _merge_dot(conn, merge_row.id)
                dot = dots[merge_row.id]
                if dot is None:
                    continue
                node, counter, ctx = dot
                if not saw(node, counter, contexts.get(node, ctx), change.node, change.counter):
                    pending.append(change)
            for change in sorted(pending, key=lambda c: (c.hlc, c.node, c.counter)):
                carried += merging.carry_over(conn, change.row_id, change.fields)
    merging.settle_loops(conn)
    merging.repoint_children(conn)
    return carried
