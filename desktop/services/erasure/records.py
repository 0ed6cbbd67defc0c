"""Erasing a person: the use case, and the one writer of ``erasures`` / ``erased_rows``.

One transaction: the tombstone, every blanked row (through its table's writer, captured
so the blanking travels), the list of erased rows, the rewritten change log and the
audit entry commit together or not at all. After the commit the write-ahead log is
emptied into the file (``storage.redaction.truncate_wal``), freed space having been
zeroed meanwhile (``secure_delete``), so the raw file keeps no old value either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from desktop import acting
from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.models.erasure import ERASED_ID_NUMBER, ERASED_NAME, ERASURE_REASON, PERSONAL
from desktop.models.ids import new_id, new_ids
from desktop.services import audit
from desktop.services.activities import attendance
from desktop.services.applications import records as applications
from desktop.services.care import assistance, consent, hardship, household, reviews
from desktop.services.erasure import backups
from desktop.services.honours import records as honours
from desktop.services.legal import cases as legal_cases
from desktop.services.legal import documents as legal_documents
from desktop.services.members import photos
from desktop.services.members import writer as member_writer
from desktop.services.transfers import records as transfers
from desktop.storage import engines, redaction, search_index
from desktop.storage.database import Database

WHAT_IS_ERASED = (
    "将删除该会员的个人信息：姓名、身份证号、手机号、出生日期、民族等个人资料、工作单位、"
    "会员证号、照片（含以前换下的照片）和备注；同一人的入会申请、困难职工档案（含家庭成员）、"
    "法律援助案件的申请人信息、案情摘要、单位、备注和所附文件，荣誉的备注，活动签到中的姓名；"
    "并从搜索和同步修改记录中清除。同步后各单位都会同样删除。此操作不可撤销。"
)
ALREADY_ERASED = "该会员的个人信息已经删除过（{when}），无需再次删除。"


@dataclass(frozen=True)
class Identity:
    """What finds the person's rows that carry no member link: read before blanking."""

    name: str | None
    id_number: str | None
    phone: str | None
    photo: str | None = None  # the photo's hash: its bytes go too


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did: counts only (no personal value), and the backups that
    still hold the person."""

    erasure_id: str
    member_id: str
    erased_at: datetime
    reason: str
    rows: dict[str, int]
    log_changes: int
    backups: list[backups.HeldBackup] = field(default_factory=list)
    #: False on a hub: its backups are the administrator's (``backups.describe``)
    file_backups: bool = True
    #: entries of the audit trail about the erased rows that carry a typed reason: the
    #: hash-chained trail is never rewritten, so they stay (the administrator's record)
    audit_reasons: int = 0


_LABELS = {"attendances": "活动签到"}


def summary(result: ErasureResult) -> str:
    """The clerk's one line: which records were blanked, how many of each (no value)."""
    from desktop.models.values import table_label

    parts = "，".join(
        f"{_LABELS.get(table) or table_label(table)} {count} 条"
        for table, count in sorted(result.rows.items())
    )
    kept = (
        f"\n操作日志中有 {result.audit_reasons} 条关于该记录的操作附有经办人填写的原因；"
        "操作日志防篡改，不会改写，这些原因作为管理员的记录保留。"
        if result.audit_reasons
        else ""
    )
    return (
        f"已删除会员记录 {result.member_id} 的个人信息（{parts}；"
        f"同步修改记录改写 {result.log_changes} 条）。{kept}"
    )


def reason_code(raw: Any) -> str:
    """A reason code, or its Chinese label (本人申请 …)."""
    text = str(raw or "").strip()
    for code, label in ERASURE_REASON:
        if text in (code, label):
            return code
    choices = "、".join(label for _, label in ERASURE_REASON)
    raise ValidationError(f"删除原因「{text}」不在代码表中，应为：{choices}", field="reason")


def erased_at(db: Database, member_id: str) -> datetime | None:
    """When this member record was erased here (None: never)."""
    with db.connect(write=False) as conn:
        return _erased_at(conn, member_id)


def erased_on_in(conn: Connection, table: str, row_id: str) -> date | None:
    """The local date the person of this row (a member record, or a row an erasure
    blanked: an application, a case …) was erased; None when it was not. For messages
    that say why a record can no longer be printed or a card is invalid."""
    at = conn.exec_driver_sql(
        "SELECT min(erased_at) FROM erasures WHERE deleted = 0 AND ("
        "(? = 'members' AND member_id = ?) OR member_id IN "
        "(SELECT member_id FROM erased_rows WHERE tbl = ? AND row_id = ? AND deleted = 0))",
        (table, row_id, table, row_id),
    ).scalar()
    if at is None:
        return None
    when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return when.replace(tzinfo=UTC).astimezone().date()


def _erased_at(conn: Connection, member_id: str) -> datetime | None:
    row = conn.exec_driver_sql(
        "SELECT min(erased_at) FROM erasures WHERE member_id = ? AND deleted = 0", (member_id,)
    ).scalar()
    if row is None:
        return None
    return row if isinstance(row, datetime) else datetime.fromisoformat(str(row))


def erase(db: Database, member_id: str, reason: Any) -> ErasureResult:
    """Erase the person of this member record everywhere (管理员 only). Refused, with
    nothing written, for an unknown record or one erased before."""
    acting.require(acting.ADMINISTER)
    code = reason_code(reason)
    with db.connect() as conn:
        when = _erased_at(conn, member_id)
        if when is not None:
            raise UnionDeskError(ALREADY_ERASED.format(when=when.date().isoformat()))
        if conn.exec_driver_sql("SELECT 1 FROM members WHERE id = ?", (member_id,)).first() is None:
            raise NotFoundError(f"找不到会员记录 {member_id}，未删除任何信息。")
        now = db.clock.utcnow().replace(microsecond=0)
        local_now = db.clock.now()
        erasure_id = new_id()
        conn.exec_driver_sql(
            "INSERT INTO erasures (id, member_id, erased_at, reason, deleted) "
            "VALUES (?, ?, ?, ?, 0)",
            (erasure_id, member_id, now.isoformat(sep=" "), code),
        )
        rows, logged = erase_in(conn, member_id)
        reasons = audit.reasons_about_in(conn, _erased_ids(conn, member_id))
        audit.record_in(conn, audit.ERASURE, f"会员记录 {member_id}，原因 {code}")
    redaction.truncate_wal(db)
    if not db.takes_file_backups:
        return ErasureResult(
            erasure_id, member_id, now, code, rows, logged, file_backups=False,
            audit_reasons=reasons,
        )  # fmt: skip
    return ErasureResult(
        erasure_id, member_id, now, code, rows, logged, backups.held(db.paths.backups, local_now),
        audit_reasons=reasons,
    )  # fmt: skip


def _erased_ids(conn: Connection, member_id: str) -> list[str]:
    """The member record and every row the erasure of it listed (the audit trail names
    a case, a file or an application by its id)."""
    return [
        member_id,
        *_ids(conn, "SELECT row_id FROM erased_rows WHERE member_id = ?", (member_id,)),
    ]


def identity_in(conn: Connection, member_id: str) -> Identity:
    row = conn.exec_driver_sql(
        "SELECT name, id_number, phone, photo FROM members WHERE id = ?", (member_id,)
    ).first()
    if row is None:
        return Identity(None, None, None)
    name = row.name if row.name and row.name != ERASED_NAME else None
    id_number = row.id_number if row.id_number != ERASED_ID_NUMBER else None
    return Identity(name, id_number, row.phone or None, row.photo or None)


def _ids(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[str]:
    return [str(r[0]) for r in conn.exec_driver_sql(sql, params).all()]


def same_person(conn: Connection, member_id: str) -> list[str]:
    """The other member records recorded as the same person by a merge (会员合并), either
    way and through chains: the survivor took fields of the merged-away record, so
    erasing one leaves the person in the other."""
    seen = {member_id}
    todo = [member_id]
    while todo:
        current = todo.pop()
        for other in _ids(
            conn,
            "SELECT merged_id FROM member_merges WHERE survivor_id = ? AND deleted = 0 "
            "UNION SELECT survivor_id FROM member_merges WHERE merged_id = ? AND deleted = 0",
            (current, current),
        ):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen - {member_id})


#: A bound value tested for NULL: typed, since the hub's server cannot tell a bare
#: parameter's type from ``? IS NULL`` alone.
_GIVEN = "CAST(? AS TEXT)"


def _recorded_by(table: str, writers: list[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition (and its values) on ``table``'s rows: recorded by one of ``writers``
    (the first entry of the row's change log), or with no log at all (a row from before
    capture: this office's). ``writers`` None: no condition."""
    if writers is None:
        return "1 = 1", ()
    first = (
        f"(SELECT c.node_id FROM sync_change c WHERE c.tbl = '{table}' "
        f"AND c.row_id = {table}.id ORDER BY c.hlc LIMIT 1)"
    )
    marks = ", ".join("?" for _ in writers)
    return f"({first} IS NULL OR {first} IN ({marks}))", tuple(writers)


def _members_office(conn: Connection, member_id: str) -> list[str] | None:
    """The nodes of the office that recorded the member: this office (its node and former
    identities) for its own members, else the office the record came from. None when
    the record has no change log (nothing to tell offices apart by)."""
    origin = conn.exec_driver_sql(
        "SELECT node_id FROM sync_change WHERE tbl = 'members' AND row_id = ? ORDER BY hlc LIMIT 1",
        (member_id,),
    ).scalar()
    if origin is None:
        return None
    own = [
        str(n)
        for n in conn.exec_driver_sql(
            "SELECT node_id FROM sync_node WHERE is_self = 1 OR retired_at IS NOT NULL"
        ).scalars()
    ]
    return own if str(origin) in own else [str(origin)]


def find_in(conn: Connection, member_id: str, who: Identity) -> dict[str, list[str]]:
    """Table → ids of the rows about the person: linked to the member record, or (an
    application, a legal-aid applicant, a guest) carrying the person's ID number, phone
    or name. Read before a received package blanks the member row (``sync.erasures``).

    A name alone (a guest, an applicant without a phone) is matched only in rows the
    member's own office recorded: an upper office or the hub holds many offices, where a
    name is somebody else's too (docs/HUB.md, twenty-first session); the member's office
    matches its own, and those changes travel up."""
    found: dict[str, list[str]] = {}
    office = _members_office(conn, member_id)
    legal_scope, legal_writers = _recorded_by("legal_cases", office)
    guest_scope, guest_writers = _recorded_by("attendances", office)
    if conn.exec_driver_sql("SELECT 1 FROM members WHERE id = ?", (member_id,)).first():
        found["members"] = [member_id]
    found["applications"] = _ids(
        conn,
        "SELECT id FROM applications WHERE member_id = ? "
        f"OR ({_GIVEN} IS NOT NULL AND id_number = ?)",
        (member_id, who.id_number, who.id_number),
    )
    found["legal_cases"] = _ids(
        conn,
        "SELECT id FROM legal_cases WHERE member_id = ? OR (member_id IS NULL AND ("
        f"({_GIVEN} IS NOT NULL AND applicant_phone = ?) OR ({_GIVEN} IS NOT NULL "
        f"AND applicant_name = ? AND (applicant_phone IS NULL OR {_GIVEN} IS NULL "
        f"OR applicant_phone = ?) AND {legal_scope})))",
        (member_id, who.phone, who.phone, who.name, who.name, who.phone, who.phone) + legal_writers,
    )
    found["attendances"] = _ids(
        conn,
        "SELECT id FROM attendances WHERE member_id = ? "
        f"OR ({_GIVEN} IS NOT NULL AND guest_name = ? AND {guest_scope})",
        (member_id, who.name, who.name) + guest_writers,
    )
    found["legal_case_documents"] = _documents_of(conn, found["legal_cases"])
    found["honours"] = _ids(conn, "SELECT id FROM honours WHERE member_id = ?", (member_id,))
    found["transfers"] = _ids(conn, "SELECT id FROM transfers WHERE member_id = ?", (member_id,))
    found["member_status_changes"] = _ids(
        conn, "SELECT id FROM member_status_changes WHERE member_id = ?", (member_id,)
    )
    cases = _ids(conn, "SELECT id FROM hardship_cases WHERE member_id = ?", (member_id,))
    found["hardship_cases"] = cases
    for table in ("hardship_household", "hardship_assistance", "hardship_reviews"):
        found[table] = []
    found["hardship_consents"] = []
    for case_id in cases:
        for table in (
            "hardship_household",
            "hardship_assistance",
            "hardship_reviews",
            "hardship_consents",
        ):
            found[table] += _ids(conn, f"SELECT id FROM {table} WHERE case_id = ?", (case_id,))
    return found


def _documents_of(conn: Connection, case_ids: list[str]) -> list[str]:
    """The documents filed with these legal-aid cases, removed ones too (their link row
    and logged changes still name the file)."""
    found: list[str] = []
    for i in range(0, len(case_ids), _CHUNK):
        chunk = tuple(case_ids[i : i + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        found += _ids(
            conn, f"SELECT id FROM legal_case_documents WHERE case_id IN ({marks})", chunk
        )
    return found


#: The fields that name a file in ``attachments`` by its SHA-256.
_BLOB_FIELDS = {"members": "photo", "legal_case_documents": "sha256"}
_CHUNK = 500


def _blobs_named(conn: Connection, found: dict[str, list[str]]) -> set[str]:
    """Every file hash these rows name now, ever named in the change log (a photo
    replaced since, received from another office with its bytes) or in a conflict."""
    held: set[str] = set()
    for table, column in _BLOB_FIELDS.items():
        ids = found.get(table, [])
        for i in range(0, len(ids), _CHUNK):
            chunk = tuple(ids[i : i + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            held.update(
                str(v)
                for v in conn.exec_driver_sql(
                    f'SELECT "{column}" FROM "{table}" WHERE id IN ({marks})', chunk
                ).scalars()
                if v
            )
            for raw in conn.exec_driver_sql(
                f"SELECT fields FROM sync_change WHERE tbl = ? AND row_id IN ({marks})",
                (table, *chunk),
            ).scalars():
                logged = json.loads(str(raw))
                if isinstance(logged, dict) and isinstance(logged.get(column), str):
                    held.add(logged[column])
            for win, lose in conn.exec_driver_sql(
                "SELECT win_value, lose_value FROM sync_conflict WHERE tbl = ? AND field = ? "
                f"AND row_id IN ({marks})",
                (table, column, *chunk),
            ).all():
                held.update(
                    v for v in (json.loads(str(win)), json.loads(str(lose))) if isinstance(v, str)
                )
    held.discard("")
    return held


def erase_in(
    conn: Connection,
    member_id: str,
    person: Identity | None = None,
    before: dict[str, list[str]] | None = None,
) -> tuple[dict[str, int], int]:
    """Blank every row about the person of ``member_id`` on this PC and purge the values
    from the logs and the index, in the caller's transaction; no permission check (the
    sync apply calls it for a received tombstone). ``person`` and ``before``: the
    identity and the rows found before a received package blanked the member row; else
    read here. Safe to run again (a second run blanks what arrived since). Returns rows
    blanked per table and the number of logged changes rewritten."""
    redaction.scrub_file(conn)
    who = person or identity_in(conn, member_id)
    found = find_in(conn, member_id, who)
    for other in same_person(conn, member_id):  # records a merge said are this person
        for table, ids in find_in(conn, other, identity_in(conn, other)).items():
            found[table] = [*found.get(table, []), *ids]
    for table, ids in (before or {}).items():
        found[table] = [*found.get(table, []), *ids]
    listed = {
        (str(r.tbl), str(r.row_id))
        for r in conn.exec_driver_sql(
            "SELECT tbl, row_id FROM erased_rows WHERE member_id = ?", (member_id,)
        ).all()
    }
    # the documents of every case of the person, also one found earlier by a name or
    # phone the case no longer holds (listed) or found by another office (``before``)
    found["legal_case_documents"] = [
        *found.get("legal_case_documents", []),
        *_documents_of(
            conn,
            [*found["legal_cases"], *(row for tbl, row in listed if tbl == "legal_cases")],
        ),
    ]
    found = {table: list(dict.fromkeys(ids)) for table, ids in found.items()}
    cases = found["hardship_cases"]

    # every picture and file the rows ever named (replaced photos too): read before the
    # log is blanked, dropped once nothing names them any more
    blobs = _blobs_named(conn, found) | ({str(who.photo)} if who.photo else set())
    for record in found.get("members", []):
        member_writer.erase_person(
            conn, record, dict(PERSONAL["members"]), dict(PERSONAL["member_status_changes"])
        )
    applications.erase_personal_in(conn, found["applications"], dict(PERSONAL["applications"]))
    legal_cases.erase_personal_in(conn, found["legal_cases"], dict(PERSONAL["legal_cases"]))
    legal_documents.erase_in(
        conn, found["legal_case_documents"], dict(PERSONAL["legal_case_documents"])
    )
    honours.erase_personal_in(conn, found["honours"], dict(PERSONAL["honours"]))
    attendance.erase_personal_in(conn, found["attendances"], dict(PERSONAL["attendances"]))
    transfers.erase_personal_in(conn, found["transfers"], dict(PERSONAL["transfers"]))
    for case_id in cases:  # the care area's own purge: blanked and tombstoned
        household.erase_in(conn, case_id)
        assistance.erase_in(conn, case_id)
        reviews.erase_in(conn, case_id)
        consent.erase_in(conn, case_id)
        hardship.erase_in(conn, case_id)

    pairs = [
        (table, row_id)
        for table, ids in found.items()
        for row_id in ids
        if (table, row_id) not in listed
    ]
    if pairs:  # captured: the other offices learn which rows are the person's
        conn.exec_driver_sql(
            "INSERT INTO erased_rows (id, tbl, row_id, member_id, deleted) VALUES (?, ?, ?, ?, 0)",
            [
                (row, table, row_id, member_id)
                for row, (table, row_id) in zip(new_ids(len(pairs)), pairs, strict=True)
            ],
        )
    every = sorted(listed | set(pairs))
    logged = redaction.redact_rows(conn, every, PERSONAL)
    for sha in sorted(blobs):
        photos.drop_unused_in(conn, sha)
    if not engines.is_postgres(conn):  # the hub's index deletes rows outright (pg_search)
        search_index.purge_dropped(conn)
    redaction.end_scrub(conn)
    return {table: len(ids) for table, ids in found.items() if ids}, logged


def erase_received_in(
    conn: Connection,
    member_id: str,
    reason: str,
    person: Identity,
    before: dict[str, list[str]],
) -> None:
    """A tombstone received from another office: the same erasure here (the sync apply
    has written the tombstone row itself), audited as received."""
    erase_in(conn, member_id, person, before)
    audit.record_in(conn, audit.ERASURE, f"会员记录 {member_id}（同步收到），原因 {reason}")


@dataclass(frozen=True)
class ErasureEntry:
    """One erasure known here (``erasures list``): no personal value."""

    id: str
    member_id: str
    erased_at: datetime
    reason: str
    reason_label: str


def list_erasures(db: Database) -> list[ErasureEntry]:
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, member_id, erased_at, reason FROM erasures WHERE deleted = 0 "
            "ORDER BY erased_at, id"
        ).all()
    labels = dict(ERASURE_REASON.items)
    return [
        ErasureEntry(
            str(r.id),
            str(r.member_id),
            r.erased_at
            if isinstance(r.erased_at, datetime)
            else datetime.fromisoformat(str(r.erased_at)),
            str(r.reason),
            labels.get(str(r.reason), str(r.reason)),
        )
        for r in rows
    ]


def resolve(db: Database, key: str) -> str:
    """The member record named by its record id or by an ID number (the one live record
    with it); refused with a message that never repeats the ID number."""
    wanted = key.strip()
    with db.connect(write=False) as conn:
        if conn.exec_driver_sql("SELECT 1 FROM members WHERE id = ?", (wanted,)).first():
            return wanted
        ids = _ids(
            conn,
            "SELECT id FROM members WHERE id_number = ? AND deleted = 0 ORDER BY id",
            (wanted.upper(),),
        )
    if not ids:
        raise NotFoundError(
            "找不到该会员：请输入会员编号（记录号）或完整的身份证号。未删除任何信息。"
        )
    if len(ids) > 1:
        raise UnionDeskError(
            f"有 {len(ids)} 条会员记录使用该身份证号（{'、'.join(ids)}），请用会员编号指定其中"
            "一条。未删除任何信息。"
        )
    return ids[0]
