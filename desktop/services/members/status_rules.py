"""Which membership statuses a clerk may give a member, and by which act.

A member's status and its history must always agree (issue #21), so a leaving status
(已退会, 已开除, 已转出) is never typed into the status field: 已退会 and 已开除 come with
a date and a reason through 会员离会 (``registry.mark_left``), 已转出 only with a transfer
out, which issues the slip (``services.transfers``). A new member is registered 在会,
申请中 or 保留会籍. A member leaves once, from 在会 or 保留会籍, on a day between the join
date (and the last recorded status change) and today.

``registry`` calls these before it writes anything; they read, never write.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import CURRENT_STATUSES, LEFT_STATUSES, MEMBERSHIP_STATUS

#: What a member may be registered as: 在会, 申请中 (waiting for approval), 保留会籍.
NEW_STATUSES = frozenset({"active", "applicant", "retained"})
#: What 会员离会 sets: a leave, or 保留会籍 (still a member, off work).
LEAVE_STATUSES = frozenset({"withdrawn", "expelled", "retained"})
#: How a member becomes 已转出: the one act that issues a slip.
TRANSFER_OUT_HINT = "请办理会籍转出（transfers out），会出具转接单"
#: How a member becomes 已退会 or 已开除: the act that records the date and reason.
LEAVE_HINT = "请办理「会员离会」（命令行：members leave），记录离会日期和原因"


def _label(status: str) -> str:
    return MEMBERSHIP_STATUS.label(status)


def _how(status: str) -> str:
    return TRANSFER_OUT_HINT if status == "transferred_out" else LEAVE_HINT


def edit_statuses(stored: str | None) -> list[tuple[str, str]]:
    """The status choices of an edit form (code, label), in code-list order: the ones an
    edit may set, and the stored one whatever it is (shown as it is, kept if untouched).
    A new member's form: ``stored`` None → ``NEW_STATUSES``."""
    allowed = NEW_STATUSES if stored is None else NEW_STATUSES | {stored}
    return [(code, label) for code, label in MEMBERSHIP_STATUS if code in allowed]


def check_new(status: str | None) -> None:
    """A new member's status (a code, None: 在会 by default)."""
    if status is None or status in NEW_STATUSES:
        return
    allowed = "、".join(label for _code, label in edit_statuses(None))
    how = (
        TRANSFER_OUT_HINT
        if status == "transferred_out"
        else "离会请在登记后办理「会员离会」（命令行：members leave），记录离会日期和原因"
    )
    raise ValidationError(
        f"新登记的会员不能是「{_label(status)}」，只能是{allowed}：{how}",
        field="membership_status",
    )


def check_edit(stored: str, wanted: str | None) -> None:
    """An edit's status: a leaving status is never set by editing (unchanged is no change)."""
    if wanted is None or wanted == stored or wanted not in LEFT_STATUSES:
        return
    raise ValidationError(
        f"会籍状态不能直接改为「{_label(wanted)}」：{_how(wanted)}",
        field="membership_status",
    )


def check_leave_status(status: str) -> None:
    """The status 会员离会 is asked to set, before anything is read."""
    if status == "transferred_out":
        raise ValidationError(
            f"会员离会不能办理「已转出」：{TRANSFER_OUT_HINT}", field="membership_status"
        )
    if status not in LEAVE_STATUSES:
        labels = "、".join(label for code, label in MEMBERSHIP_STATUS if code in LEAVE_STATUSES)
        raise ValidationError(f"离会状态只能是：{labels}", field="membership_status")


def _last_change(conn: Connection, member_id: str) -> tuple[date, str] | None:
    """The latest status-history row's day and status, if any."""
    row = conn.execute(
        text(
            "SELECT changed_on, to_status FROM member_status_changes "
            "WHERE member_id = :m AND deleted = 0 ORDER BY changed_on DESC LIMIT 1"
        ),
        {"m": member_id},
    ).first()
    if row is None:
        return None
    day = row.changed_on
    return (date.fromisoformat(day) if isinstance(day, str) else day), str(row.to_status)


def _since(conn: Connection, member_id: str, status: str, left_on: date | None) -> str:
    """「（2026-11-01 起）」: since when a member has had ``status``, when known."""
    day = left_on
    if day is None:
        last = _last_change(conn, member_id)
        day = last[0] if last is not None and last[1] == status else None
    return f"（{day:%Y-%m-%d} 起）" if day is not None else ""


def check_leave(
    conn: Connection,
    member_id: str,
    *,
    stored: str,
    joined_on: date | None,
    left_on: date | None,
    status: str,
    day: date,
    today: date,
) -> None:
    """会员离会 of a member whose stored status is ``stored``: refused, with what the member
    is and since when, unless current (a second leave would overwrite the first with no
    history row); refused on a day after today, before the join date or before the last
    recorded status change (the history would read out of order)."""
    if stored not in CURRENT_STATUSES:
        since = _since(conn, member_id, stored, left_on)
        if stored == "applicant":
            raise UnionDeskError("该会员的会籍状态是「申请中」，尚未入会，不能办理离会")
        raise UnionDeskError(f"该会员的会籍状态已是「{_label(stored)}」{since}，不能再次办理离会")
    if status == stored:
        since = _since(conn, member_id, stored, left_on)
        raise UnionDeskError(f"该会员已是「{_label(stored)}」{since}，无需再次办理")
    if day > today:
        raise ValidationError(
            f"离会日期 {day:%Y-%m-%d} 晚于今天，不能预先办理：请填写实际离会的日期",
            field="left_on",
        )
    if joined_on is not None and day < joined_on:
        raise ValidationError(
            f"离会日期 {day:%Y-%m-%d} 早于该会员的入会日期 {joined_on:%Y-%m-%d}，请核对",
            field="left_on",
        )
    last = _last_change(conn, member_id)
    if last is not None and day < last[0]:
        raise ValidationError(
            f"离会日期 {day:%Y-%m-%d} 早于该会员最近一次会籍变动（{last[0]:%Y-%m-%d} "
            f"改为「{_label(last[1])}」），请核对",
            field="left_on",
        )
