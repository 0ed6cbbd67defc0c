"""活动 under the 3+N plan, and 签到: by card number (a USB scanner types the number and
Enter), by member search, or as a named non-member. One transaction per action."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text

from desktop import clock
from desktop.cards import signing
from desktop.errors import NotFoundError, ValidationError
from desktop.models.codes import CURRENT_STATUSES, MEMBERSHIP_STATUS
from desktop.models.ids import new_id
from desktop.services.activities import categories
from desktop.services.activities.inputs import (
    as_amount_fen,
    as_datetime,
    opt_text,
)
from desktop.services.figures import summary as stats
from desktop.storage.database import Database
from desktop.textnorm import normalise_text

FIELDS = (
    "title",
    "category",
    "starts_at",
    "ends_at",
    "site_id",
    "organiser",
    "budget",
    "spent",
    "description",
    "notes",
)


@dataclass(frozen=True)
class ActivityRecord:
    id: str
    title: str
    category: str
    category_name: str
    starts_at: datetime
    ends_at: datetime
    site_id: str | None
    site_name: str | None
    organiser: str | None
    budget_fen: int | None
    spent_fen: int | None
    description: str | None
    notes: str | None
    attendance: int = 0


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


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def validate(
    conn: Connection, values: dict[str, Any], old: ActivityRecord | None = None
) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"未知的活动字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "title":
            title = opt_text(value, key, "活动名称", 200)
            if title is None:
                raise ValidationError("活动名称不能为空", field=key)
            out[key] = title
        elif key == "category":
            out[key] = categories.check_code(conn, value)
        elif key == "starts_at":
            out[key] = as_datetime(value, key, "开始时间")
        elif key == "ends_at":
            out[key] = as_datetime(value, key, "结束时间")
        elif key == "site_id":
            if value:
                exists = conn.execute(
                    text("SELECT 1 FROM sites WHERE id = :id AND deleted = 0"), {"id": value}
                ).first()
                if exists is None:
                    raise ValidationError("所选阵地不存在或已删除", field=key)
            out[key] = value or None
        elif key == "budget":
            out["budget_fen"] = as_amount_fen(value, key, "预算")
        elif key == "spent":
            out["spent_fen"] = as_amount_fen(value, key, "实际支出")
        elif key == "organiser":
            out[key] = opt_text(value, key, "组织者", 100)
        else:
            out[key] = opt_text(value, key, "活动简介" if key == "description" else "备注", 100_000)
    start = out.get("starts_at", old.starts_at if old else None)
    end = out.get("ends_at", old.ends_at if old else None)
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"结束时间（{end:%Y-%m-%d %H:%M}）不能早于开始时间（{start:%Y-%m-%d %H:%M}）",
            field="ends_at",
        )
    return out


def _params(clean: dict[str, Any]) -> dict[str, Any]:
    return {k: (_stamp(v) if isinstance(v, datetime) else v) for k, v in clean.items()}


_SELECT = (
    "SELECT a.id, a.title, a.category, coalesce(c.name, a.category), a.starts_at, a.ends_at, "
    "a.site_id, s.name, a.organiser, a.budget_fen, a.spent_fen, a.description, a.notes, "
    "(SELECT count(*) FROM attendances t WHERE t.activity_id = a.id AND t.deleted = 0) "
    "FROM activities a "
    "LEFT JOIN sites s ON s.id = a.site_id "
    "LEFT JOIN (SELECT code, min(name) AS name FROM service_categories WHERE deleted = 0 "
    "GROUP BY code) c ON c.code = a.category "
)


def _record(r: Any) -> ActivityRecord:
    return ActivityRecord(
        r[0],
        r[1],
        r[2],
        r[3],
        _dt(r[4]),
        _dt(r[5]),
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
        r[12],
        int(r[13]),
    )


def get_in(conn: Connection, activity_id: str) -> ActivityRecord:
    row = conn.execute(
        text(_SELECT + "WHERE a.id = :id AND a.deleted = 0"), {"id": activity_id}
    ).first()
    if row is None:
        raise NotFoundError("该活动不存在或已删除", field="activity_id")
    return _record(row)


def get(db: Database, activity_id: str) -> ActivityRecord:
    with db.connect(write=False) as conn:
        return get_in(conn, activity_id)


def add(db: Database, values: dict[str, Any]) -> ActivityRecord:
    with db.connect() as conn:
        clean = validate(conn, values)
        for required, label in (
            ("title", "活动名称"),
            ("category", "服务类别"),
            ("starts_at", "开始时间"),
        ):
            if required not in clean:
                raise ValidationError(f"{label}不能为空", field=required)
        clean.setdefault("ends_at", clean["starts_at"])
        activity_id = new_id()
        params = _params(clean)
        cols = ", ".join(["id", *params])
        marks = ", ".join([":id", *(f":{k}" for k in params)])
        conn.execute(
            text(f"INSERT INTO activities ({cols}) VALUES ({marks})"), {"id": activity_id, **params}
        )
        return get_in(conn, activity_id)


def update(db: Database, activity_id: str, values: dict[str, Any]) -> ActivityRecord:
    with db.connect() as conn:
        old = get_in(conn, activity_id)
        params = _params(validate(conn, values, old))
        if params:
            sets = ", ".join(f"{k} = :{k}" for k in params)
            conn.execute(
                text(f"UPDATE activities SET {sets} WHERE id = :id"), {"id": activity_id, **params}
            )
        return get_in(conn, activity_id)


def delete(db: Database, activity_id: str) -> None:
    with db.connect() as conn:
        get_in(conn, activity_id)
        conn.execute(text("UPDATE activities SET deleted = 1 WHERE id = :id"), {"id": activity_id})
        for table in ("attendances", "activity_photos"):
            conn.execute(
                text(f"UPDATE {table} SET deleted = 1 WHERE activity_id = :id AND deleted = 0"),
                {"id": activity_id},
            )


def list_activities(
    db: Database,
    *,
    year: int | None = None,
    category: str | None = None,
    site_id: str | None = None,
    search: str | None = None,
    limit: int = 500,
) -> list[ActivityRecord]:
    parts = ["a.deleted = 0"]
    params: dict[str, Any] = {"limit": limit}
    if year is not None:
        parts.append("a.starts_at >= :y0 AND a.starts_at < :y1")
        params.update(y0=f"{year:04d}-01-01", y1=f"{year + 1:04d}-01-01")
    if category:
        parts.append("a.category = :cat")
        params["cat"] = category
    if site_id:
        parts.append("a.site_id = :site")
        params["site"] = site_id
    if search and search.strip():
        parts.append("a.title LIKE :q ESCAPE '\\'")
        q = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = f"%{q}%"
    sql = _SELECT + f"WHERE {' AND '.join(parts)} ORDER BY a.starts_at DESC LIMIT :limit"
    with db.connect(write=False) as conn:
        return [_record(r) for r in conn.execute(text(sql), params).all()]


# ---- attendance ----------------------------------------------------------------------


_ATT_SQL = (
    "SELECT t.id, t.activity_id, t.member_id, coalesce(m.name, t.guest_name, ''), m.card_no, "
    "u.name, t.method, t.checked_in_at FROM attendances t "
    "LEFT JOIN members m ON m.id = t.member_id LEFT JOIN unions u ON u.id = m.union_id "
)


def _att(r: Any) -> AttendanceRecord:
    return AttendanceRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _dt(r[7]))


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
            "at": _stamp(clock.current().utcnow().replace(microsecond=0)),
        },
    )
    return _att(conn.execute(text(_ATT_SQL + "WHERE t.id = :id"), {"id": att_id}).one())


def _check_member(conn: Connection, activity_id: str, member_id: str, shown: str) -> None:
    row = conn.execute(
        text("SELECT membership_status FROM members WHERE id = :id AND deleted = 0"),
        {"id": member_id},
    ).first()
    if row is None:
        raise ValidationError(f"{shown}：找不到该会员", field="card_no")
    if row[0] not in CURRENT_STATUSES:
        raise ValidationError(
            f"{shown}：该会员会籍状态为「{MEMBERSHIP_STATUS.label(row[0])}」，不能以会员身份签到；"
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
        get_in(conn, activity_id)
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
        member_id = str(rows[0][0])
        _check_member(conn, activity_id, member_id, f"会员证号 {raw}")
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
        get_in(conn, activity_id)
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
        if current[0] != claim.card_no:
            raise ValidationError(
                f"{shown}：此卡已作废，该会员已换发新卡（现会员证号 {current[0]}），请使用新卡",
                field="card_no",
            )
        _check_member(conn, activity_id, claim.member_id, shown)
        return _insert_attendance(conn, activity_id, claim.member_id, None, "card")


def attend_member(db: Database, activity_id: str, member_id: str) -> AttendanceRecord:
    """A member picked from the search results."""
    with db.connect() as conn:
        get_in(conn, activity_id)
        _check_member(conn, activity_id, member_id, "所选会员")
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
            text(_ATT_SQL + "WHERE t.activity_id = :a AND t.deleted = 0 ORDER BY t.checked_in_at"),
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

    Read from the dashboard summary (``desktop.services.stats``): one member lookup per
    attendee would cost seconds at a million members.
    """
    cut = as_of or date(year, 12, 31)
    return Coverage(year, stats.reached_members(conn, year, cut), stats.current_members(conn, cut))


def coverage(db: Database, year: int, as_of: date | None = None) -> Coverage:
    with db.connect(write=False) as conn:
        return coverage_in(conn, year, as_of)


# ---- photos --------------------------------------------------------------------------


# What a photo may be: JPEG or PNG, recognised by its first bytes (not by the file name),
# and at most this large: a phone picture is 2–8 MB; larger files are scans or videos
# that would bloat every sync package carried on a USB stick.
PHOTO_SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def photo_mime(data: bytes) -> str | None:
    """The photo's type from its content, or None when it is neither JPEG nor PNG."""
    return next((m for m, sig in PHOTO_SIGNATURES.items() if data.startswith(sig)), None)


def _link_photo(
    conn: Connection, activity_id: str, data: bytes, mime: str, caption: str | None
) -> str:
    digest = hashlib.sha256(data).hexdigest()
    conn.execute(
        text(
            "INSERT OR IGNORE INTO attachments (sha256, mime, size, data) VALUES (:h, :m, :s, :d)"
        ),
        {"h": digest, "m": mime, "s": len(data), "d": data},
    )
    conn.execute(
        text(
            "INSERT INTO activity_photos (id, activity_id, sha256, caption) "
            "VALUES (:id, :a, :h, :c)"
        ),
        {
            "id": new_id(),
            "a": activity_id,
            "h": digest,
            "c": opt_text(caption, "caption", "说明", 200),
        },
    )
    return digest


def add_photo(
    db: Database,
    activity_id: str,
    data: bytes,
    mime: str = "image/jpeg",
    caption: str | None = None,
) -> str:
    """Store the bytes once in ``attachments`` (by SHA-256) and link them; returns the hash."""
    if not data:
        raise ValidationError("照片文件为空", field="photo")
    with db.connect() as conn:
        get_in(conn, activity_id)
        return _link_photo(conn, activity_id, data, mime, caption)


def photo_size_problem(name: str, size: int) -> str | None:
    """The refusal for a file over the limit (also checked before a file is read)."""
    if size <= MAX_PHOTO_BYTES:
        return None
    return (
        f"{name}：文件有 {size / 1024 / 1024:.1f} MB，"
        f"照片不能超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB，请先压缩或缩小后再添加"
    )


def check_photo(name: str, data: bytes) -> str:
    """The photo's MIME type, or the Chinese refusal naming the file."""
    if not data:
        raise ValidationError(f"{name}：文件是空的", field="photo")
    too_large = photo_size_problem(name, len(data))
    if too_large:
        raise ValidationError(too_large, field="photo")
    mime = photo_mime(data)
    if mime is None:
        raise ValidationError(f"{name}：不是 JPEG 或 PNG 图片，只能添加这两种照片", field="photo")
    return mime


def add_photos(db: Database, activity_id: str, files: Sequence[tuple[str, bytes]]) -> list[str]:
    """Add several photos as one action: all or nothing, in one transaction.

    ``files`` pairs the name the clerk knows the file by (shown in refusals) with its bytes.
    Every file is checked before anything is written; one bad file refuses the lot, with
    every problem named. A photo already on the activity (or chosen twice) is linked once.
    Returns the hashes newly linked, in the order given.
    """
    problems: list[str] = []
    checked: list[tuple[bytes, str]] = []
    for name, data in files:
        try:
            checked.append((data, check_photo(name, data)))
        except ValidationError as exc:
            problems.append(exc.message)
    if problems:
        raise ValidationError("；".join(problems) + "。未添加任何照片", field="photo")
    added: list[str] = []
    with db.connect() as conn:
        get_in(conn, activity_id)
        have = set(_photo_hashes(conn, activity_id))
        for data, mime in checked:
            digest = hashlib.sha256(data).hexdigest()
            if digest in have:
                continue
            have.add(_link_photo(conn, activity_id, data, mime, None))
            added.append(digest)
    return added


def _photo_hashes(conn: Connection, activity_id: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            text(
                "SELECT sha256 FROM activity_photos WHERE activity_id = :a AND deleted = 0 "
                "ORDER BY rowid"
            ),
            {"a": activity_id},
        )
    ]


def photos(db: Database, activity_id: str) -> list[str]:
    """The activity's photo hashes, oldest first (the order they were added)."""
    with db.connect(write=False) as conn:
        return _photo_hashes(conn, activity_id)


def photo_bytes(db: Database, sha256: str) -> bytes:
    """The stored bytes of one photo, for thumbnails and viewing."""
    with db.connect(write=False) as conn:
        row = conn.execute(
            text("SELECT data FROM attachments WHERE sha256 = :h"), {"h": sha256}
        ).first()
    if row is None:
        raise NotFoundError("照片文件缺失：可能尚未从其他单位同步过来", field="photo")
    return bytes(row[0])


def remove_photo(db: Database, activity_id: str, sha256: str) -> None:
    """Take a photo off an activity: a tombstone that travels by sync.

    The bytes stay in ``attachments``: other activities, members or sites may use the
    same picture, and a peer may still send an edit that refers to it.
    """
    with db.connect() as conn:
        done = conn.execute(
            text(
                "UPDATE activity_photos SET deleted = 1 "
                "WHERE activity_id = :a AND sha256 = :h AND deleted = 0"
            ),
            {"a": activity_id, "h": sha256},
        )
        if done.rowcount == 0:
            raise NotFoundError("该照片不存在或已删除", field="photo")
