"""Shrink-to-fit text: a long name or union never runs out of its box.

Order of remedies: a smaller size down to a legible minimum, then two lines at that
minimum, then a horizontal squeeze. The squeeze is the guarantee: whatever the input,
the drawn text ends inside the box.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FontSet


@dataclass(frozen=True)
class Fit:
    lines: tuple[str, ...]
    size: float
    scale: float  # horizontal scale, 1.0 = none

    def width(self, fonts: FontSet) -> float:
        return max(fonts.width(line, self.size) for line in self.lines) * self.scale


def _split_two(text: str, fonts: FontSet, size: float) -> tuple[str, str]:
    """Break where the two halves are closest in width."""
    best = (float("inf"), text, "")
    for i in range(1, len(text)):
        a, b = text[:i], text[i:]
        worst = max(fonts.width(a, size), fonts.width(b, size))
        if worst < best[0]:
            best = (worst, a, b)
    return best[1], best[2]


def fit_text(
    fonts: FontSet,
    text: str,
    max_w: float,
    max_size: float,
    min_size: float,
    *,
    max_lines: int = 1,
    max_h: float | None = None,
) -> Fit:
    """The largest size (≤ max_size) at which ``text`` fits ``max_w`` (and ``max_h``).

    With ``max_lines=2`` a two-line break is chosen whenever it allows a larger size than
    one shrunken line; below ``min_size`` the text is squeezed horizontally instead.
    """
    natural = fonts.width(text, max_size)
    if natural <= max_w or not text:
        return Fit((text,), max_size, 1.0)
    one = max_size * max_w / natural
    if max_lines >= 2 and len(text) > 1:
        a, b = _split_two(text, fonts, max_size)
        widest = max(fonts.width(a, max_size), fonts.width(b, max_size))
        two = min(max_size, max_size * max_w / widest)
        if max_h is not None:
            two = min(two, max_h / (2 * 1.15))
        if two > one and two >= min_size:
            return Fit((a, b), two, 1.0)
    if one >= min_size:
        return Fit((text,), one, 1.0)
    if max_lines >= 2 and len(text) > 1 and (max_h is None or 2 * 1.15 * min_size <= max_h):
        a, b = _split_two(text, fonts, min_size)
        widest = max(fonts.width(a, min_size), fonts.width(b, min_size))
        return Fit((a, b), min_size, min(1.0, max_w / widest))
    return Fit((text,), min_size, max_w / fonts.width(text, min_size))


def draw_fit(
    canvas: Canvas,
    fonts: FontSet,
    fit: Fit,
    x: float,
    y_top: float,
    *,
    align: str = "left",
    box_w: float = 0.0,
) -> None:
    """Draw a fitted block whose first line's top is at ``y_top``."""
    leading = fit.size * 1.15
    y = y_top - fit.size * 0.88
    for line in fit.lines:
        w = fonts.width(line, fit.size) * fit.scale
        lx = x
        if align == "center":
            lx = x + (box_w - w) / 2
        elif align == "right":
            lx = x + box_w - w
        if fit.scale != 1.0:
            canvas.saveState()
            canvas.translate(lx, y)
            canvas.scale(fit.scale, 1.0)
            fonts.draw(canvas, 0, 0, line, fit.size)
            canvas.restoreState()
        else:
            fonts.draw(canvas, lx, y, line, fit.size)
        y -= leading
