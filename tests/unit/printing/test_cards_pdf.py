"""Card PDFs read back with poppler and zbar: text, fonts, QR payloads, drawn positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.printing import geometry as geo
from desktop.printing.cards import PHOTO, QR_SIZE, QR_X, QR_Y, render_cards
from desktop.printing.records import load_cards
from desktop.storage.database import Database
from tests.unit.printing.conftest import (
    DPI,
    LONG_UNION,
    decode_qr,
    pdf_text,
    pdf_words,
    px,
    render_png,
    run,
    seed,
)


def info(pdf: Path) -> tuple[int, float, float]:
    """Pages and the first page's size in millimetres, from pdfinfo."""
    out = run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", out).groups()  # type: ignore[union-attr]
    return pages, float(w) / 72 * 25.4, float(h) / 72 * 25.4


def cards_pdf(db: Database, tmp: Path, layout: str, **kw: object) -> tuple[Path, list[str]]:
    s = seed(db, **kw)  # type: ignore[arg-type]
    with db.connect(write=False) as conn:
        batch = load_cards(conn, union_name=s.union_name)
    out = tmp / f"cards-{layout}.pdf"
    warnings = render_cards(batch.records, out, layout=layout)
    return out, [r.payload for r in batch.records] + [w.message for w in warnings]


def test_single_layout_text_fonts_and_every_qr(db: Database, tmp_path: Path) -> None:
    out, payloads = cards_pdf(db, tmp_path, "single", count=3)
    pages, w, h = info(out)
    assert pages == 6  # front and back per card
    assert abs(w - 85.60) < 0.5 and abs(h - 53.98) < 0.5
    body = pdf_text(out)
    for i in range(3):
        assert f"测试会员{i}" in body and f"SZ2026TEST{i:05d}" in body
    assert "蛇口联合工会" in body and "粤海街道总工会" in body
    assert "使用须知" in body.replace(" ", "")
    for i, payload in enumerate(payloads[:3]):
        top = geo.CARD_H_MM - QR_Y - QR_SIZE
        assert decode_qr(out, 2 * i + 1, QR_X, top, QR_SIZE, tmp_path) == payload


def test_only_embedded_subset_fonts(db: Database, tmp_path: Path) -> None:
    out, _ = cards_pdf(db, tmp_path, "sheet", count=2)
    lines = run("pdffonts", str(out)).splitlines()[2:]
    assert len(lines) >= 2  # Latin and CJK faces
    for line in lines:
        cols = line.split()
        assert cols[-5:-3] == ["yes", "yes"], line  # emb, sub
        assert "+" in cols[0], line  # subset tag ABCDEF+Name
    assert not any("STSong" in line or "Helvetica" in line for line in lines)


def test_sheet_qr_codes_decode_in_their_slots(db: Database, tmp_path: Path) -> None:
    out, payloads = cards_pdf(db, tmp_path, "sheet", count=12)
    pages, w, h = info(out)
    assert pages == 4 and abs(w - 210) < 0.5 and abs(h - 297) < 0.5
    for i, payload in enumerate(payloads[:12]):
        page, slot = divmod(i, geo.PER_SHEET)
        r = geo.slot_rect(slot)
        x_mm = r.x / geo.mm + QR_X
        top_mm = 297 - (r.y / geo.mm + QR_Y + QR_SIZE)
        assert decode_qr(out, 2 * page + 1, x_mm, top_mm, QR_SIZE, tmp_path) == payload


def _render(out: Path, page: int, tmp: Path) -> Image.Image:
    return Image.open(render_png(out, page, tmp / f"page{page}")).convert("RGB")


def test_drawn_card_and_crop_mark_positions_match_the_spec(db: Database, tmp_path: Path) -> None:
    out, _ = cards_pdf(db, tmp_path, "sheet", count=10)
    img = _render(out, 1, tmp_path)
    tol = px(0.5)
    # Crop marks: dark columns in the top margin sit on the cut lines.
    band_y = px((297 - 5 * 53.98) / 2 - 4.5)
    dark = [x for x in range(img.width) if sum(img.getpixel((x, band_y))) < 200]
    groups: list[list[int]] = []
    for x in dark:
        if groups and x - groups[-1][-1] <= 2:
            groups[-1].append(x)
        else:
            groups.append([x])
    centres = [sum(g) / len(g) for g in groups]
    expected = [px((210 - 171.2) / 2 + c * 85.6) for c in range(3)]
    assert len(centres) == 3
    for got, want in zip(centres, expected, strict=True):
        assert abs(got - want) <= tol, (got, want)
    # The red header of the top-left card starts at the card's left and top edges.
    y = px((297 - 5 * 53.98) / 2 + 3)
    reds = [
        x
        for x in range(img.width // 2)
        if (lambda p: p[0] > 150 and p[1] < 60 and p[2] < 60)(img.getpixel((x, y)))
    ]
    assert abs(reds[0] - px((210 - 171.2) / 2)) <= tol
    x = px((210 - 171.2) / 2 + 40)
    reds_y = [
        yy for yy in range(px(40)) if (lambda p: p[0] > 150 and p[1] < 60)(img.getpixel((x, yy)))
    ]
    assert abs(reds_y[0] - px((297 - 5 * 53.98) / 2)) <= tol


def test_back_page_is_mirrored(db: Database, tmp_path: Path) -> None:
    out, _ = cards_pdf(db, tmp_path, "sheet", count=1)
    front, back = _render(out, 1, tmp_path), _render(out, 2, tmp_path)
    y = px((297 - 5 * 53.98) / 2 + 3)
    left_x, right_x = px(19.4 + 40), px(19.4 + 85.6 + 40)
    assert front.getpixel((left_x, y))[1] < 60  # red header on the left (card 1)
    assert front.getpixel((right_x, y)) == (255, 255, 255)  # slot 2 empty
    body = run("pdftotext", "-f", "2", "-l", "2", "-layout", str(out), "-")
    assert "发证单位" in body
    # The only back is on the right half of the sheet.
    prefix = tmp_path / "half"
    run(
        "pdftotext",
        "-f",
        "2",
        "-l",
        "2",
        "-x",
        "0",
        "-y",
        "0",
        "-W",
        str(px(105)),
        "-H",
        str(px(297)),
        "-r",
        str(DPI),
        str(out),
        str(prefix) + ".txt",
    )
    assert "发证单位" not in (tmp_path / "half.txt").read_text("utf-8")
    assert back.size == front.size


def test_photo_missing_or_unreadable_gives_placeholder_and_warning(
    db: Database, tmp_path: Path
) -> None:
    s = seed(db, 4, photos=True)
    with db.connect() as conn:
        conn.execute(text("UPDATE attachments SET data = :d"), {"d": b"not a jpeg"})
        conn.execute(
            text("UPDATE members SET photo = :h WHERE id = :i"),
            {"h": "f" * 64, "i": s.members[1]["id"]},
        )
    with db.connect(write=False) as conn:
        batch = load_cards(conn, union_name=s.union_name)
    warnings = render_cards(batch.records, tmp_path / "p.pdf", layout="single")
    messages = [w.message for w in warnings]
    assert any("测试会员0" in m and "无法读取" in m for m in messages)
    assert any("测试会员1" in m and "缺失" in m for m in messages)
    assert not any("测试会员3" in m for m in messages)  # no photo at all: no warning
    assert "照片" in pdf_text(tmp_path / "p.pdf")  # placeholder label drawn
    assert PHOTO[2] > 0


def test_long_names_fit_and_rare_characters_are_refused_by_name(
    db: Database, tmp_path: Path
) -> None:
    s = seed(db, 2, names=["阿卜杜热合曼·买买提艾力江·库尔班", "王𠮷"], union_name=LONG_UNION)
    with db.connect(write=False) as conn:
        batch = load_cards(conn, union_name=s.union_name)
    with pytest.raises(UnionDeskError) as err:
        render_cards(batch.records, tmp_path / "x.pdf")
    assert "王𠮷" in err.value.message and "𠮷" in err.value.message
    assert not (tmp_path / "x.pdf").exists()
    render_cards(batch.records, tmp_path / "x.pdf", allow_missing_glyphs=True)
    body = pdf_text(tmp_path / "x.pdf").replace("\n", "")
    assert "王〓" in body  # visibly marked, never an empty box
    assert "阿卜杜热合曼" in body


def test_no_members_selected_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    seed(db, 1)
    with db.connect(write=False) as conn:
        with pytest.raises(UnionDeskError, match="没有选择会员"):
            load_cards(conn)
        with pytest.raises(UnionDeskError, match="找不到名为"):
            load_cards(conn, union_name="不存在的工会")
    with pytest.raises(UnionDeskError, match="没有选择会员"):
        render_cards([], tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


LONG_NAMES = [
    "工" * 50,  # the longest name the registry accepts (50 characters), all full-width
    "Maximilian Alexander Christopher Montgomery-Smiths",
    "阿卜杜热合曼·买买提艾力·库尔班江·艾合买提·吐尔逊·阿不都拉·热合曼",
]


@pytest.mark.parametrize("name", LONG_NAMES)
def test_a_50_character_name_wraps_at_a_readable_size_inside_its_box(
    db: Database, tmp_path: Path, name: str
) -> None:
    s = seed(db, 1, names=[name])
    with db.connect(write=False) as conn:
        batch = load_cards(conn, union_name=s.union_name)
    out = tmp_path / "long.pdf"
    render_cards(batch.records, out, layout="single")
    pt = 72 / 25.4
    name_words = [w for w in pdf_words(out, 1) if w[0] and set(w[0]) <= set(name)]
    assert "".join(w[0] for w in name_words) == name.replace(" ", "")
    left, right = geo.CARD_H_MM, 0.0
    for text_, x0, top, x1, bottom in name_words:
        height = bottom - top
        assert height >= 5.9, (text_, height)  # ≥ 6 pt: readable, never ~4 pt
        if set(text_) == {"工"}:
            # Full-width characters keep their square shape (no horizontal squeeze).
            assert (x1 - x0) / len(text_) >= 0.9 * height, (text_, x1 - x0, height)
        left, right = min(left, x0 / pt), max(right, x1 / pt)
        # Below the red header, above the 会员证号 label, beside the photo, before the QR.
        assert top / pt >= geo.CARD_H_MM - 43.0 + 0.3, text_
        assert bottom / pt <= geo.CARD_H_MM - 29.8, text_
    assert left >= PHOTO[0] + PHOTO[2] and right <= QR_X - 0.5
    if " " in name:  # Latin names break between words, never inside one
        lines = [w[0] for w in name_words]
        assert all(part in name.split(" ") for part in lines), lines
