"""Ruled-grid drawing for A4 forms: titles, label/value rows, paragraphs, stamp boxes.

Paper forms are grids of boxes with a label in one and the answer in the next; this
module draws exactly that, top-down, with text shrunk (or wrapped to two lines) to stay
inside its box, so a long union name never prints over a ruled line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FontSet
from desktop.printing.textfit import draw_fit, fit_text

PAGE_MARGIN = 18 * mm
LABEL_FILL = 0.94
VALUE_SIZE = 10.5
LABEL_SIZE = 10.0


@dataclass(frozen=True)
class Cell:
    text: str
    w: float  # millimetres
    label: bool = False
    align: str = "center"


def L(text: str, w: float) -> Cell:  # noqa: N802 - reads like the paper form: L(abel)
    return Cell(text, w, label=True)


def V(text: str | None, w: float, align: str = "left") -> Cell:  # noqa: N802
    return Cell(text or "", w, label=False, align=align)


def wrap(fonts: FontSet, text: str, width: float, size: float) -> list[str]:
    """Character-wise wrapping (Chinese has no spaces to break at)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for char in para:
            if line and fonts.width(line + char, size) > width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


PARAGRAPH_LEADING = 1.5
PARAGRAPH_MIN_SIZE = 7.5
CUT_MARK = "……（未完，全文见系统中的记录）"


def fit_paragraph(
    fonts: FontSet, body: str, width: float, height: float
) -> tuple[float, list[str]]:
    """Size and lines of a paragraph box's text: the usual size if it fits, else smaller
    down to a legible minimum; text that still does not fit ends with ``CUT_MARK`` (the
    printout must not look complete when it is not)."""
    size = VALUE_SIZE
    while True:
        room = max(1, int((height + size * 0.5) / (size * PARAGRAPH_LEADING)))
        lines = wrap(fonts, body, width, size)
        if len(lines) <= room:
            return size, lines
        if size <= PARAGRAPH_MIN_SIZE:
            break
        size = max(PARAGRAPH_MIN_SIZE, size - 0.5)
    kept = lines[:room]
    last = kept[-1]
    while last and fonts.width(last + CUT_MARK, size) > width:
        last = last[:-1]
    kept[-1] = last + CUT_MARK
    return size, kept


class Sheet:
    """One A4 page being filled from the top; ``y`` is the next free line (points)."""

    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.c = canvas
        self.f = fonts
        self.width, self.height = canvas._pagesize
        self.x0 = PAGE_MARGIN
        self.inner = self.width - 2 * PAGE_MARGIN
        self.y = self.height - 16 * mm

    def text(self, x: float, y: float, text: str, size: float) -> None:
        self.f.draw(self.c, x, y, text, size)

    def title(self, text: str, sub: str | None = None) -> None:
        size = 18.0
        w = self.f.width(text, size)
        self.text((self.width - w) / 2, self.y - size, text, size)
        self.y -= size + 4 * mm
        if sub:
            self.line_text(sub, 10, align="right")

    def line_text(self, text: str, size: float, align: str = "left") -> None:
        w = self.f.width(text, size)
        x = self.x0 + (self.inner - w if align == "right" else 0)
        if align == "center":
            x = self.x0 + (self.inner - w) / 2
        self.text(x, self.y - size, text, size)
        self.y -= size + 2.5 * mm

    def cell(self, x: float, top: float, w: float, h: float, cell: Cell) -> None:
        c = self.c
        if cell.label:
            c.setFillGray(LABEL_FILL)
            c.rect(x, top - h, w, h, stroke=0, fill=1)
            c.setFillGray(0)
        c.rect(x, top - h, w, h, stroke=1, fill=0)
        if not cell.text:
            return
        pad = 1.5 * mm
        size = LABEL_SIZE if cell.label else VALUE_SIZE
        # Numbers, codes and ordinary names are never broken over lines; long Chinese
        # text (union names, causes) and long names of several words are, up to three
        # lines as the row's height allows at 6 pt (a 50-character name).
        breakable = any(ord(ch) >= 0x2E80 for ch in cell.text) or " " in cell.text
        lines = 3 if len(cell.text) > 10 and breakable else 1
        fit = fit_text(self.f, cell.text, w - 2 * pad, size, 6, max_lines=lines, max_h=h - pad)
        block = fit.size * 1.15 * len(fit.lines)
        ytop = top - (h - block) / 2 - fit.size * 0.08
        draw_fit(c, self.f, fit, x + pad, ytop, align=cell.align, box_w=w - 2 * pad)

    def rows(
        self,
        rows: Sequence[Sequence[Cell]],
        h: float = 10.0,
        side: tuple[float, Callable[[float, float, float, float], None]] | None = None,
    ) -> None:
        """Rows of cells (widths in mm scaled to the page), with an optional side box.

        ``side`` = (width mm, draw(x, y, w, h)) spans all rows on the right (a photo).
        """
        side_w = side[0] * mm if side else 0.0
        avail = self.inner - side_w
        top0 = self.y
        self.c.setLineWidth(0.6)
        for row in rows:
            total = sum(cell.w for cell in row)
            x = self.x0
            for cell in row:
                w = avail * cell.w / total
                self.cell(x, self.y, w, h * mm, cell)
                x += w
            self.y -= h * mm
        if side:
            hh = top0 - self.y
            self.c.rect(self.x0 + avail, self.y, side_w, hh, stroke=1, fill=0)
            side[1](self.x0 + avail, self.y, side_w, hh)

    def paragraph_box(
        self, label: str, body: str, h: float, sign: Sequence[str] = (), label_w: float = 14
    ) -> None:
        """A tall box: label column on the left, text and signature lines on the right."""
        hh = h * mm
        lw = label_w * mm
        c = self.c
        c.setLineWidth(0.6)
        c.setFillGray(LABEL_FILL)
        c.rect(self.x0, self.y - hh, lw, hh, stroke=0, fill=1)
        c.setFillGray(0)
        c.rect(self.x0, self.y - hh, lw, hh, stroke=1, fill=0)
        c.rect(self.x0 + lw, self.y - hh, self.inner - lw, hh, stroke=1, fill=0)
        # Vertical label, one character per line, centred.
        chars = [ch for ch in label if not ch.isspace()]
        size = min(LABEL_SIZE + 1, (hh - 4 * mm) / max(len(chars), 1) / 1.3)
        y = self.y - (hh - len(chars) * size * 1.3) / 2 - size
        for ch in chars:
            self.text(self.x0 + (lw - self.f.width(ch, size)) / 2, y, ch, size)
            y -= size * 1.3
        tx = self.x0 + lw + 3 * mm
        tw = self.inner - lw - 6 * mm
        # room for the signature lines only where there are some (a short 备注 box has none)
        reserve = 20 * mm if sign else 4 * mm
        size, lines = fit_paragraph(self.f, body, tw, hh - reserve)
        y = self.y - 4 * mm - size
        for line in lines:
            self.text(tx, y, line, size)
            y -= size * PARAGRAPH_LEADING
        y = self.y - hh + 4 * mm
        for line in reversed(sign):
            w = self.f.width(line, VALUE_SIZE)
            self.text(self.x0 + self.inner - 8 * mm - w, y, line, VALUE_SIZE)
            y += VALUE_SIZE * 1.9
        self.y -= hh

    def stamp_boxes(self, titles: Sequence[str], h: float = 42) -> None:
        """Side-by-side opinion boxes each with 签字, 盖章 and date lines."""
        hh = h * mm
        w = self.inner / len(titles)
        for i, title in enumerate(titles):
            x = self.x0 + i * w
            self.c.rect(x, self.y - hh, w, hh, stroke=1, fill=0)
            self.text(x + 3 * mm, self.y - 4 * mm - LABEL_SIZE, title, LABEL_SIZE)
            self.c.saveState()
            self.c.setDash(2, 2)
            self.c.setStrokeGray(0.6)
            self.c.circle(x + w - 20 * mm, self.y - hh / 2, 14 * mm, stroke=1, fill=0)
            self.c.restoreState()
            self.c.setFillGray(0.6)
            self.text(x + w - 24 * mm, self.y - hh / 2 - 1.5 * mm, "（盖章）", 8)
            self.c.setFillGray(0)
            self.text(x + 3 * mm, self.y - hh + 13 * mm, "负责人签字：", 9.5)
            self.text(x + w - 40 * mm, self.y - hh + 5 * mm, "年      月      日", 9.5)
        self.y -= hh

    def gap(self, h: float) -> None:
        self.y -= h * mm

    def footer(self, text: str) -> None:
        self.c.setFillGray(0.4)
        size = 8.0
        self.text(self.x0, 10 * mm, text, size)
        self.c.setFillGray(0)
