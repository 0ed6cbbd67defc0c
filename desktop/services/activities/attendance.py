"""签到 at an activity: by card (a USB scanner types the number or the card's signed QR,
then Enter), by member search, or as a named non-member; and the year's coverage (the
share of current members who attended anything). One transaction per action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, text

from desktop import clock
from desktop.cards import signing
from desktop.errors import NotFoundError, ValidationError
from desktop.models import dates
from desktop.models.codes import CURRENT_STATUSES, LEFT_STATUSES, MEMBERSHIP_STATUS
from desktop.models.ids import new_id
from desktop.services.activities.inputs import opt_text
from desktop.services.activities.records import ActivityRecord, get_in, stamp, stored_datetime
from desktop.services.figures import summary as stats
from desktop.storage import redaction
from desktop.storage.database import Database
from desktop.textnorm import normalise_text


@dataclass(frozen=True)
class AttendanceRecord:
    id: str
    activity_id: str
    member_id: str | None
    # The member's name (or the guest's) for the screen; never logged.
    display_name: str
    card_no: str | None
    union_name: str | None
    method: str
    checked_in_at: datetime


@dataclass(frozen=True)
class Coverage:
    year: int
    reached: int
    members: int

    @property
    def share(self) -> float:
        return self.reached / self.members if self.members else 0.0


# Column labels are AttendanceRecord's field names: rows are read by name.
_ATT_SQL = (
    "SELECT t.id, t.activity_id, t.member_id, "
    "coalesce(m.name, t.guest_name, '') AS display_name, m.card_no, u.name AS union_name, "
    "t.method, t.checked_in_at FROM attendances t "
    "LEFT JOIN members m ON m.id = t.member_id LEFT JOIN unions u ON u.id = m.union_id "
)


def _att(r: Row[Any]) -> AttendanceRecord:
    return AttendanceRecord(
        id=r.id,
        activity_id=r.activity_id,
        member_id=r.member_id,
        display_name=r.display_name,
        card_no=r.card_no,
        union_name=r.union_name,
        method=r.method,
        checked_in_at=stored_datetime(r.checked_in_at),
    )


def _insert_attendance(
    conn: Connection, activity_id: str, member_id: str | None, guest: str | None, method: str
) -> AttendanceRecord:
    att_id = new_id()
    conn.execute(
        text(
            "INSERT INTO attendances (id, activity_id, member_id, guest_name, method, "
            "checked_in_at) VALUES (:id, :a, :m, :g, :method, :at)"
        ),
        {
            "id": att_id,
            "a": activity_id,
            "m": member_id,
            "g": guest,
            "method": method,
            "at": stamp(clock.current().utcnow().replace(microsecond=0)),
        },
    )
    return _att(conn.execute(text(_ATT_SQL + "WHERE t.id = :id"), {"id": att_id}).one())


def _member_then(status: str, left_on: Any, activity: ActivityRecord) -> bool:
    """Whether the member counts as one at the activity: current now, or left only after
    the activity's day (a paper sign-in sheet typed in later)."""
    if status in CURRENT_STATUSES:
        return True
    if status not in LEFT_STATUSES or left_on is None:
        return False
    left = left_on if isinstance(left_on, date) else date.fromisoformat(str(left_on))
    return activity.starts_at.date() < left


def _check_member(conn: Connection, activity: ActivityRecord, member_id: str, shown: str) -> None:
    activity_id = activity.id
    row = conn.execute(
        text("SELECT membership_status, left_on FROM members WHERE id = :id AND deleted = 0"),
        {"id": member_id},
    ).first()
    if row is None:
        raise ValidationError(f"{shown}：找不到该会员", field="card_no")
    if not _member_then(row.membership_status, row.left_on, activity):
        raise ValidationError(
            f"{shown}：该会员会籍状态为「{MEMBERSHIP_STATUS.label(row.membership_status)}」，不能以会员身份签到；"
            "如确需参加，请按非会员登记姓名",
            field="card_no",
        )
    dup = conn.execute(
        text("SELECT 1 FROM attendances WHERE activity_id = :a AND member_id = :m AND deleted = 0"),
        {"a": activity_id, "m": member_id},
    ).first()
    if dup is not None:
        raise ValidationError(f"{shown}：该会员已签到，无需重复签到", field="card_no")


def attend_by_card(db: Database, activity_id: str, card_no: str) -> AttendanceRecord:
    """What the scanner types then Enter: the printed card's QR (``UD1:…``, checked by its
    signature), a typed card number, or another QR that ends in the number (a URL)."""
    if signing.is_payload(card_no or ""):
        return _attend_by_payload(db, activity_id, card_no)
    raw = normalise_text(card_no or "").upper()
    # A non-UnionDesk QR may carry a URL or "key:value" text; the number is its last token.
    for sep in ("/", "=", ":", "|"):
        raw = raw.rsplit(sep, 1)[-1]
    if not raw:
        raise ValidationError("请输入或扫描会员证号", field="card_no")
    with db.connect() as conn:
        activity = get_in(conn, activity_id)
        rows = conn.execute(
            text(
                "SELECT id, membership_status FROM members WHERE card_no = :c AND deleted = 0 "
                "ORDER BY CASE WHEN membership_status IN ('active', 'retained') THEN 0 ELSE 1 END"
            ),
            {"c": raw},
        ).all()
        if not rows:
            raise ValidationError(
                f"会员证号 {raw}：未找到该会员，请核对卡号，或按姓名查找会员", field="card_no"
            )
        member_id = str(rows[0].id)
        _check_member(conn, activity, member_id, f"会员证号 {raw}")
        return _insert_attendance(conn, activity_id, member_id, None, "card")


_SCAN_REFUSED = "会员证二维码校验失败："


def _payload_refusal(result: signing.Verification) -> str:
    """The clerk's message for a card QR that did not verify."""
    if result.problem == "signature":
        return _SCAN_REFUSED + "可能是伪造或被改动的卡，请核对"
    if result.problem == "untrusted":
        return _SCAN_REFUSED + result.reason
    return _SCAN_REFUSED + result.reason + "请重新扫描，或输入卡面上的会员证号"


def _attend_by_payload(db: Database, activity_id: str, payload: str) -> AttendanceRecord:
    """A printed card's QR: signed by this office or a trusted one (members that came by
    sync), naming the member by UUID; the card must still be the member's current one."""
    with db.connect() as conn:
        activity = get_in(conn, activity_id)
        result = signing.verify(conn, payload)
        claim = result.claim
        if not result.valid or claim is None:
            raise ValidationError(_payload_refusal(result), field="card_no")
        shown = f"会员证号 {claim.card_no}"
        current = conn.execute(
            text("SELECT card_no FROM members WHERE id = :id AND deleted = 0"),
            {"id": claim.member_id},
        ).first()
        if current is None:
            raise ValidationError(
                f"{shown}：未找到该会员（卡片签名有效，但本机没有此会员的记录；"
                "如是其他单位的会员，请先完成同步），或按姓名查找会员",
                field="card_no",
            )
        if current.card_no != claim.card_no:
            raise ValidationError(
                f"{shown}：此卡已作废，该会员已换发新卡"
                f"（现会员证号 {current.card_no}），请使用新卡",
                field="card_no",
            )
        _check_member(conn, activity, claim.member_id, shown)
        return _insert_attendance(conn, activity_id, claim.member_id, None, "card")


def attend_member(db: Database, activity_id: str, member_id: str) -> AttendanceRecord:
    """A member picked from the search results."""
    with db.connect() as conn:
        _check_member(conn, get_in(conn, activity_id), member_id, "所选会员")
        return _insert_attendance(conn, activity_id, member_id, None, "search")


def attend_guest(db: Database, activity_id: str, name: str) -> AttendanceRecord:
    """A named non-member (family member, resident, worker not yet in the union)."""
    guest = opt_text(name, "guest_name", "非会员姓名", 50)
    if guest is None:
        raise ValidationError("请填写非会员的姓名", field="guest_name")
    with db.connect() as conn:
        get_in(conn, activity_id)
        return _insert_attendance(conn, activity_id, None, guest, "guest")


def list_attendance(db: Database, activity_id: str) -> list[AttendanceRecord]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                _ATT_SQL + "WHERE t.activity_id = :a AND t.deleted = 0 "
                # ids are time-ordered (UUIDv7): the scan order within one second
                "ORDER BY t.checked_in_at, t.id"
            ),
            {"a": activity_id},
        ).all()
    return [_att(r) for r in rows]


def remove_attendance(db: Database, attendance_id: str) -> None:
    with db.connect() as conn:
        done = conn.execute(
            text("UPDATE attendances SET deleted = 1 WHERE id = :id AND deleted = 0"),
            {"id": attendance_id},
        )
        if done.rowcount == 0:
            raise NotFoundError("该签到记录不存在或已撤销")


def coverage_in(conn: Connection, year: int, as_of: date | None = None) -> Coverage:
    """Share of current members who attended at least one activity in ``year``.

    Read from the dashboard summary (``desktop.services.figures.summary``): one member
    lookup per attendee is too slow at a million members (docs/benchmarks.md, "Figures
    behind design choices").
    """
    cut = as_of or date(year, 12, 31)
    return Coverage(year, stats.reached_members(conn, year, cut), stats.current_members(conn, cut))


def coverage(db: Database, year: int, as_of: date | None = None) -> Coverage:
    """``coverage_in`` for a year typed by the clerk: one before 1900 or after next year
    is a slip (``--year 0`` had reported this year's figure as if asked for)."""
    last = db.clock.today().year + 1  # the page offers next year's planned activities
    if not dates.FIRST_YEAR <= year <= last:
        raise ValidationError(f"年份应在 {dates.FIRST_YEAR}–{last} 之间，当前为 {year}")
    with db.connect(write=False) as conn:
        return coverage_in(conn, year, as_of)


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer. The ORM table is imported here, not at the top: the window's start reads
    this module and must not pay for the ORM."""
    from desktop.models.activity import Attendance

    if rows:
        conn.execute(insert(Attendance), rows)


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the attendances of ``from_member`` become ``to_member``'s, in the caller's
    transaction; returns how many moved.

    An activity both records attended keeps one 签到 (the survivor's): the other is
    withdrawn as a tombstone, so a person is never counted twice at one activity.
    """
    conn.execute(
        text(
            "UPDATE attendances SET deleted = 1 WHERE member_id = :f AND deleted = 0 "
            "AND activity_id IN (SELECT activity_id FROM attendances "
            "WHERE member_id = :t AND deleted = 0)"
        ),
        {"f": from_member, "t": to_member},
    )
    moved = conn.execute(
        text("UPDATE attendances SET member_id = :t WHERE member_id = :f AND deleted = 0"),
        {"f": from_member, "t": to_member},
    )
    return int(moved.rowcount)


def erase_personal_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: blank the personal fields of these rows (``services.erasure`` calls
    it with ``models.erasure.PERSONAL``), in the caller's transaction; captured, so the
    blanking travels. Here because this module is the table's one writer."""
    redaction.blank_fields(conn, "attendances", row_ids, blanks)
