"""The one module that writes ``transfers``: transfer out (inside the federation or out
of it), transfer in from elsewhere, and a merge's move of a member's transfers.

Why here and nowhere else: a transfer is one transaction across three tables — the
transfer row, the member (through the member writer: union, status, search document,
both unions' counts, capture) and its status history — and one place keeps them
together. Every refusal happens before the first write, so nothing is left half done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Connection, text

from desktop.cards import transfer_qr
from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import CURRENT_STATUSES, MEMBERSHIP_STATUS
from desktop.models.ids import new_id
from desktop.models.masking import mask_id_number
from desktop.services.members import card_numbers, registry, writer
from desktop.services.transfers import checks, queries, slips
from desktop.services.unions import federations
from desktop.storage import redaction
from desktop.storage.database import Database
from desktop.textnorm import normalise_text

TABLE = "transfers"
REASON_MAX = checks.REASON_MAX
NAME_MAX = checks.NAME_MAX
# The member fields a transfer-in may carry (as an application does).
MEMBER_FIELDS = (
    "name", "id_number", "union_id", "phone", "ethnicity", "political_status",
    "education", "hukou_type", "employer", "position", "joined_on", "notes",
)  # fmt: skip
NOTE_SLIP_UNKNOWN_NEW = "转接单号本机无记录，且本机没有此身份证号的会员：按新入会办理"
NOTE_NO_SLIP_NEW = "未提供转接单号，且本机没有此身份证号的会员：按新入会办理"
NOTE_LINKED_BY_ID = "转接单号本机无记录：按身份证号与此人原有的会员记录关联"


@dataclass(frozen=True)
class TransferIn:
    """What a transfer-in did: ``outcome`` is ``linked`` (an earlier record of the person
    made current again, the transfer linked to the one that took them out) or ``new`` (a
    plain join, with ``note`` saying why)."""

    transfer: queries.TransferRecord
    member_id: str
    outcome: str
    card_no: str | None
    note: str


# ---- checks (all before the first write) -------------------------------------------------


def _union_name(conn: Connection, union_id: str) -> str | None:
    value = conn.execute(
        text("SELECT name FROM unions WHERE id = :u AND deleted = 0"), {"u": union_id}
    ).scalar_one_or_none()
    return None if value is None else str(value)


def _union_by_name(conn: Connection, name: str) -> str | None:
    value = conn.execute(
        text("SELECT id FROM unions WHERE name = :n AND deleted = 0 LIMIT 1"), {"n": name}
    ).scalar_one_or_none()
    return None if value is None else str(value)


def _operator(operator: str | None) -> str:
    return ((operator or "").strip() or writer.default_operator())[:100]


def _insert(conn: Connection, row: dict[str, Any]) -> str:
    row = {"id": new_id(), **row}
    columns = list(row)
    conn.execute(
        text(
            f"INSERT INTO transfers ({', '.join(columns)}, deleted) "
            f"VALUES ({', '.join(':' + c for c in columns)}, 0)"
        ),
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()},
    )
    return str(row["id"])


# ---- out ---------------------------------------------------------------------------------


def require_current(member: registry.MemberRecord) -> None:
    """Only a member 在会 or 保留会籍 can be transferred out (the dialog asks before it
    opens, the writer again in its transaction)."""
    if member.membership_status not in CURRENT_STATUSES:
        label = MEMBERSHIP_STATUS.label(member.membership_status)
        raise UnionDeskError(
            f"该会员的会籍状态是「{label}」，不能办理转出：只有在会或保留会籍的会员可以转出"
        )


def transfer_out(
    db: Database,
    member_id: str,
    *,
    to_union_id: str | None = None,
    to_union_name: str | None = None,
    transferred_on: date | str | None = None,
    reason: str | None = None,
    operator: str | None = None,
) -> queries.TransferRecord:
    """转出: to ``to_union_id`` (a union of this federation: the member moves there in
    one step, staying 在会) or to ``to_union_name`` (outside the federation: the member
    becomes 已转出). Either way a slip number is issued and the change is recorded in
    the member's status history. Refused, with nothing written: a member not current,
    the union the member is already in, a date after today or before the join date."""
    with db.connect() as conn:
        transfer_id = transfer_out_in(
            conn, member_id, db.clock.today(), to_union_id=to_union_id,
            to_union_name=to_union_name, transferred_on=transferred_on, reason=reason,
            operator=operator,
        )  # fmt: skip
        return queries.get_in(conn, transfer_id)


def transfer_out_in(
    conn: Connection,
    member_id: str,
    today: date,
    *,
    to_union_id: str | None = None,
    to_union_name: str | None = None,
    transferred_on: date | str | None = None,
    reason: str | None = None,
    operator: str | None = None,
) -> str:
    """``transfer_out`` in the caller's transaction (demo, sync scenarios); the new id."""
    member = registry.get_in(conn, member_id)
    require_current(member)
    on = checks.day(transferred_on, today)
    if member.joined_on is not None and on < member.joined_on:
        raise ValidationError(
            f"转接日期 {on:%Y-%m-%d} 早于该会员的入会日期 {member.joined_on:%Y-%m-%d}，请核对",
            field="transferred_on",
        )
    why = checks.text_value(reason, "reason", "转接原因", REASON_MAX)
    target_id = (to_union_id or "").strip() or None
    target_name = checks.text_value(to_union_name, "to_union_name", "转入单位名称", NAME_MAX)
    if (target_id is None) == (target_name is None):
        raise ValidationError(
            "请选择转入的本联合会工会，或填写联合会以外的转入单位名称（二选一）",
            field="to_union",
        )
    if target_name is not None:
        inside = _union_by_name(conn, target_name)
        if inside == member.union_id:
            target_id = inside  # the same union, typed: refused below with the same words
        elif inside is not None:
            raise ValidationError(
                f"「{target_name}」是本联合会的工会：请在「转入工会」中选择它（联合会内转接），"
                "不要作为外单位填写",
                field="to_union_name",
            )
    if target_id == member.union_id:
        raise UnionDeskError(
            f"该会员已在「{member.union_name}」，不能转接到其所在的工会：请选择另一个工会"
        )
    who = _operator(operator)
    row: dict[str, Any] = {
        "member_id": member_id, "from_union_id": member.union_id, "transferred_on": on,
        "reason": why, "operator": who,
    }  # fmt: skip
    if target_id is not None:
        destination = _union_name(conn, target_id)
        if destination is None:
            raise ValidationError("所选转入工会不存在或已删除", field="to_union_id")
        history = f"会籍转接：由「{member.union_name}」转至「{destination}」"
        row |= {"kind": "internal", "to_union_id": target_id, "slip_no": slips.issue(conn, today)}
        writer.update_many(conn, [(member_id, {"union_id": target_id})])
        status = member.membership_status
        writer.record_status_changes(
            conn, [writer.StatusChange(member_id, status, status)], on=on,
            reason=history[:REASON_MAX], operator=who,
        )  # fmt: skip
    else:
        assert target_name is not None
        row |= {"kind": "out", "to_union_name": target_name, "slip_no": slips.issue(conn, today)}
        leave = f"转出至「{target_name}」"
        writer.mark_left(conn, member_id, "transferred_out", on, leave[:100], operator=who)
    return _insert(conn, row)


# ---- in ----------------------------------------------------------------------------------


def transfer_in(
    db: Database,
    values: dict[str, Any],
    *,
    slip_no: str | None = None,
    from_union_name: str | None = None,
    transferred_on: date | str | None = None,
    reason: str | None = None,
    qr: str | None = None,
    operator: str | None = None,
) -> TransferIn:
    """转入 from elsewhere, by slip number and ID number (``values``: the member fields
    of ``MEMBER_FIELDS``, ``union_id`` the receiving union).

    A slip this PC issued (a transfer out that synced here) names its member; otherwise
    a left member (已转出, 已退会, …) with the same ID number is the same person: either
    way that record is made 在会 again in the receiving union, its card number and join
    date kept (会籍连续计算), and the transfer linked to the one that took them out —
    never a second record. No such record: a plain join (a new member with a card number)
    with a note saying so. Refused, nothing written: a person who is already a current
    member, a slip whose member has another ID number, a date after today. ``qr``, the
    scanned slip QR when there is one: its slip number must match; whether its signature
    was verified is noted.
    """
    with db.connect() as conn:
        return transfer_in_in(
            conn, values, db.clock.today(), slip_no=slip_no, from_union_name=from_union_name,
            transferred_on=transferred_on, reason=reason, qr=qr, operator=operator,
        )  # fmt: skip


def _existing(conn: Connection, id_number: str) -> registry.MemberRecord | None:
    """The live member with this ID number, a current one first, then the latest."""
    current = ", ".join(f"'{s}'" for s in sorted(CURRENT_STATUSES))
    found = conn.execute(
        text(
            "SELECT id FROM members WHERE id_number = :n AND deleted = 0 "
            f"ORDER BY membership_status IN ({current}) DESC, joined_on DESC LIMIT 1"
        ),
        {"n": id_number},
    ).scalar_one_or_none()
    return None if found is None else registry.get_in(conn, str(found))


def _same_name(a: str, b: str) -> bool:
    """Two spellings of one name: blanks, full-width letters, letter case and the
    middle dot of a minority name (·・•) aside."""

    def folded(name: str) -> str:
        return normalise_text(name).casefold().translate(_DOTS)

    return folded(a) == folded(b)


_DOTS = str.maketrans({"・": "·", "•": "·", "‧": "·", "∙": "·", "．": "·"})


def _require_same_name(existing: registry.MemberRecord, typed: str) -> None:
    """The person found by ID number (or slip) must bear the typed name: another name is
    most likely a mistyped ID number, and linking would give a stranger's record away."""
    if not _same_name(existing.name, typed):
        raise ValidationError(
            f"身份证号 {mask_id_number(existing.id_number)} 已登记为「{existing.name}」，"
            f"与填写的姓名「{typed}」不一致，请核对",
            field="id_number",
        )


def transfer_in_in(
    conn: Connection,
    values: dict[str, Any],
    today: date,
    *,
    slip_no: str | None = None,
    from_union_name: str | None = None,
    transferred_on: date | str | None = None,
    reason: str | None = None,
    qr: str | None = None,
    operator: str | None = None,
) -> TransferIn:
    """``transfer_in`` in the caller's transaction."""
    problems: dict[str, str] = {}
    collect = partial(checks.collect, problems)
    on = collect("transferred_on", lambda: checks.day(transferred_on, today)) or today
    slip = collect("slip_no", lambda: checks.slip_no(slip_no))
    source = collect(
        "from_union_name",
        lambda: checks.text_value(from_union_name, "from_union_name", "转出单位", NAME_MAX),
    )
    why = collect("reason", lambda: checks.text_value(reason, "reason", "转接原因", REASON_MAX))
    given = {k: v for k, v in values.items() if k in MEMBER_FIELDS}
    if given.get("joined_on") in (None, ""):
        # a plain join counts from the transfer day: checked as typed (16-year rule)
        given["joined_on"] = on
    try:
        checked = registry.validate(conn, given, today=today, check_duplicates=False)
    except ValidationError as exc:
        problems = {**(exc.problems or {"": exc.message}), **problems}
    if problems:
        raise ValidationError("；".join(problems.values()), problems=problems)
    member = dict(checked.values)
    union_id = str(member["union_id"])
    notes: list[str] = []
    if qr:
        reading = transfer_qr.read(conn, qr)
        if slip is None:
            slip = checks.slip_no(reading.content.slip_no)
        elif reading.content.slip_no.upper() != slip:
            raise ValidationError(
                "所填转接单号与扫描的转接单二维码不一致：请核对转接单号", field="slip_no"
            )
        source = source or reading.content.from_union or None
        if not reading.verified:
            notes.append("转接单二维码签名未核验")
    issued = queries.by_slip_in(conn, slip) if slip else None
    if issued is not None and issued.kind == "internal":
        raise UnionDeskError(
            f"转接单 {slip} 是本联合会内部转接，会员已转到「{issued.to_union}」，无需办理转入"
        )
    existing: registry.MemberRecord | None
    if issued is not None:
        existing = registry.get_in(conn, issued.member_id)
        if existing.id_number != member["id_number"]:
            raise ValidationError(
                f"转接单 {slip} 所记的会员与所填身份证号不符：请核对身份证号或转接单号",
                field="id_number",
            )
    else:
        existing = _existing(conn, str(member["id_number"]))
    if existing is not None:
        _require_same_name(existing, str(member["name"]))
    if existing is not None and existing.membership_status in CURRENT_STATUSES:
        raise UnionDeskError(
            f"此人已是「{existing.union_name}」的在会会员「{existing.name}」，不能重复转入；"
            "如需改换所属工会，请在会员页面办理联合会内转接"
        )
    who = _operator(operator)
    came_from = source or (issued.from_union if issued else None)
    history = f"转入：由「{came_from}」转入" if came_from else "转入"
    if existing is not None:
        outcome = "linked"
        if issued is None:
            notes.append(NOTE_LINKED_BY_ID if slip else "按身份证号与此人原有的会员记录关联")
        earlier = issued or queries.latest_for_member_in(conn, existing.id)
        linked = earlier.id if earlier is not None and earlier.kind != "in" else None
        changes = {k: v for k, v in member.items() if k in given and v is not None}
        for kept in ("id_number", "birth_date", "gender", "joined_on", "name"):
            changes.pop(kept, None)  # the same person; membership continues from the join
        changes |= {"union_id": union_id, "membership_status": "active"}
        card_no = existing.card_no or _new_card(conn, today)
        changes["card_no"] = card_no
        writer.update_many(
            conn, [(existing.id, changes)], on=on, reason=history[:REASON_MAX], operator=who
        )
        member_id = existing.id
    else:
        outcome = "new"
        linked = None
        notes.append(NOTE_SLIP_UNKNOWN_NEW if slip else NOTE_NO_SLIP_NEW)
        member["membership_status"] = "active"
        card_no = _new_card(conn, today)
        member["card_no"] = card_no
        member_id = writer.insert_one(conn, member)
        writer.record_status_changes(
            conn, [writer.StatusChange(member_id, None, "active")], on=on,
            reason=history[:REASON_MAX], operator=who,
        )  # fmt: skip
    note = "；".join(notes)
    transfer_id = _insert(
        conn,
        {
            "member_id": member_id, "kind": "in", "from_union_name": came_from,
            "to_union_id": union_id, "transferred_on": on, "slip_no": slip, "reason": why,
            "linked_transfer_id": linked, "notes": note or None, "operator": who,
        },
    )  # fmt: skip
    return TransferIn(queries.get_in(conn, transfer_id), member_id, outcome, card_no, note)


def _new_card(conn: Connection, today: date) -> str:
    federation = federations.require_current_id(conn)
    return card_numbers.issue_for_federation(conn, federation, on=today)[0]


# ---- merge -------------------------------------------------------------------------------


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the transfers of ``from_member`` become ``to_member``'s, in the caller's
    transaction (captured: the move travels); returns how many moved. Called by the
    duplicates service, so this module stays the one writer of ``transfers``."""
    moved = conn.exec_driver_sql(
        "UPDATE transfers SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)


def erase_personal_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: blank the personal fields of these rows (``services.erasure`` calls
    it with ``models.erasure.PERSONAL``), in the caller's transaction; captured, so the
    blanking travels. Here because this module is the table's one writer."""
    redaction.blank_fields(conn, "transfers", row_ids, blanks)
