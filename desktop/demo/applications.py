"""Demo data for a member's life in the union (issue #21): 入会申请 in every state —
待审核 (one of them flagged: the applicant is already a current member), 已批准 (new
members with card numbers and history), 未批准 (with reasons) — and status history for a
few members who left, were kept on (保留会籍) or re-joined.

Everything goes through the services' writers in the caller's transaction, so the rows
are validated, captured and counted exactly like a clerk's. Reproducible for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, text

from desktop.models.codes import APPLICATION_CHANNEL
from desktop.services.applications import records
from desktop.services.members import writer as member_writer

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
EMPLOYERS = ("华强电子", "粤海物流", "南山建设", "科技园物业", "海岸餐饮")
REJECT_REASONS = ("非本单位职工", "申请材料不全，已通知本人补交", "已在原单位工会登记")
DEMO_OPERATOR = "演示数据"
_MEMBER_WITH_NUMBER = text("SELECT 1 FROM members WHERE id_number = :n AND deleted = 0 LIMIT 1")


@dataclass(frozen=True)
class LifecycleDemoSummary:
    submitted: int
    approved: int
    rejected: int
    status_changes: int


def _id_number(rng: random.Random, today: date) -> str:
    """A valid ID number of someone aged 18–55."""
    born = today - timedelta(days=rng.randint(18 * 366, 55 * 365))
    body = f"440305{born:%Y%m%d}{rng.randrange(1000):03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def fill_lifecycle(
    conn: Connection,
    rng: random.Random,
    *,
    today: date,
    current_members: list[str],
    applicants: int = 8,
) -> LifecycleDemoSummary:
    """Applications — new people pending or rejected, the registry's 申请中 records
    approved (so the member count stays what the caller asked for), one pending of a
    current member (flagged) — and status changes of three members. Nothing when there
    are no members."""
    if not current_members:
        return LifecycleDemoSummary(0, 0, 0, 0)
    unions = [str(r[0]) for r in conn.execute(text("SELECT id FROM unions WHERE deleted = 0"))]
    used: set[str] = set()

    def taken(number: str) -> bool:
        # asked of the ID number's index, a handful of times: reading every member's
        # number into a set cost 12 s of a 1M-member demo
        found = conn.execute(_MEMBER_WITH_NUMBER, {"n": number}).first()
        return number in used or found is not None

    channels = APPLICATION_CHANNEL.codes
    counts = {"submitted": 0, "approved": 0, "rejected": 0}

    def add(values: dict[str, object]) -> str:
        received = today - timedelta(days=rng.randint(1, 60))
        return records.add_in(
            conn,
            {**values, "channel": rng.choice(channels), "submitted_on": received},
            today,
        )

    for i in range(applicants):
        number = _id_number(rng, today)
        while taken(number):
            number = _id_number(rng, today)
        used.add(number)
        application_id = add(
            {
                "name": _name(rng),
                "id_number": number,
                "union_id": rng.choice(unions),
                "phone": f"139{rng.randrange(10**8):08d}",
                "employer": rng.choice(EMPLOYERS),
            }
        )
        if i % 2:
            reason = rng.choice(REJECT_REASONS)
            records.reject_in(conn, application_id, reason, today, reviewer="演示审批人")
            counts["rejected"] += 1
        else:
            counts["submitted"] += 1
    pending = conn.execute(
        text(
            "SELECT name, id_number, union_id, phone, employer FROM members "
            "WHERE membership_status = 'applicant' AND deleted = 0 ORDER BY rowid LIMIT 4"
        )
    ).all()
    for row in pending:
        application_id = add(dict(row._mapping))
        records.approve_in(conn, application_id, today, approver="演示审批人")
        counts["approved"] += 1
    # one pending application by someone already in the union: flagged in the queue
    who = conn.execute(
        text("SELECT name, id_number, union_id FROM members WHERE id = :m"),
        {"m": current_members[0]},
    ).one()
    add(dict(who._mapping))
    counts["submitted"] += 1
    withdrawn = _without_attendance(conn, current_members[3:500], 1)
    changes = _status_changes(conn, rng, today, current_members[1:3], withdrawn)
    return LifecycleDemoSummary(
        counts["submitted"], counts["approved"], counts["rejected"], changes
    )


def _without_attendance(conn: Connection, members: list[str], n: int) -> list[str]:
    """The first ``n`` of ``members`` who attended no activity (the demo's sign-in lists
    hold current members only, as a trainee would expect)."""
    found: list[str] = []
    for member_id in members:
        attended = conn.execute(
            text("SELECT 1 FROM attendances WHERE member_id = :m LIMIT 1"), {"m": member_id}
        ).first()
        if attended is None:
            found.append(member_id)
            if len(found) == n:
                break
    return found


def _joined_on(conn: Connection, member_id: str, today: date) -> date:
    joined = conn.execute(
        text("SELECT joined_on FROM members WHERE id = :m"), {"m": member_id}
    ).scalar()
    return date.fromisoformat(str(joined)) if joined else today - timedelta(days=365)


def _status_changes(
    conn: Connection,
    rng: random.Random,
    today: date,
    members: list[str],
    withdrawn: list[str],
) -> int:
    """保留会籍 for the first of ``members``, left and re-joined for the second, 已退会
    for ``withdrawn`` (who attended no activity): each step in the history, on dates
    between the join date and today."""
    made = 0
    plan = [
        *zip(members, (("retained", "退休", False), ("withdrawn", "离职", True)), strict=False),
        *((m, ("withdrawn", "本人申请退会", False)) for m in withdrawn),
    ]
    for member_id, (status, reason, rejoins) in plan:
        joined = _joined_on(conn, member_id, today)
        span = max((today - joined).days, 2)
        left_on = joined + timedelta(days=max(1, int(span * rng.uniform(0.3, 0.6))))
        member_writer.mark_left(conn, member_id, status, left_on, reason, DEMO_OPERATOR)
        made += 1
        if rejoins:
            member_writer.update_many(
                conn,
                [(member_id, {"membership_status": "active"})],
                on=left_on + timedelta(days=max(1, (today - left_on).days // 2)),
                reason="重新入会",
                operator=DEMO_OPERATOR,
            )
            made += 1
    return made
