"""A member's photo: checked by content, cropped to the card's photo frame, stored once.

What the clerk gives (a file, a drop, a paste) is checked by its bytes, never its name:
JPEG or PNG, at most ``MAX_PHOTO_BYTES``, at least ``MIN_WIDTH`` × ``MIN_HEIGHT`` pixels.
It is then turned upright (EXIF), cropped to the card's photo frame (``ASPECT``, the
19 × 25 mm box of ``printing.cards.PHOTO``: a test holds them equal), scaled down to
``STORED_SIZE`` and stored as JPEG in ``attachments`` under its SHA-256, so the same
photo is stored once however often it is attached, and a sync package carries it once
(``members.photo`` names the hash; the export adds the bytes it refers to).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import Connection, text

from desktop.errors import ValidationError
from desktop.services.members import registry
from desktop.services.members import writer as member_writer
from desktop.storage import attachments, engines
from desktop.storage.database import Database

SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
# A phone picture is 2–8 MB; a photo for a card needs far less, and every byte travels.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Below this a printed 19 × 25 mm photo is a blur (an ID photo is 295 × 413 at 300 dpi).
MIN_WIDTH, MIN_HEIGHT = 120, 160
# Width : height of the card's photo frame (mm).
ASPECT = (19, 25)
# What is stored: enough for 300 dpi on the card and the form's larger box.
STORED_SIZE = (380, 500)
# Decoding refuses images beyond this many pixels (a "decompression bomb").
_MAX_PIXELS = 60_000_000
_TOO_MANY_PIXELS = f"图片像素过多（超过 {_MAX_PIXELS // 10_000} 万像素），请先缩小后再添加"


@dataclass(frozen=True)
class Crop:
    """A part of the picture the clerk chose, in the source's pixels (after turning it
    upright); widened or narrowed to the frame's aspect about its centre."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes  # JPEG, cropped and scaled
    sha256: str
    width: int
    height: int


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, field="photo")


def _check_size(name: str, size: int) -> None:
    if size > MAX_PHOTO_BYTES:
        raise _refuse(
            f"{name}：文件有 {size / 1024 / 1024:.1f} MB，照片不能超过 "
            f"{MAX_PHOTO_BYTES // 1024 // 1024} MB，请先压缩或缩小后再添加"
        )


def read_file(path: Path) -> bytes:
    """A photo file's bytes, its size checked before it is read (a 2 GB video chosen by
    mistake is refused at once); an unreadable file raises ``OSError`` for the caller's
    error handling to name."""
    _check_size(path.name, path.stat().st_size)
    return path.read_bytes()


def _open(name: str, data: bytes) -> Image.Image:
    if not data:
        raise _refuse(f"{name}：文件是空的，请选择一张 JPEG 或 PNG 照片")
    _check_size(name, len(data))
    if not any(data.startswith(sig) for sig in SIGNATURES.values()):
        raise _refuse(f"{name}：不是 JPEG 或 PNG 图片（按文件内容判断），请换一张照片")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise _refuse(f"{name}：{_TOO_MANY_PIXELS}")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit, met before ours: a huge picture, not a damaged one
        raise _refuse(f"{name}：{_TOO_MANY_PIXELS}") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(f"{name}：图片文件已损坏或不完整，无法读取，请换一张照片") from None
    return ImageOps.exif_transpose(image)


def _frame(image: Image.Image, crop: Crop | None) -> tuple[int, int, int, int]:
    """The box to keep: the chosen part (or the whole picture), made the frame's aspect
    about its centre and kept inside the picture."""
    aw, ah = ASPECT
    chosen = crop or Crop(0, 0, image.width, image.height)
    left, top = chosen.left, chosen.top
    width, height = float(chosen.width), float(chosen.height)
    cx, cy = left + width / 2, top + height / 2
    if width * ah > height * aw:  # too wide: keep the height
        height = min(height, image.height)
        width = height * aw / ah
    else:
        width = min(width, image.width)
        height = width * ah / aw
    if width > image.width:
        width, height = image.width, image.width * ah / aw
    if height > image.height:
        width, height = image.height * aw / ah, image.height
    x = min(max(cx - width / 2, 0), image.width - width)
    y = min(max(cy - height / 2, 0), image.height - height)
    return round(x), round(y), round(x + width), round(y + height)


def prepare(name: str, data: bytes, crop: Crop | None = None) -> PreparedPhoto:
    """Check ``data`` (``name``: how the clerk knows the file, for the message) and make
    the photo as stored. Refusals say what is wrong and what to do."""
    image = _open(name, data)
    if image.width < MIN_WIDTH or image.height < MIN_HEIGHT:
        raise _refuse(
            f"{name}：图片只有 {image.width}×{image.height} 像素，会员照片至少需要 "
            f"{MIN_WIDTH}×{MIN_HEIGHT} 像素，请换一张更清晰的照片"
        )
    box = _frame(image, crop)
    framed = image.crop(box)
    if framed.width < MIN_WIDTH or framed.height < MIN_HEIGHT:
        raise _refuse(
            f"{name}：所选区域只有 {framed.width}×{framed.height} 像素，至少需要 "
            f"{MIN_WIDTH}×{MIN_HEIGHT} 像素，请选大一些的区域"
        )
    if framed.mode != "RGB":
        framed = framed.convert("RGB")
    if framed.width > STORED_SIZE[0]:
        framed = framed.resize(STORED_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    framed.save(out, "JPEG", quality=88, optimize=True)
    stored = out.getvalue()
    return PreparedPhoto(stored, hashlib.sha256(stored).hexdigest(), framed.width, framed.height)


def store_in(conn: Connection, photo: PreparedPhoto) -> str:
    """The photo's bytes in ``attachments``, once per content; its hash."""
    return attachments.store(conn, photo.data, "image/jpeg")


def attach(db: Database, member_id: str, name: str, data: bytes, crop: Crop | None = None) -> str:
    """Attach (or replace) the member's photo; its hash. One transaction; a refusal
    writes nothing."""
    photo = prepare(name, data, crop)
    with db.connect() as conn:
        registry.get_in(conn, member_id)  # refuses a missing or deleted member
        before = _current(conn, member_id)
        store_in(conn, photo)
        member_writer.set_photo(conn, member_id, photo.sha256)
        if before and before != photo.sha256:
            drop_unused_in(conn, before, replaced_on=member_id)
    return photo.sha256


def remove(db: Database, member_id: str) -> None:
    """Take the photo off the member; its bytes go unless another record still shows
    them (the same picture on another member, an activity photo, a case document)."""
    with db.connect() as conn:
        registry.get_in(conn, member_id)
        before = _current(conn, member_id)
        member_writer.set_photo(conn, member_id, None)
        if before:
            drop_unused_in(conn, before, replaced_on=member_id)


def _current(conn: Connection, member_id: str) -> str | None:
    sha = conn.exec_driver_sql("SELECT photo FROM members WHERE id = ?", (member_id,)).scalar()
    return str(sha) if sha else None


def photo_of(db: Database, member_id: str) -> bytes | None:
    """The member's stored photo, or None (none attached, or not yet synced here)."""
    with db.connect(write=False) as conn:
        row = conn.execute(
            text(
                "SELECT a.data FROM members m JOIN attachments a ON a.sha256 = m.photo "
                "WHERE m.id = :i"
            ),
            {"i": member_id},
        ).first()
    return None if row is None else bytes(row.data)


def drop_unused_in(conn: Connection, sha256: str, *, replaced_on: str | None = None) -> bool:
    """The file's bytes go once no record and no logged change names them: after
    个人信息删除 (``services.erasure``, once the erased change log no longer does), and
    when a member's photo is replaced or removed (``replaced_on``: that member; its own
    earlier changes do not count — the change that replaced the photo supersedes them,
    on every office, and a package still carrying one merges to the newer photo).
    Returns whether they went."""
    photo, sha = (engines.json_field(conn, "fields", f"'{k}'") for k in ("photo", "sha256"))
    own = "" if replaced_on is None else " AND NOT (tbl = 'members' AND row_id = :m)"
    used = conn.exec_driver_sql(
        "SELECT 1 FROM members WHERE photo = :s UNION ALL "
        "SELECT 1 FROM activity_photos WHERE sha256 = :s UNION ALL "
        "SELECT 1 FROM legal_case_documents WHERE sha256 = :s UNION ALL "
        f"SELECT 1 FROM sync_change WHERE ({photo} = :s OR {sha} = :s){own} LIMIT 1",
        {"s": sha256, "m": replaced_on},
    ).first()
    if used is not None:
        return False
    conn.exec_driver_sql("DELETE FROM attachments WHERE sha256 = ?", (sha256,))
    return True
