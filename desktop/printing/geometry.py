"""Card and sheet geometry in points, from the ISO/IEC 7810 ID-1 size in millimetres.

Kept as pure functions so the tests can check positions against the spec to 0.5 mm
without parsing PDFs, and the renderer and the tests use one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

CARD_W_MM = 85.60
CARD_H_MM = 53.98
CARD_W = CARD_W_MM * mm
CARD_H = CARD_H_MM * mm
PAGE_W, PAGE_H = A4
SHEET_COLS = 2
SHEET_ROWS = 5
PER_SHEET = SHEET_COLS * SHEET_ROWS
# Cards abut (one guillotine cut between neighbours), centred on the sheet.
GRID_X0 = (PAGE_W - SHEET_COLS * CARD_W) / 2
GRID_Y0 = (PAGE_H - SHEET_ROWS * CARD_H) / 2
CROP_GAP = 2 * mm  # marks stop short of the card so none shows on a trimmed card
CROP_LEN = 5 * mm


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


def slot_rect(index: int, *, back: bool = False) -> Rect:
    """Where card ``index`` (0–9, row-major from the top left) sits on a sheet.

    Back pages are mirrored left↔right so that, printed duplex with a long-edge flip,
    each back lands behind its own front.
    """
    row, col = divmod(index, SHEET_COLS)
    if back:
        col = SHEET_COLS - 1 - col
    x = GRID_X0 + col * CARD_W
    y = GRID_Y0 + (SHEET_ROWS - 1 - row) * CARD_H
    return Rect(x, y, CARD_W, CARD_H)


def crop_marks() -> list[tuple[float, float, float, float]]:
    """Line segments (x1, y1, x2, y2) in the margins, one pair per cut line."""
    lines: list[tuple[float, float, float, float]] = []
    top = GRID_Y0 + SHEET_ROWS * CARD_H
    right = GRID_X0 + SHEET_COLS * CARD_W
    for c in range(SHEET_COLS + 1):
        x = GRID_X0 + c * CARD_W
        lines.append((x, top + CROP_GAP, x, top + CROP_GAP + CROP_LEN))
        lines.append((x, GRID_Y0 - CROP_GAP, x, GRID_Y0 - CROP_GAP - CROP_LEN))
    for r in range(SHEET_ROWS + 1):
        y = GRID_Y0 + r * CARD_H
        lines.append((GRID_X0 - CROP_GAP, y, GRID_X0 - CROP_GAP - CROP_LEN, y))
        lines.append((right + CROP_GAP, y, right + CROP_GAP + CROP_LEN, y))
    return lines
