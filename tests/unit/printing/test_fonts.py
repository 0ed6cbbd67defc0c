"""Font coverage: bundled faces, fallback faces, and missing characters reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.printing.fonts import MISSING_MARK, Face, FontSet, fonts, has_glyph, missing_chars

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_bundled_faces_cover_names_digits_and_punctuation() -> None:
    for char in "张王欧阳娜·0123456789ABCXYZ：（）—":
        assert has_glyph(char), char
    assert missing_chars("粤海街道总工会 SZ2026") == []


def test_char_beyond_the_bmp_is_reported_not_dropped() -> None:
    assert not has_glyph("𠮷")
    f = fonts()
    if f.face_for("𠮷") is None:  # no fallback face on this machine
        assert missing_chars("王𠮷") == ["𠮷"]
        assert f.runs("王𠮷") == [(f.cjk_name, "王" + MISSING_MARK)]


def test_fallback_face_draws_what_the_bundled_faces_lack() -> None:
    if not DEJAVU.is_file():
        pytest.skip("DejaVuSans.ttf not installed")
    base = fonts()
    font = TTFont("TestFallbackDejaVu", str(DEJAVU))
    pdfmetrics.registerFont(font)
    extra = Face("TestFallbackDejaVu", DEJAVU, frozenset(font.face.charToGlyph))
    with_fallback = FontSet(base.latin, base.cjk, (extra,))
    without = FontSet(base.latin, base.cjk, ())
    assert without.missing_chars("王∯") == ["∯"]
    assert with_fallback.missing_chars("王∯") == []
    assert with_fallback.runs("王∯") == [("UDSans", "王"), ("TestFallbackDejaVu", "∯")]
