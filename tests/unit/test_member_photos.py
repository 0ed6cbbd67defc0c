"""Member photos: checked by content, cropped to the card frame, stored once, printed."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.printing import cards
from desktop.services.members import photos
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

GOOD_ID = "11010519491231002X"


def picture(width: int, height: int, fmt: str = "JPEG", colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def member_id(db: Database) -> str:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    uid = unions.add(db, "华强电子有限公司工会", industry="C", ownership="170").id
    return members.add(db, {"name": "张三", "id_number": GOOD_ID, "union_id": uid})[0].id


def _attachments(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM attachments")).scalar_one())


def test_the_frame_aspect_is_the_cards(db: Database) -> None:
    _x, _y, w, h = cards.PHOTO
    assert photos.ASPECT[0] / photos.ASPECT[1] == pytest.approx(w / h)


def test_attach_crops_to_the_card_frame_and_stores_once(db: Database, member_id: str) -> None:
    data = picture(1200, 800, "PNG")  # landscape: cropped to a portrait 19:25
    sha = photos.attach(db, member_id, "a.png", data)
    assert members.get(db, member_id).photo == sha
    stored = photos.photo_of(db, member_id)
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.width / image.height == pytest.approx(19 / 25, abs=0.01)
    assert photos.attach(db, member_id, "a.png", data) == sha  # the same photo again
    assert _attachments(db) == 1
    photos.remove(db, member_id)
    assert members.get(db, member_id).photo is None and photos.photo_of(db, member_id) is None


def test_a_chosen_crop_keeps_that_part(db: Database) -> None:
    image = Image.new("RGB", (800, 800), "white")
    image.paste(Image.new("RGB", (400, 800), "black"), (400, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    right = photos.prepare("a.png", out.getvalue(), photos.Crop(400, 0, 400, 800))
    with Image.open(io.BytesIO(right.data)) as got:
        assert got.convert("L").getpixel((got.width // 2, got.height // 2)) < 30


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"%PDF-1.4 not a picture", "不是 JPEG 或 PNG 图片"),
        (picture(20, 20), "只有 20×20 像素"),
        (b"\xff\xd8\xff" + b"0" * (photos.MAX_PHOTO_BYTES + 1), "照片不能超过 10 MB"),
        (picture(400, 500)[:200], "已损坏或不完整"),
        (b"", "文件是空的"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(
    db: Database, member_id: str, data: bytes, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment) as refused:
        photos.attach(db, member_id, "照片.jpg", data)
    assert refused.value.message.startswith("照片.jpg：")
    assert members.get(db, member_id).photo is None and _attachments(db) == 0


def test_card_and_registration_form_print_the_photo(
    db: Database, member_id: str, tmp_path: Path
) -> None:
    from desktop.printing.forms import render
    from desktop.printing.queries import card_batch, form_values

    photos.attach(db, member_id, "a.jpg", picture(600, 800))
    card_pdf = tmp_path / "cards.pdf"
    cards.render_cards(card_batch(db, member_ids=[member_id]).records, card_pdf)
    form_pdf = tmp_path / "form.pdf"
    render.render_form("registration", form_values(db, "registration", member_id), form_pdf)
    for pdf in (card_pdf, form_pdf):
        listed = subprocess.run(
            ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        kinds = [line.split()[2] for line in listed.splitlines()[2:]]
        assert "image" in kinds, listed


def test_cli_attaches_refuses_and_removes(
    db: Database, member_id: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli import main

    good, tiny = tmp_path / "good.png", tmp_path / "tiny.jpg"
    good.write_bytes(picture(300, 400, "PNG"))
    tiny.write_bytes(picture(20, 20))
    base = ["--data-dir", str(data_dir), "members", "photo", member_id]
    assert main([*base, str(tiny)]) == 1
    assert "tiny.jpg：图片只有 20×20 像素" in capsys.readouterr().err
    assert members.get(db, member_id).photo is None
    assert main([*base, str(tmp_path / "missing.jpg")]) == 1
    assert "找不到" in capsys.readouterr().err
    assert main([*base, str(good)]) == 0
    assert members.get(db, member_id).photo is not None
    assert main([*base, str(good), "--remove"]) == 2
    assert main([*base, "--remove"]) == 0
    assert members.get(db, member_id).photo is None


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` × ``height`` (one-bit grey): what Pillow reads
    before it decodes a pixel, as a 1.2 MB 20000 × 20000 scan would say."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [20_000, 10_000, 8_000])
def test_a_picture_with_too_many_pixels_is_called_so_not_damaged(
    db: Database, member_id: str, side: int
) -> None:
    """Past Pillow's bomb limit (an error), past its warning (an error under the test's
    warnings filter), or past ours: the same words, saying what to do (QA report C3)."""
    with pytest.raises(ValidationError) as caught:
        photos.attach(db, member_id, "big.png", _png_header_only(side, side))
    assert caught.value.message.startswith("big.png：图片像素过多（")
    assert caught.value.message.endswith("），请先缩小后再添加")
    assert "损坏" not in caught.value.message
    assert _attachments(db) == 0
