"""Photos of an activity: JPEG or PNG checked by content, stored once by SHA-256 in
``attachments`` and linked to the activity; adding several is all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.ids import new_id
from desktop.services.activities.inputs import opt_text
from desktop.services.activities.records import get_in
from desktop.storage import attachments
from desktop.storage.database import Database

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
    digest = attachments.store(conn, data, mime)
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
        str(h)
        for h in conn.execute(
            text(
                "SELECT sha256 FROM activity_photos WHERE activity_id = :a AND deleted = 0 "
                "ORDER BY rowid"
            ),
            {"a": activity_id},
        ).scalars()
    ]


def list_photos(db: Database, activity_id: str) -> list[str]:
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
    return bytes(row.data)


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
