"""The one module that writes ``applications``: add, approve, reject.

Why here and nowhere else: an approval is one transaction across three tables — the
application, the member (through the member writer: search document, counts, capture)
and the status history — and one place keeps them together. Values are checked by the
member rules (``members.registry.validate``), so an application refuses what the member
dialog refuses, including a join date before the 16th birthday.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.app_log import scrub
from desktop.errors import UnionDeskError, ValidationError
from desktop.models import dates
from desktop.models.codes import APPLICATION_CHANNEL, APPLICATION_STATUS, CURRENT_STATUSES
from desktop.models.ids import new_id
from desktop.models.validation import check_no_control_chars
from desktop.services.applications import queries
from desktop.services.members import card_numbers, registry, writer
from desktop.services.unions import federations
from desktop.storage import redaction
from desktop.storage.database import Database

TABLE = "applications"
# The member fields an application carries (the rest come from the ID number).
MEMBER_FIELDS = (
    "name", "id_number", "union_id", "phone", "ethnicity", "political_status",
    "education", "hukou_type", "is_migrant_worker", "employer", "position", "joined_on",
    "notes",
)  # fmt: skip
REASON_MAX = 200
APPROVED_REASON = "入会申请批准"
REJOINED_REASON = "入会申请批准（重新入会）"


@dataclass(frozen=True)
class Approval:
    """What an approval did: the member (new, or an existing record made current:
    ``rejoined`` for a former member), its card number, join date."""

    application_id: str
    member_id: str
    card_no: str | None
    joined_on: date
    rejoined: bool


def _channel(raw: Any) -> str:
    code = APPLICATION_CHANNEL.lookup(str(raw or ""))
    if code is None:
        labels = "、".join(APPLICATION_CHANNEL.labels)
        raise ValidationError(f"申请渠道只能是：{labels}", field="channel")
    return code


def _received_on(raw: Any, today: date) -> date:
    if raw in (None, ""):
        return today
    if isinstance(raw, date):
        received = raw
    else:
        try:
            received = dates.read_date(raw, today=today).value
        except dates.DateError as exc:
            raise ValidationError(f"收到日期：{exc}", field="submitted_on") from None
    if received > today:
        raise ValidationError(
            f"收到日期 {received:%Y-%m-%d} 晚于今天，请核对", field="submitted_on"
        )
    return received


def add(db: Database, values: dict[str, Any]) -> queries.ApplicationRecord:
    """Record one application (status 待审核). ``values``: the member fields in
    ``MEMBER_FIELDS`` plus ``channel`` and ``submitted_on`` (default today).

    An ID number that belongs to a current member is accepted here (the person may have
    applied again by mistake) and flagged in the queue; approving it is refused.
    """
    with db.connect() as conn:
        return queries.get_in(conn, add_in(conn, values, db.clock.today()))


def add_in(conn: Connection, values: dict[str, Any], today: date) -> str:
    """``add`` in the caller's transaction (the demo fill); the new application's id."""
    given = {k: v for k, v in values.items() if k in MEMBER_FIELDS}
    problems: dict[str, str] = {}
    try:
        channel = _channel(values.get("channel"))
    except ValidationError as exc:
        problems["channel"] = exc.message
    try:
        received = _received_on(values.get("submitted_on"), today)
    except ValidationError as exc:
        problems["submitted_on"] = exc.message
    try:
        # checked as an applicant's record: no join date is made up (the approval's date
        # is used, and checked then); one the clerk chose is checked now
        checked = registry.validate(
            conn, {**given, "membership_status": "applicant"}, today=today, check_duplicates=False
        )
    except ValidationError as exc:
        problems = {**(exc.problems or {"": exc.message}), **problems}
    if problems:
        raise ValidationError("；".join(problems.values()), problems=problems)
    out = checked.values
    application_id = new_id()
    row = {
        "id": application_id,
        **{k: out.get(k) for k in MEMBER_FIELDS},
        "joined_on": out.get("joined_on"),
        "channel": channel,
        "submitted_on": received,
        "status": "submitted",
    }
    _insert(conn, row)
    return application_id


def file_scanned(db: Database, values: dict[str, Any], payload_id: str) -> str:
    """File an application scanned from a worker's phone (channel 扫码), received today.

    ``values`` are the registry's cleaned fields the scan decoded (``sync.intake``);
    ``payload_id`` names the QR, so the same QR scanned twice is refused — checked here,
    in the transaction that writes, not only by the scan box beforehand.
    """
    given = {k: v for k, v in values.items() if k in MEMBER_FIELDS and k != "membership_status"}
    today = db.clock.today()
    with db.connect() as conn:
        if _scanned_before(conn, payload_id):
            raise UnionDeskError("这份手机申请已经登记过（同一个二维码扫了两次），未重复登记")
        application_id = add_in(conn, {**given, "channel": "qr", "submitted_on": today}, today)
        conn.execute(
            text("UPDATE applications SET scan_payload_id = :p WHERE id = :i"),
            {"p": payload_id, "i": application_id},
        )
    return application_id


def _scanned_before(conn: Connection, payload_id: str) -> bool:
    return (
        conn.execute(
            text("SELECT 1 FROM applications WHERE scan_payload_id = :p"), {"p": payload_id}
        ).first()
        is not None
    )


class _SeenIds:
    """The payload ids already filed, asked one at a time (a scan box's replay check)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __contains__(self, payload_id: object) -> bool:
        with self.db.connect(write=False) as conn:
            return _scanned_before(conn, str(payload_id))


def seen_ids(db: Database) -> Container[str]:
    """What ``sync.intake`` takes as ``seen``: membership asks the registry."""
    return _SeenIds(db)


def _insert(conn: Connection, row: dict[str, Any]) -> None:
    columns = list(row)
    conn.execute(
        text(
            f"INSERT INTO applications ({', '.join(columns)}, deleted) "
            f"VALUES ({', '.join(':' + c for c in columns)}, 0)"
        ),
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()},
    )


def _require_submitted(record: queries.ApplicationRecord) -> None:
    if record.status != "submitted":
        label = APPLICATION_STATUS.label(record.status)
        raise UnionDeskError(f"该入会申请已处理（{label}），不能再次审核")


@dataclass(frozen=True)
class _Existing:
    id: str
    name: str
    union_name: str
    status: str
    card_no: str | None


def _existing_member(conn: Connection, id_number: str) -> _Existing | None:
    """The live member with this ID number, a current one first."""
    current = ", ".join(f"'{s}'" for s in sorted(CURRENT_STATUSES))
    row = conn.execute(
        text(
            "SELECT m.id, m.name, u.name AS union_name, m.membership_status AS status, "
            "m.card_no FROM members m JOIN unions u ON u.id = m.union_id "
            "WHERE m.id_number = :n AND m.deleted = 0 "
            f"ORDER BY m.membership_status IN ({current}) DESC, m.joined_on DESC LIMIT 1"
        ),
        {"n": id_number},
    ).one_or_none()
    return None if row is None else _Existing(**row._asdict())


def approve(
    db: Database,
    application_id: str,
    *,
    joined_on: date | None = None,
    approver: str | None = None,
) -> Approval:
    """批准: the applicant becomes a member (在会) with a card number and a join date —
    ``joined_on``, else the date chosen on the application, else today — and the
    approver recorded; all in one transaction.

    Refused when the ID number belongs to a current member (the message names that
    member and union, never the number). A former member (已退会, 已转出, …) is not
    registered twice: that record is made current again, its stale leave date and
    reason cleared, its history kept.
    """
    with db.connect() as conn:
        return approve_in(
            conn, application_id, db.clock.today(), joined_on=joined_on, approver=approver
        )


def approve_in(
    conn: Connection,
    application_id: str,
    today: date,
    *,
    joined_on: date | None = None,
    approver: str | None = None,
) -> Approval:
    """``approve`` in the caller's transaction (the demo fill, the sync scenarios)."""
    who = (approver or "").strip() or writer.default_operator()
    record = queries.get_in(conn, application_id)
    _require_submitted(record)
    existing = _existing_member(conn, record.id_number)
    if existing is not None and existing.status in CURRENT_STATUSES:
        raise UnionDeskError(
            f"申请人已是「{existing.union_name}」的在会会员「{existing.name}」，"
            "不能重复入会：请不予批准此申请，或为该会员办理会籍转接"
        )
    join = joined_on or record.joined_on or today
    values = {k: getattr(record, k) for k in MEMBER_FIELDS if getattr(record, k) is not None}
    values["joined_on"] = join
    checked = registry.validate(
        conn,
        values,
        member_id=existing.id if existing else None,
        today=today,
        check_duplicates=False,
    )
    member = dict(checked.values)
    member["membership_status"] = "active"
    if existing is None:
        member["card_no"] = _new_card(conn, today)
        member_id = writer.insert_one(conn, member)
        writer.record_status_changes(
            conn,
            [writer.StatusChange(member_id, None, "active")],
            on=today,
            reason=APPROVED_REASON,
            operator=who,
        )
        card_no: str | None = member["card_no"]
    else:
        member_id = existing.id
        member.pop("id_number", None)  # the same person: birth and gender unchanged
        card_no = existing.card_no or _new_card(conn, today)
        member["card_no"] = card_no
        # a record kept as 申请中 (entered before applications were recorded) is the
        # same person's first join; any other status is a return
        reason = APPROVED_REASON if existing.status == "applicant" else REJOINED_REASON
        writer.update_many(conn, [(member_id, member)], on=today, reason=reason, operator=who)
    conn.execute(
        text(
            "UPDATE applications SET status = 'approved', reviewer = :who, "
            "reviewed_on = :today, member_id = :member, joined_on = :join WHERE id = :id"
        ),
        {"who": who[:50], "today": today.isoformat(), "member": member_id,
         "join": join.isoformat(), "id": application_id},
    )  # fmt: skip
    rejoined = existing is not None and existing.status != "applicant"
    return Approval(application_id, member_id, card_no, join, rejoined)


def _new_card(conn: Connection, today: date) -> str:
    federation = federations.require_current_id(conn)
    return card_numbers.issue_for_federation(conn, federation, on=today)[0]


def reject(
    db: Database, application_id: str, reason: str, *, reviewer: str | None = None
) -> queries.ApplicationRecord:
    """不予批准, with the reason the clerk gives (kept, and found by the queue's search)."""
    with db.connect() as conn:
        reject_in(conn, application_id, reason, db.clock.today(), reviewer=reviewer)
        return queries.get_in(conn, application_id)


def reject_in(
    conn: Connection, application_id: str, reason: str, today: date, *, reviewer: str | None = None
) -> None:
    """``reject`` in the caller's transaction."""
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError("请填写不予批准的原因", field="reject_reason")
    if len(cleaned) > REASON_MAX:
        raise ValidationError(f"不予批准的原因不能超过 {REASON_MAX} 个字", field="reject_reason")
    check_no_control_chars(cleaned, "reject_reason", "不予批准的原因", one_line=True)
    if scrub(cleaned) != cleaned:  # shown beside the masked number, searched, synced
        raise ValidationError(
            "不予批准的原因中不要写身份证号或手机号（原因会显示在打码的号码旁并可被查找），"
            "请改为文字说明，如「已在他处入会」",
            field="reject_reason",
        )
    who = (reviewer or "").strip() or writer.default_operator()
    _require_submitted(queries.get_in(conn, application_id))
    conn.execute(
        text(
            "UPDATE applications SET status = 'rejected', reviewer = :who, "
            "reviewed_on = :today, reject_reason = :reason WHERE id = :id"
        ),
        {"who": who[:50], "today": today.isoformat(), "reason": cleaned, "id": application_id},
    )


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the 入会申请 of ``from_member`` become ``to_member``'s, in the caller's
    transaction (captured: the move travels); returns how many moved. Called by the
    duplicates service, so this module stays the one writer of ``applications``."""
    moved = conn.exec_driver_sql(
        "UPDATE applications SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)


def erase_personal_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: blank the personal fields of these rows (``services.erasure`` calls
    it with ``models.erasure.PERSONAL``), in the caller's transaction; captured, so the
    blanking travels. Here because this module is the table's one writer."""
    redaction.blank_fields(conn, "applications", row_ids, blanks)
