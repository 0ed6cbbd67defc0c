"""会员照片 in the member dialog: choose a file, paste, drop; refused pictures explained at
once; stored (cropped, by hash) only when the dialog saves; removed the same way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.members import photos
from desktop.services.members import registry as members
from desktop.views.context import AppContext
from desktop.views.members import photo_box
from desktop.views.members.member_dialog import MemberDialog


def _file(folder: Path, name: str, size: tuple[int, int], fmt: str = "JPEG") -> Path:
    path = folder / name
    Image.new("RGB", size, "teal").save(path, fmt)
    return path


def _edit(qtbot: QtBot, ctx: AppContext, member_id: str) -> MemberDialog:
    dialog = MemberDialog(ctx, member_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_chosen_photo_is_checked_previewed_and_saved_with_the_member(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = registry["张三"]
    dialog = _edit(qtbot, ctx, member)
    box = dialog.photo_box
    tiny = _file(tmp_path, "tiny.jpg", (20, 20))
    monkeypatch.setattr(photo_box, "choose_file", lambda _p: str(tiny))
    qtbot.mouseClick(box.choose_button, Qt.MouseButton.LeftButton)
    assert "tiny.jpg：图片只有 20×20 像素" in box.message.text()
    assert not box.has_changes()
    notes = tmp_path / "notes.png"
    notes.write_bytes(b"not a picture at all")
    assert not box.offer_file(notes) and "不是 JPEG 或 PNG" in box.message.text()
    good = _file(tmp_path, "good.png", (800, 600), "PNG")
    monkeypatch.setattr(photo_box, "choose_file", lambda _p: str(good))
    qtbot.mouseClick(box.choose_button, Qt.MouseButton.LeftButton)
    assert box.message.text() == "" and box.has_changes()
    pixmap = box.preview.pixmap()
    assert pixmap.height() > pixmap.width()  # the landscape file, cropped to the card frame
    assert members.get(ctx.db, member).photo is None  # nothing stored before 保存
    assert dialog.has_unsaved_changes()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = members.get(ctx.db, member).photo
    assert stored is not None and photos.photo_of(ctx.db, member) is not None

    again = _edit(qtbot, ctx, member)
    assert again.photo_box.remove_button.isEnabled()
    qtbot.mouseClick(again.photo_box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert members.get(ctx.db, member).photo is None


def test_paste_and_drop(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], tmp_path: Path
) -> None:
    member = registry["李四"]
    dialog = _edit(qtbot, ctx, member)
    box = dialog.photo_box
    image = QImage(300, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#1e88e5"))
    QApplication.clipboard().setImage(image)
    qtbot.mouseClick(box.paste_button, Qt.MouseButton.LeftButton)
    assert box.has_changes() and box.message.text() == ""
    QApplication.clipboard().setText("张三")
    qtbot.mouseClick(box.paste_button, Qt.MouseButton.LeftButton)
    assert "不是图片" in box.message.text()
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(_file(tmp_path, "d.jpg", (400, 520))))])
    assert box._take_mime(dropped)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = photos.photo_of(ctx.db, member)
    assert saved is not None
    with Image.open(io.BytesIO(saved)) as got:
        assert got.format == "JPEG"


def test_the_crop_place_chooses_the_part_kept(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], tmp_path: Path
) -> None:
    """A tall picture, white above and black below: 靠上 keeps white, 靠下 black."""
    member = registry["王五"]
    dialog = _edit(qtbot, ctx, member)
    box = dialog.photo_box
    image = Image.new("RGB", (400, 1200), "white")
    image.paste(Image.new("RGB", (400, 600), "black"), (0, 600))
    path = tmp_path / "tall.png"
    image.save(path, "PNG")
    assert box.offer_file(path)
    box.place.setCurrentIndex(box.place.findData("top"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = photos.photo_of(ctx.db, member)
    assert saved is not None
    with Image.open(io.BytesIO(saved)) as got:
        assert got.convert("L").getpixel((got.width // 2, got.height - 5)) > 200
    again = _edit(qtbot, ctx, member)
    assert again.photo_box.offer_file(path)
    again.photo_box.place.setCurrentIndex(again.photo_box.place.findData("bottom"))
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    saved = photos.photo_of(ctx.db, member)
    assert saved is not None
    with Image.open(io.BytesIO(saved)) as got:
        assert got.convert("L").getpixel((got.width // 2, 5)) < 50
