"""Card and crop-mark geometry against ISO/IEC 7810 ID-1, and shrink-to-fit guarantees."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from desktop.printing import geometry as geo
from desktop.printing.fonts import fonts
from desktop.printing.textfit import fit_text

TOL = 0.5 * mm


def test_card_slots_are_id1_and_tile_the_sheet_without_overlap() -> None:
    rects = [geo.slot_rect(i) for i in range(geo.PER_SHEET)]
    for r in rects:
        assert abs(r.w - 85.60 * mm) < TOL and abs(r.h - 53.98 * mm) < TOL
        assert r.x >= 5 * mm and r.y >= 5 * mm
        assert r.x + r.w <= geo.PAGE_W - 5 * mm and r.y + r.h <= geo.PAGE_H - 5 * mm
    # 2 columns × 5 rows, first card top left, centred on A4.
    assert abs(rects[0].x - (210 - 2 * 85.6) / 2 * mm) < TOL
    assert abs(rects[0].y + rects[0].h - (297 - (297 - 5 * 53.98) / 2) * mm) < TOL
    assert abs(rects[1].x - rects[0].x - 85.6 * mm) < TOL
    assert abs(rects[0].y - rects[2].y - 53.98 * mm) < TOL
    assert len({(round(r.x), round(r.y)) for r in rects}) == 10


def test_back_slots_mirror_left_and_right_for_long_edge_duplex() -> None:
    for i in range(geo.PER_SHEET):
        front, back = geo.slot_rect(i), geo.slot_rect(i, back=True)
        assert abs((front.x + front.w / 2) - (geo.PAGE_W - (back.x + back.w / 2))) < TOL
        assert front.y == back.y


def test_crop_marks_line_up_with_every_cut_and_stay_off_the_cards() -> None:
    marks = geo.crop_marks()
    cuts_x = {round(geo.GRID_X0 + c * geo.CARD_W, 2) for c in range(3)}
    cuts_y = {round(geo.GRID_Y0 + r * geo.CARD_H, 2) for r in range(6)}
    vertical = [m for m in marks if m[0] == m[2]]
    horizontal = [m for m in marks if m[1] == m[3]]
    assert {round(m[0], 2) for m in vertical} == cuts_x
    assert {round(m[1], 2) for m in horizontal} == cuts_y
    grid_top = geo.GRID_Y0 + 5 * geo.CARD_H
    for _x1, y1, _x2, y2 in vertical:
        assert min(y1, y2) >= grid_top + 1.5 * mm or max(y1, y2) <= geo.GRID_Y0 - 1.5 * mm
    for x1, _y1, x2, _y2 in horizontal:
        assert max(x1, x2) <= geo.GRID_X0 - 1.5 * mm or min(x1, x2) >= geo.GRID_X0 + 2 * geo.CARD_W


@pytest.mark.parametrize("text", ["张三", "阿卜杜热合曼·买买提艾力" * 3, "工" * 120, "A" * 300])
@pytest.mark.parametrize("lines", [1, 2])
def test_fit_text_never_exceeds_its_box(text: str, lines: int) -> None:
    f = fonts()
    fit = fit_text(f, text, 30 * mm, 14, 6, max_lines=lines, max_h=9 * mm)
    assert fit.width(f) <= 30 * mm + 0.01
    assert "".join(fit.lines) == text
    assert fit.size >= 6
    if len(fit.lines) == 2:
        assert 2 * 1.15 * fit.size <= 9 * mm + 0.01


def test_short_text_keeps_its_full_size() -> None:
    fit = fit_text(fonts(), "李四", 30 * mm, 14, 6)
    assert fit.size == 14 and fit.scale == 1.0


def test_names_break_between_words_and_at_the_middle_dot_not_inside_them() -> None:
    f = fonts()
    fit = fit_text(f, "阿卜杜热合曼·买买提", 31 * mm, 15, 6, max_lines=4, max_h=10.8 * mm)
    assert fit.lines == ("阿卜杜热合曼·", "买买提") and fit.scale == 1.0
    latin = "Maximilian Alexander Christopher Montgomery-Smiths"
    fit = fit_text(f, latin, 31 * mm, 15, 6, max_lines=4, max_h=10.8 * mm)
    assert "".join(fit.lines) == latin and fit.scale == 1.0
    words = set(latin.replace("-", "- ").split())
    for line in fit.lines:
        assert set(line.replace("-", "- ").split()) <= words, fit.lines


@pytest.mark.parametrize("text", ["工" * 50, "W" * 50, "阿卜杜热合曼·买买提艾力·" * 4])
def test_fifty_characters_take_four_lines_at_six_points_or_more_unsqueezed(text: str) -> None:
    text = text[:50]
    f = fonts()
    fit = fit_text(f, text, 31 * mm, 15, 6, max_lines=4, max_h=10.8 * mm)
    assert fit.size >= 6 and fit.scale == 1.0 and len(fit.lines) <= 4
    assert "".join(fit.lines) == text
    assert fit.width(f) <= 31 * mm + 0.01
    assert len(fit.lines) * 1.15 * fit.size <= 10.8 * mm + 0.01
