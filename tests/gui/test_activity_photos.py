"""活动照片 in the 签到 panel: add from files (JPEG/PNG only, size limit, unreadable files
named), thumbnails from the stored bytes, remove with a tombstone."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import activities
from desktop.services.activities import photos as photo_service
from desktop.views.activities import photos as photos_view
from desktop.views.activities.page import ActivitiesPage
from desktop.views.activities.photos import THUMB, PhotoStrip
from desktop.views.context import AppContext
from tests.conftest import TEST_TODAY
from tests.gui.conftest import Boxes


def counts(ctx: AppContext) -> tuple[int, int]:
    """(stored files, photo links not deleted)."""
    with ctx.db.connect(write=False) as conn:
        return (
            int(conn.execute(text("SELECT count(*) FROM attachments")).scalar_one()),
            int(
                conn.execute(
                    text("SELECT count(*) FROM activity_photos WHERE deleted = 0")
                ).scalar_one()
            ),
        )


def png_file(folder: Path, name: str, width: int = 1600, height: int = 900) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#1e88e5"))
    path = folder / name
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def strip(qtbot: QtBot, ctx: AppContext, registry: dict[str, str]) -> PhotoStrip:
    activity = activities.add(
        ctx.db,
        {
            "title": "职工摄影展",
            "category": "文体健康",
            "starts_at": f"{TEST_TODAY:%Y-%m-%d} 09:00",
        },
    )
    page = ActivitiesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.select_activity(activity.id)
    assert page.attendance.photos.activity_id == activity.id
    return page.attendance.photos


def choose(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    monkeypatch.setattr(photos_view, "choose_files", lambda _parent: [str(p) for p in paths])


def test_a_png_is_added_shown_as_a_thumbnail_and_stored_once(
    qtbot: QtBot,
    ctx: AppContext,
    strip: PhotoStrip,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    picture = png_file(tmp_path, "合影.png")
    choose(monkeypatch, picture)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert not strip.message.is_error, strip.message.text()
    assert "已添加 1 张照片" in strip.message.text()
    assert counts(ctx) == (1, 1)
    assert strip.model.rowCount() == 1
    assert strip.label.text() == "活动照片（1 张）"
    sha = strip.model.hashes[0]
    assert activities.photo_bytes(ctx.db, sha) == picture.read_bytes()
    thumb = strip.model.data(strip.model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert thumb is not None and not thumb.isNull()
    assert (thumb.width(), thumb.height()) == (THUMB, THUMB * 900 // 1600)

    # The same picture again (and twice in one go) is not stored or linked again.
    choose(monkeypatch, picture, picture)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert "已添加 0 张照片" in strip.message.text() and "未重复添加" in strip.message.text()
    assert counts(ctx) == (1, 1)


def test_non_image_unreadable_and_oversized_files_are_refused(
    qtbot: QtBot,
    ctx: AppContext,
    strip: PhotoStrip,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = png_file(tmp_path, "good.png")
    notes = tmp_path / "会议纪要.txt"
    notes.write_text("不是图片", encoding="utf-8")
    fake = tmp_path / "伪装.png"
    fake.write_bytes(b"GIF89a" + b"\0" * 64)
    choose(monkeypatch, good, notes, fake)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.message.is_error
    assert "会议纪要.txt：不是 JPEG 或 PNG 图片" in strip.message.text()
    assert "伪装.png：不是 JPEG 或 PNG 图片" in strip.message.text()
    assert "未添加任何照片" in strip.message.text()
    assert counts(ctx) == (0, 0)  # the good one was not written either

    broken = tmp_path / "损坏.png"
    broken.write_bytes(good.read_bytes()[:20])  # a PNG cut off after its signature
    choose(monkeypatch, good, broken)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.message.is_error and "损坏.png：图片文件已损坏" in strip.message.text()
    assert counts(ctx) == (0, 0)

    missing = tmp_path / "已删除.jpg"
    choose(monkeypatch, good, missing)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.message.is_error and "已删除.jpg：无法读取文件" in strip.message.text()
    assert counts(ctx) == (0, 0)

    monkeypatch.setattr(photo_service, "MAX_PHOTO_BYTES", good.stat().st_size - 1)
    choose(monkeypatch, good)
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.message.is_error and "good.png：文件有" in strip.message.text()
    assert "不能超过" in strip.message.text()
    assert counts(ctx) == (0, 0)
    assert strip.model.rowCount() == 0


def test_remove_a_photo_asks_first_and_leaves_a_tombstone(
    qtbot: QtBot,
    ctx: AppContext,
    strip: PhotoStrip,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    choose(monkeypatch, png_file(tmp_path, "a.png"), png_file(tmp_path, "b.png", 300, 300))
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert counts(ctx) == (2, 2)
    assert not strip.remove_button.isEnabled()
    strip.view.setCurrentIndex(strip.model.index(1, 0))
    assert strip.remove_button.isEnabled()
    removed = strip.model.hashes[1]

    boxes.answer = False
    qtbot.mouseClick(strip.remove_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["confirm"]
    assert counts(ctx) == (2, 2)

    boxes.answer = True
    qtbot.mouseClick(strip.remove_button, Qt.MouseButton.LeftButton)
    assert counts(ctx) == (2, 1)  # the bytes stay; the link is tombstoned
    assert strip.model.hashes == [
        h for h in activities.list_photos(ctx.db, strip.activity_id or "")
    ]
    assert removed not in strip.model.hashes
    with ctx.db.connect(write=False) as conn:
        assert (
            conn.execute(
                text("SELECT deleted FROM activity_photos WHERE sha256 = :h"), {"h": removed}
            ).scalar_one()
            == 1
        )
    assert strip.label.text() == "活动照片（1 张）"
