"""The sync side of 个人信息删除: erasure tombstones are honoured at apply time.

Three rules, so a package can never bring an erased person back:

1. **Blank on arrival** (``blank_incoming``, at load — the dry run sees the same): a
   received change to an erased row — the erased member record, or a row an erasure
   listed (``erased_rows``, synced: every office holds the same list) — has its personal
   fields replaced by their erased values (``models.erasure.PERSONAL``) before it is
   merged or logged. A package made before its sender heard of the erasure (a *stale*
   package) therefore merges as blanks whatever its clocks say, and every office blanks
   the same change to the same values, so the offices converge.
2. **Erase on receipt** (``before_apply`` / ``after_apply``): a new tombstone erases the
   same person here through the same service code as a local erasure
   (``services.erasure.records.erase_in``), without the administrator check — sync
   applies what an administrator did elsewhere. The person's identity (name, ID number,
   phone: to find applications and guest names without a member link) is read before
   the package's own blanked member row is applied. The erasing writes are captured
   after the received changes are known here, so they supersede them everywhere.
3. **Sweep after every apply** while erasures exist: rows this package brought that
   belong to an erased person (a new application, household row or attendance made
   elsewhere before the news) are erased too, and a received segment holding an erased
   value is not kept (``judge_segments``).

Relays: a segment is signed by its origin and cannot be blanked, so an office that
dropped another office's segment asks for the range again in every package it sends
(manifest ``wanted``) and keeps the clean copy — the origin's, sealed again after it
erased the person — when one arrives, even in a package that is otherwise 已是最新
(``keep_segments``); senders include a wanted range whether or not it was acknowledged
(``wants_of``). Until then it cannot relay that range; the origin and every office that
holds a clean copy still can.

Cost when nothing was ever erased: one query per import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from desktop.models.erasure import PERSONAL, blanked
from desktop.services.erasure import records
from desktop.services.members import photos
from desktop.storage import engines, redaction
from desktop.sync.plan import Plan
from desktop.sync.segments import Change, Segment

TABLE = "erasures"
ROWS_TABLE = "erased_rows"
#: Rows about a person through a parent row (``case_id``): a hardship file's, a
#: legal-aid case's documents.
_CHILDREN = {
    "hardship_household": "hardship_cases",
    "hardship_assistance": "hardship_cases",
    "hardship_reviews": "hardship_cases",
    "hardship_consents": "hardship_cases",
    "legal_case_documents": "legal_cases",
}


@dataclass(frozen=True)
class Pending:
    """A received tombstone to carry out after the rows are applied."""

    member_id: str
    reason: str
    person: records.Identity
    found: dict[str, list[str]]


def _erased_members(conn: Connection) -> set[str]:
    return {
        str(m)
        for m in conn.exec_driver_sql("SELECT member_id FROM erasures WHERE deleted = 0").scalars()
    }


def _incoming_erasures(changes: list[Change]) -> set[str]:
    return {
        str(c.fields["member_id"])
        for c in changes
        if c.tbl == TABLE and isinstance(c.fields.get("member_id"), str)
    }


def _incoming_rows(changes: list[Change]) -> list[tuple[tuple[str, str], str]]:
    """((table, row id), member id) of the ``erased_rows`` entries among ``changes``."""
    found = []
    for c in changes:
        if c.tbl == ROWS_TABLE:
            tbl, row_id, member = (c.fields.get(k) for k in ("tbl", "row_id", "member_id"))
            if isinstance(tbl, str) and isinstance(row_id, str) and isinstance(member, str):
                found.append(((tbl, row_id), member))
    return found


def blank_incoming(conn: Connection, changes: list[Change]) -> list[Change]:
    """``changes`` with the personal fields of erased rows blanked (rule 1)."""
    erased = _erased_members(conn) | _incoming_erasures(changes)
    if not erased:
        return changes
    rows = {
        (str(r.tbl), str(r.row_id))
        for r in conn.exec_driver_sql("SELECT tbl, row_id FROM erased_rows").all()
    } | {listed for listed, _member in _incoming_rows(changes)}
    cases = {row_id for tbl, row_id in rows if tbl == "hardship_cases"}
    result: list[Change] = []
    for change in changes:
        if change.tbl in PERSONAL and _is_erased(change, erased, rows, cases):
            change = change._replace(fields=blanked(change.tbl, change.fields))
        result.append(change)
    return result


def _is_erased(
    change: Change, erased: set[str], rows: set[tuple[str, str]], cases: set[str]
) -> bool:
    """By row only — the erased member records and the rows listed in ``erased_rows`` —
    never by what a change says (a ``member_id`` it sets): every office holds the same
    list once synced, so every office blanks, and judges segments, alike. A new row of
    an erased person is erased by the sweep (``after_apply``), which lists it."""
    del cases  # rows of a hardship file are listed one by one
    if change.tbl == "members":
        return change.row_id in erased or ("members", change.row_id) in rows
    return (change.tbl, change.row_id) in rows


def before_apply(conn: Connection, plan: Plan) -> list[Pending]:
    """The tombstones this apply inserts, each with the person as this PC knows them
    now (before the package's blanked member row is applied)."""
    known = _erased_members(conn)
    pending: dict[str, Pending] = {}
    for batch in plan.inserts.get(TABLE, []):
        at_member = batch.cols.index("member_id")
        at_reason = batch.cols.index("reason") if "reason" in batch.cols else None
        for row in batch.rows:
            member_id = str(row[at_member])
            if member_id in known or member_id in pending:
                continue
            reason = "" if at_reason is None else str(row[at_reason])
            person = records.identity_in(conn, member_id)
            found = records.find_in(conn, member_id, person)
            pending[member_id] = Pending(member_id, reason, person, found)
    return list(pending.values())


def after_apply(conn: Connection, plan: Plan, pending: list[Pending]) -> int:
    """Carry out the received tombstones, then sweep the rows this apply brought that
    belong to an erased person (rules 2 and 3; capture on). Returns how many persons
    were erased or swept (0: the file needs no scrubbing)."""
    listed: dict[str, dict[str, list[str]]] = {}
    for (tbl, row_id), member_id in _incoming_rows(plan.new_changes):
        if tbl in PERSONAL:  # rows another office found to be the person's
            listed.setdefault(member_id, {}).setdefault(tbl, []).append(row_id)
    done: set[str] = set()
    for item in pending:
        before = {
            t: [*ids, *listed.get(item.member_id, {}).get(t, [])] for t, ids in item.found.items()
        }
        for t, ids in listed.get(item.member_id, {}).items():
            before.setdefault(t, list(ids))
        records.erase_received_in(conn, item.member_id, item.reason, item.person, before)
        done.add(item.member_id)
    if not plan.new_changes:
        return len(done)
    erased = _erased_members(conn)
    if not erased:
        return len(done)
    owner = {
        (str(r.tbl), str(r.row_id)): str(r.member_id)
        for r in conn.exec_driver_sql("SELECT tbl, row_id, member_id FROM erased_rows").all()
    }
    # a record erased as the same person as the erased one (a merge): rows naming it too
    twins = {row_id: m for (tbl, row_id), m in owner.items() if tbl == "members"}
    parent_owner = {
        (tbl, row_id): m for (tbl, row_id), m in owner.items() if tbl in _CHILDREN.values()
    }
    touched: set[str] = set(listed)
    for change in plan.new_changes:
        if change.tbl not in PERSONAL:
            continue
        if change.tbl == "members" and change.row_id in erased:
            touched.add(change.row_id)
        elif (change.tbl, change.row_id) in owner:
            touched.add(owner[(change.tbl, change.row_id)])
        elif change.fields.get("member_id") in erased:
            touched.add(str(change.fields["member_id"]))
        elif change.fields.get("member_id") in twins:
            touched.add(twins[str(change.fields["member_id"])])
        elif (
            change.tbl in _CHILDREN
            and (_CHILDREN[change.tbl], change.fields.get("case_id")) in parent_owner
        ):
            touched.add(parent_owner[(_CHILDREN[change.tbl], str(change.fields["case_id"]))])
    for member_id in sorted(touched - done):
        records.erase_in(conn, member_id, before=listed.get(member_id))
    return len(done | touched)


def drop_unnamed_files(conn: Connection, received: list[str]) -> int:
    """A package's files (photos, case documents) that no record and no logged change
    names once its changes were blanked on arrival — the photo of an erased person in
    a package made before the news — are not kept. Returns how many went."""
    if not received or not _erased_members(conn):
        return 0
    redaction.scrub_file(conn)  # their pages are zeroed, not merely freed
    dropped = sum(photos.drop_unused_in(conn, sha) for sha in sorted(set(received)))
    redaction.end_scrub(conn)
    return dropped


# ---- stored segments: never one holding an erased value; relays ask for clean copies ----


def _clean(seg: Segment, erased: set[str], rows: set[tuple[str, str]], cases: set[str]) -> bool:
    """No change in ``seg`` carries a personal value of an erased row."""
    for change in seg.changes:
        if (
            change.tbl in PERSONAL
            and _is_erased(change, erased, rows, cases)
            and blanked(change.tbl, change.fields) != change.fields
        ):
            return False
    return True


def _erased_state(conn: Connection) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    erased = _erased_members(conn)
    rows = {
        (str(r.tbl), str(r.row_id))
        for r in conn.exec_driver_sql("SELECT tbl, row_id FROM erased_rows").all()
    }
    return erased, rows, {row_id for tbl, row_id in rows if tbl == "hardship_cases"}


def judge_segments(conn: Connection, segments: list[Segment], at: datetime) -> None:
    """After an apply stored ``segments`` and carried out the erasures: a segment
    holding an erased value is not kept (its changes were blanked on arrival); a clean
    one is kept — again, if this apply's erasure dropped the older copy stored under the
    same range — and the ranges it covers are no longer asked for."""
    if not segments:
        return
    erased, rows, cases = _erased_state(conn)
    if not erased and conn.exec_driver_sql("SELECT 1 FROM sync_dropped_segment").first() is None:
        return  # the usual case: nothing was ever erased here
    for seg in segments:
        if erased and not _clean(seg, erased, rows, cases):
            redaction.drop_range(conn, seg.origin, seg.first, seg.last)
            continue
        _store(conn, seg, at)


def _store(conn: Connection, seg: Segment, at: datetime) -> None:
    conn.exec_driver_sql(
        engines.insert_ignoring(
            conn,
            "INSERT OR IGNORE INTO sync_segment (origin, first, last, payload, signature, "
            "stored_at) VALUES (?, ?, ?, ?, ?, ?)",
        ),
        (seg.origin, seg.first, seg.last, seg.payload, seg.signature, at),
    )
    redaction.covered(conn, seg.origin, seg.first, seg.last)


def keep_segments(conn: Connection, segments: list[Segment], at: datetime) -> None:
    """A package whose changes are all held here may still bring a segment this PC
    lacks — the clean copy of a range an erasure made it drop: keep it, to relay."""
    wanted = conn.exec_driver_sql("SELECT 1 FROM sync_dropped_segment LIMIT 1").first()
    if wanted is None or not segments:
        return
    erased, rows, cases = _erased_state(conn)
    for seg in segments:
        if _clean(seg, erased, rows, cases):
            _store(conn, seg, at)


WANTED_KEY = "wanted"
"""Manifest key: [[origin, first, last], …] ranges the sender holds but dropped (erasure)."""


def wanted(conn: Connection) -> list[list[Any]]:
    """The other offices' ranges this PC dropped and asks for again (its own it seals
    again itself)."""
    return [
        [str(o), int(a), int(b)]
        for o, a, b in conn.exec_driver_sql(
            "SELECT origin, first, last FROM sync_dropped_segment "
            "WHERE origin NOT IN (SELECT node_id FROM sync_node) ORDER BY origin, first"
        ).all()
    ]


def record_wants(conn: Connection, sender: str, manifest: dict[str, Any]) -> None:
    """What the sender asks for again, replacing what it asked before (like acks)."""
    conn.exec_driver_sql("DELETE FROM sync_peer_want WHERE peer = ?", (sender,))
    raw = manifest.get(WANTED_KEY)
    if not isinstance(raw, list):
        return
    rows = [
        (sender, str(item[0]), int(item[1]), int(item[2]))
        for item in raw[:10_000]
        if isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and all(type(x) is int for x in item[1:])
    ]
    if rows:
        conn.exec_driver_sql(
            engines.insert_ignoring(
                conn,
                "INSERT OR IGNORE INTO sync_peer_want (peer, origin, first, last) "
                "VALUES (?, ?, ?, ?)",
            ),
            rows,
        )


def wants_of(conn: Connection, peers: list[str]) -> dict[str, list[tuple[int, int]]]:
    """origin → ranges some of ``peers`` asked for again."""
    found: dict[str, list[tuple[int, int]]] = {}
    if not peers:
        return found
    marks = ", ".join("?" for _ in peers)
    for origin, first, last in conn.exec_driver_sql(
        f"SELECT origin, first, last FROM sync_peer_want WHERE peer IN ({marks})", tuple(peers)
    ).all():
        found.setdefault(str(origin), []).append((int(first), int(last)))
    return found
