"""Activity photos: checked by content, stored once by hash, removed by a tombstone."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from desktop.errors import NotFoundError, ValidationError
from desktop.services import activities
from desktop.storage.database import Database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 32


def _count(db: Database, sql: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(sql)).scalar_one())


@pytest.fixture
def activity(db: Database, station: str) -> str:
    return activities.add(
        db,
        {"title": "职工摄影展", "category": "文体健康", "starts_at": "2026-11-21 09:00"},
    ).id


def test_photos_are_stored_once_and_read_back(db: Database, activity: str) -> None:
    added = activities.add_photos(db, activity, [("a.png", PNG), ("b.jpg", JPEG), ("c.png", PNG)])
    assert added == [hashlib.sha256(PNG).hexdigest(), hashlib.sha256(JPEG).hexdigest()]
    assert activities.list_photos(db, activity) == added
    assert activities.photo_bytes(db, added[0]) == PNG
    assert _count(db, "SELECT count(*) FROM attachments") == 2
    with db.connect(write=False) as conn:
        mimes = dict(conn.execute(text("SELECT sha256, mime FROM attachments")).all())
    assert mimes == {added[0]: "image/png", added[1]: "image/jpeg"}
    # The same picture again is not linked twice.
    assert activities.add_photos(db, activity, [("again.png", PNG)]) == []
    assert _count(db, "SELECT count(*) FROM activity_photos") == 2


def test_one_bad_file_refuses_the_lot(db: Database, activity: str) -> None:
    big = b"\xff\xd8\xff" + b"\x00" * activities.MAX_PHOTO_BYTES
    with pytest.raises(ValidationError) as caught:
        activities.add_photos(
            db,
            activity,
            [("ok.png", PNG), ("notes.txt", b"hello"), ("huge.jpg", big), ("e.png", b"")],
        )
    message = caught.value.message
    assert "notes.txt：不是 JPEG 或 PNG 图片" in message
    assert "huge.jpg" in message and "不能超过 10 MB" in message
    assert "e.png：文件是空的" in message
    assert "未添加任何照片" in message
    assert _count(db, "SELECT count(*) FROM attachments") == 0
    assert _count(db, "SELECT count(*) FROM activity_photos") == 0


def test_remove_photo_leaves_a_synced_tombstone(db: Database, activity: str) -> None:
    digest = activities.add_photos(db, activity, [("a.png", PNG)])[0]
    activities.remove_photo(db, activity, digest)
    assert activities.list_photos(db, activity) == []
    assert _count(db, "SELECT count(*) FROM activity_photos WHERE deleted = 1") == 1
    # The bytes stay: other records may use the same picture.
    assert activities.photo_bytes(db, digest) == PNG
    with db.connect(write=False) as conn:
        changes = [
            json.loads(r[0])
            for r in conn.execute(
                text("SELECT fields FROM sync_change WHERE tbl = 'activity_photos'")
            )
        ]
    assert any(c.get("deleted") in (1, True) for c in changes)
    with pytest.raises(NotFoundError):
        activities.remove_photo(db, activity, digest)
    # Added again after removal, it shows again.
    assert activities.add_photos(db, activity, [("a.png", PNG)]) == [digest]
    assert activities.list_photos(db, activity) == [digest]


def test_missing_photo_bytes_are_reported(db: Database) -> None:
    with pytest.raises(NotFoundError, match="照片文件缺失"):
        activities.photo_bytes(db, "0" * 64)


def test_photo_mime_reads_content_not_names() -> None:
    assert activities.photo_mime(PNG) == "image/png"
    assert activities.photo_mime(JPEG) == "image/jpeg"
    assert activities.photo_mime(b"GIF89a") is None
