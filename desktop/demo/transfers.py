"""Demo data for 会籍转接 (issue #21 item 3): a few members moved to another union of the
federation, a few transferred out of it (with slip numbers, status 已转出), and a member
who had transferred out transferred back in and linked to the earlier record (not registered twice).

Everything goes through the transfers service's writer in the caller's transaction, so
the rows are validated, captured and counted exactly like a clerk's; the member count
the caller asked for is kept (no transfer-in creates a new member). Reproducible for a
seed, apart from slip numbers, which carry this PC's issuer code by design.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, text

from desktop.errors import UnionDeskError
from desktop.services.members import registry
from desktop.services.transfers import records

DESTINATIONS = ("高新区总工会", "经济技术开发区总工会", "市直机关工会工作委员会")
REASONS = ("工作调动", "劳动合同到期，到新单位就业", "随家庭迁居", "岗位调整")
DEMO_OPERATOR = "演示数据"
# Members drawn at most while looking for ones to transfer (most demo members attend
# activities, and those are not transferred out).
ATTEMPTS = 400


@dataclass(frozen=True)
class TransferDemoSummary:
    internal: int
    out: int
    came_in: int
    left: frozenset[str]  # members now 已转出: no longer current for the later demo steps


def _day(rng: random.Random, today: date, joined: date | None) -> date:
    day = today - timedelta(days=rng.randint(1, 90))
    return max(day, joined) if joined else day


def fill_transfers(
    conn: Connection,
    rng: random.Random,
    *,
    today: date,
    current_members: list[str],
    internal: int = 2,
    out: int = 2,
) -> TransferDemoSummary:
    """``internal`` moves inside the federation, ``out`` transfers out of it, and one
    former member (已转出/已退会 in the roster) transferred back in by ID number. A
    member another demo step has already changed is skipped."""
    unions = [str(r.id) for r in conn.execute(text("SELECT id FROM unions WHERE deleted = 0"))]
    moved = 0
    left: set[str] = set()
    seen: set[str] = set()
    for _attempt in range(ATTEMPTS if current_members else 0):
        member_id = rng.choice(current_members)
        if moved >= internal and len(left) >= out:
            break
        if member_id in seen:
            continue
        seen.add(member_id)
        member = registry.get_in(conn, member_id)
        others = [u for u in unions if u != member.union_id]
        on = _day(rng, today, member.joined_on)
        try:
            if moved < internal and others:
                records.transfer_out_in(
                    conn, member_id, today, to_union_id=rng.choice(others), transferred_on=on,
                    reason=rng.choice(REASONS), operator=DEMO_OPERATOR,
                )  # fmt: skip
                moved += 1
            elif len(left) < out and not _has_records(conn, member_id):
                records.transfer_out_in(
                    conn, member_id, today, to_union_name=rng.choice(DESTINATIONS),
                    transferred_on=on, reason=rng.choice(REASONS), operator=DEMO_OPERATOR,
                )  # fmt: skip
                left.add(member_id)
        except UnionDeskError:
            continue  # not current (the roster's own statuses): another one
    came_in = _bring_back(conn, rng, today, unions)
    return TransferDemoSummary(moved, len(left), came_in, frozenset(left))


def _has_records(conn: Connection, member_id: str) -> bool:
    """Attendance or a hardship file: the demo keeps those on current members (a
    trainee's activity lists and care files show people still in the union)."""
    found = conn.execute(
        text(
            "SELECT 1 FROM attendances WHERE member_id = :m AND deleted = 0 UNION ALL "
            "SELECT 1 FROM hardship_cases WHERE member_id = :m AND deleted = 0 LIMIT 1"
        ),
        {"m": member_id},
    ).first()
    return found is not None


def _bring_back(conn: Connection, rng: random.Random, today: date, unions: list[str]) -> int:
    """One member of the roster who had transferred out, transferred back in from another
    district (the roster's 已退会 members are left to the lifecycle demo's re-join)."""
    former = conn.execute(
        text(
            "SELECT id, name, id_number FROM members WHERE deleted = 0 "
            "AND membership_status = 'transferred_out' ORDER BY rowid LIMIT 20"
        )
    ).all()
    if not former or not unions:
        return 0
    person = rng.choice(former)
    values = {"name": person.name, "id_number": person.id_number, "union_id": rng.choice(unions)}
    try:
        records.transfer_in_in(
            conn, values, today, slip_no=f"GZTH{today.year}{rng.randrange(10_000):04d}",
            from_union_name=rng.choice(DESTINATIONS), transferred_on=today - timedelta(days=3),
            reason="回本区工作", operator=DEMO_OPERATOR,
        )  # fmt: skip
    except UnionDeskError:
        return 0
    return 1
