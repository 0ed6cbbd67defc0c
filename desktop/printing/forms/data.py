"""Inputs of the forms as plain dataclasses, and the queries that fill them.

Every value is already a printable string (labels from ``desktop.models.codes``, dates
formatted, ID numbers and phones masked unless the clerk explicitly asked otherwise), so
the renderers contain no business rules and a blank form is simply the empty dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Connection, select

from desktop.errors import NotFoundError, UnionDeskError
from desktop.models import Attachment, Federation, HardshipCase, Member, Transfer, Union
from desktop.models.codes import (
    DISABILITY_GRADE,
    EDUCATION,
    ETHNICITY,
    GENDER,
    HARDSHIP_LEVEL,
    HOUSEHOLD_RELATION,
    HUKOU_TYPE,
    MEMBERSHIP_STATUS,
    POLITICAL_STATUS,
    WORK_STATUS,
)
from desktop.models.masking import birth_year_text, mask_id_number, mask_phone
from desktop.services.unions import federations


def fmt_date(value: date | datetime | None) -> str:
    return value.strftime("%Y年%m月%d日") if value else ""


@dataclass(frozen=True)
class MemberFormData:
    member_id: str = ""
    name: str = ""
    gender: str = ""
    birth_date: str = ""
    ethnicity: str = ""
    political_status: str = ""
    education: str = ""
    id_number: str = ""
    hukou_type: str = ""
    migrant: str = ""
    phone: str = ""
    employer: str = ""
    position: str = ""
    union_name: str = ""
    federation_name: str = ""
    card_no: str = ""
    joined_on: str = ""
    status: str = ""
    notes: str = ""
    photo: bytes | None = None
    filled_on: str = ""  # 入会申请书: the date the application was received


@dataclass(frozen=True)
class HouseholdLine:
    """One household member on the 困难职工登记表 (issue 22)."""

    name: str = ""
    relation: str = ""
    age: str = ""
    health: str = ""
    work_place: str = ""
    income: str = ""


@dataclass(frozen=True)
class HardshipFormData:
    member: MemberFormData = field(default_factory=MemberFormData)
    level: str = ""
    cause: str = ""
    household_size: str = ""
    income: str = ""
    opened_on: str = ""
    review_due_on: str = ""
    notes: str = ""
    disability: str = ""
    health: str = ""
    household: tuple[HouseholdLine, ...] = ()


@dataclass(frozen=True)
class TransferFormData:
    member: MemberFormData = field(default_factory=MemberFormData)
    slip_no: str = ""
    from_union: str = ""
    to_union: str = ""
    transferred_on: str = ""
    reason: str = ""
    qr: str = ""  # the signed slip QR (``desktop/cards/transfer_qr.py``); blank: none
    operator: str = ""  # 经办人: who recorded the transfer


@dataclass(frozen=True)
class AttendeeRow:
    name: str
    union_name: str = ""
    card_no: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AttendanceFormData:
    title: str = ""
    when: str = ""
    place: str = ""
    organiser: str = ""
    federation_name: str = ""
    attendees: tuple[AttendeeRow, ...] = ()


class UnionNames(NamedTuple):
    union_name: str = ""
    federation_name: str = ""


def _union_names(conn: Connection, union_id: str | None) -> UnionNames:
    """A union's name and its federation's; blank when there is none."""
    if not union_id:
        return UnionNames()
    u, f = Union.__table__.c, Federation.__table__.c
    row = conn.execute(
        select(u.name.label("union_name"), f.name.label("federation_name"))
        .join(Federation.__table__, f.id == u.federation_id)
        .where(u.id == union_id)
    ).first()
    return UnionNames(str(row.union_name), str(row.federation_name)) if row else UnionNames()


def load_member(conn: Connection, member_id: str, *, unmasked: bool = False) -> MemberFormData:
    m = Member.__table__.c
    r = (
        conn.execute(select(Member.__table__).where(m.id == member_id, m.deleted.is_(False)))
        .mappings()
        .first()
    )
    if r is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已删除）。")
    union, federation = _union_names(conn, r["union_id"])
    photo = None
    if r["photo"]:
        a = Attachment.__table__.c
        photo = conn.execute(select(a.data).where(a.sha256 == r["photo"])).scalar_one_or_none()
    id_number = str(r["id_number"] or "")
    phone = str(r["phone"] or "")
    return MemberFormData(
        member_id=str(r["id"]),
        name=str(r["name"]),
        gender=GENDER.label(r["gender"]),
        # Beside a masked ID number only the year: the date would give the number back.
        birth_date=fmt_date(r["birth_date"]) if unmasked else birth_year_text(r["birth_date"]),
        ethnicity=ETHNICITY.label(r["ethnicity"]),
        political_status=POLITICAL_STATUS.label(r["political_status"]),
        education=EDUCATION.label(r["education"]),
        id_number=id_number if unmasked else mask_id_number(id_number),
        hukou_type=HUKOU_TYPE.label(r["hukou_type"]),
        migrant="是" if r["is_migrant_worker"] else "否",
        phone=phone if unmasked else mask_phone(phone),
        employer=str(r["employer"] or ""),
        position=str(r["position"] or ""),
        union_name=union,
        federation_name=federation,
        card_no=str(r["card_no"] or ""),
        joined_on=fmt_date(r["joined_on"]),
        status=MEMBERSHIP_STATUS.label(r["membership_status"]),
        notes=str(r["notes"] or ""),
        photo=bytes(photo) if photo else None,
    )


def load_application(
    conn: Connection, application_id: str, *, unmasked: bool = False
) -> MemberFormData:
    """入会申请书 filled from an application (issue #21): the applicant's fields as
    received, the date received as 填表日期, the channel in the notes."""
    from desktop.models.codes import APPLICATION_CHANNEL
    from desktop.models.validation import id_number_parts
    from desktop.services.applications import queries as application_queries
    from desktop.services.erasure import records as erasure_records

    a = application_queries.get_in(conn, application_id)
    erased_on = erasure_records.erased_on_in(conn, "applications", application_id)
    if erased_on is not None:
        raise UnionDeskError(f"该申请人的个人信息已删除（{erased_on.isoformat()}），不能打印。")
    union, federation = _union_names(conn, a.union_id)
    _number, born, gender, _warning = id_number_parts(a.id_number, None, False)
    channel = APPLICATION_CHANNEL.label(a.channel)
    notes = "；".join(p for p in (f"申请渠道：{channel}" if channel else "", a.notes or "") if p)
    return MemberFormData(
        name=a.name,
        gender=GENDER.label(gender),
        birth_date=fmt_date(born) if unmasked else birth_year_text(born),
        ethnicity=ETHNICITY.label(a.ethnicity),
        political_status=POLITICAL_STATUS.label(a.political_status),
        education=EDUCATION.label(a.education),
        id_number=a.id_number if unmasked else mask_id_number(a.id_number),
        hukou_type=HUKOU_TYPE.label(a.hukou_type),
        phone=(a.phone or "") if unmasked else mask_phone(a.phone or ""),
        employer=a.employer or "",
        position=a.position or "",
        union_name=union,
        federation_name=federation,
        joined_on=fmt_date(a.joined_on),
        notes=notes,
        filled_on=fmt_date(a.submitted_on),
    )


def load_hardship(
    conn: Connection,
    member_id: str,
    *,
    unmasked: bool = False,
    sensitive_reason: str | None = None,
    case_id: str | None = None,
) -> HardshipFormData:
    """The file ``case_id``, else the member's open file (else their latest). Health,
    disability and income (the household's too) are printed only with a reason, which
    is audited here in the caller's transaction; without one those cells stay empty, for
    the household to fill in by hand."""
    h = HardshipCase.__table__.c
    stmt = select(HardshipCase.__table__).where(h.deleted.is_(False))
    if case_id is not None:
        stmt = stmt.where(h.id == case_id)
    else:
        stmt = stmt.where(h.member_id == member_id).order_by(
            h.closed_on.is_(None).desc(), h.opened_on.desc()
        )
    r = conn.execute(stmt).mappings().first()
    if case_id is not None:
        if r is None:
            raise NotFoundError(f"找不到困难职工档案 {case_id}（可能已删除或已清除）。")
        member_id = str(r["member_id"])
    member = load_member(conn, member_id, unmasked=unmasked)
    if r is None:
        return HardshipFormData(member=member)
    # The sensitive values exist only where a consent was recorded (services/care).
    from desktop.services.care import household, sensitive
    from desktop.services.care.hardship import cause_labels

    shown = sensitive_reason is not None
    if shown:
        sensitive.record_reveal_in(conn, str(r["id"]), sensitive_reason or "", printed=True)
    income = r["monthly_income_per_capita"] if shown else None
    people = household.list_in(conn, str(r["id"]))
    return HardshipFormData(
        member=member,
        level=HARDSHIP_LEVEL.label(r["level"]),
        cause=cause_labels(r["cause"]),
        household_size=str(r["household_size"] or ""),
        income=f"{income} 元" if income is not None else "",
        opened_on=fmt_date(r["opened_on"]),
        review_due_on=fmt_date(r["review_due_on"]),
        notes=str(r["notes"] or ""),
        disability=DISABILITY_GRADE.label(r["disability_grade"]) if shown else "",
        health=str(r["health_notes"] or "") if shown else "",
        household=tuple(
            HouseholdLine(
                name=p.name,
                relation=HOUSEHOLD_RELATION.label(p.relation),
                age=str(p.age) if p.age is not None else "",
                health=(p.health or "") if shown else "",
                work_place=p.work_place or WORK_STATUS.label(p.work_status),
                income=str(p.monthly_income) if shown and p.monthly_income is not None else "",
            )
            for p in people
        ),
    )


def load_transfer(conn: Connection, member_id: str, *, unmasked: bool = False) -> TransferFormData:
    """The member's latest slip-issuing transfer (out, or inside the federation); a
    member with none gets the form with only the member part filled."""
    member = load_member(conn, member_id, unmasked=unmasked)
    t = Transfer.__table__.c
    found = conn.execute(
        select(t.id)
        .where(t.member_id == member_id, t.deleted.is_(False))
        .where((t.kind.is_(None)) | (t.kind != "in"))
        .order_by(t.transferred_on.desc(), t.id.desc())
    ).first()
    if found is None:
        return TransferFormData(member=member, from_union=member.union_name)
    return load_transfer_record(conn, str(found.id), unmasked=unmasked)


def load_transfer_record(
    conn: Connection, transfer_id: str, *, unmasked: bool = False
) -> TransferFormData:
    """会籍转接单 filled from one transfer record (issue #21): number, from, to, date,
    reason, and the QR signed by this office that the receiving office scans."""
    from desktop.services.transfers import queries as transfer_queries
    from desktop.services.transfers import slips

    record = transfer_queries.get_in(conn, transfer_id)
    member = load_member(conn, record.member_id, unmasked=unmasked)
    try:
        qr = slips.payload_in(conn, record) if record.slip_no and record.kind != "in" else ""
    except UnionDeskError:
        qr = ""  # no signing key yet (first-run not finished): the slip prints without it
    return TransferFormData(
        member=member,
        slip_no=record.slip_no or "",
        from_union=record.from_union or member.union_name,
        to_union=record.to_union,
        transferred_on=fmt_date(record.transferred_on),
        reason=record.reason or "",
        qr=qr,
        operator=record.operator or "",
    )


def load_attendance(
    conn: Connection, activity_id: str, *, unmasked: bool = False
) -> AttendanceFormData:
    """An activity's recorded attendees (members and named guests) as sheet rows."""
    from desktop.models.activity import Activity, Attendance

    a = Activity.__table__.c
    act = (
        conn.execute(select(Activity.__table__).where(a.id == activity_id, a.deleted.is_(False)))
        .mappings()
        .first()
    )
    if act is None:
        raise NotFoundError(f"找不到活动 {activity_id}（可能已删除）。")
    place = ""
    if act["site_id"]:
        from desktop.models.site import Site

        sc = Site.__table__.c
        place = str(
            conn.execute(select(sc.name).where(sc.id == act["site_id"])).scalar_one_or_none() or ""
        )
    t, m = Attendance.__table__.c, Member.__table__.c
    u = Union.__table__.c
    rows = conn.execute(
        select(
            t.guest_name,
            m.name.label("member_name"),
            u.name.label("union_name"),
            m.card_no,
            m.phone,
        )
        .select_from(Attendance.__table__)
        .outerjoin(Member.__table__, m.id == t.member_id)
        .outerjoin(Union.__table__, u.id == m.union_id)
        .where(t.activity_id == activity_id, t.deleted.is_(False))
        .order_by(t.checked_in_at, t.id)
    ).all()
    attendees = tuple(
        AttendeeRow(
            name=str(r.member_name or r.guest_name or ""),
            union_name=str(r.union_name or ("（非会员）" if r.guest_name else "")),
            card_no=str(r.card_no or ""),
            phone=str(r.phone or "") if unmasked else mask_phone(r.phone),
        )
        for r in rows
    )
    start, end = act["starts_at"], act["ends_at"]
    when = start.strftime("%Y年%m月%d日 %H:%M") if start else ""
    if start and end:
        when += "—" + (
            end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%m月%d日 %H:%M")
        )
    # This office's own federation: an upper office holds its sub-federations' rows too.
    own = federations.details_in(conn)
    fed = own.name if own is not None else None
    return AttendanceFormData(
        title=str(act["title"]),
        when=when,
        place=place,
        organiser=str(act["organiser"] or ""),
        federation_name=str(fed or ""),
        attendees=attendees,
    )


def require_subject(member_id: str | None, blank: bool, what: str) -> None:
    if not blank and not member_id:
        raise UnionDeskError(f"请指定要打印{what}的会员（--member），或选择打印空白表（--blank）。")
