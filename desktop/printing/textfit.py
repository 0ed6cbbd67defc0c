"""Shrink-to-fit text: a long name or union never runs out of its box.

Order of remedies: a smaller size down to a legible minimum, then more lines (up to
``max_lines``) at the largest size their height allows, then a horizontal squeeze at the
minimum. The squeeze is the guarantee: whatever the input, the drawn text ends inside
the box. Lines break between Chinese characters and after spaces, hyphens and the
middle dot of transliterated names (阿卜杜·热合曼, Jean-Luc Picard), never inside a
Latin word unless the word alone is wider than the box, and are balanced in width.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FontSet

LEADING = 1.15
# Never at the start of a line (a light 避头 rule): closing marks and separators.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕…·．,.;:?!)]}’”%")
_BREAK_AFTER = frozenset(" ·-/、，；")
_WORD_SEPARATORS = frozenset(" ·•")


@dataclass(frozen=True)
class Fit:
    lines: tuple[str, ...]
    size: float
    scale: float  # horizontal scale, 1.0 = none

    def width(self, fonts: FontSet) -> float:
        return max(fonts.width(_shown(self, line), self.size) for line in self.lines) * self.scale


def _shown(fit: Fit, line: str) -> str:
    """A broken line's trailing space is not drawn (it hangs past the box)."""
    return line.rstrip(" ") if len(fit.lines) > 1 else line


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _break_points(text: str) -> list[int]:
    """Indices before which a line may start (0 and len(text) included).

    Text with word separators (a Latin name, 阿卜杜热合曼·买买提) breaks only after them;
    other Chinese text between any two characters.
    """
    words = any(ch in _WORD_SEPARATORS for ch in text)
    points = [0]
    for i in range(1, len(text)):
        ch, prev = text[i], text[i - 1]
        if ch in _NO_LINE_START or ch == " ":
            continue
        if prev in _BREAK_AFTER or (not words and (_wide(prev) or _wide(ch))):
            points.append(i)
    points.append(len(text))
    return points


class _Wrapper:
    """Greedy line breaking on exact advance widths (per character, at size 1)."""

    def __init__(self, fonts: FontSet, text: str) -> None:
        self.text = text
        self.cw = [fonts.width(ch, 1.0) for ch in text]
        self.points = _break_points(text)
        self._sum = [0.0]
        for w in self.cw:
            self._sum.append(self._sum[-1] + w)
        # _trim[i]: where text[:i] ends without its trailing spaces.
        self._trim = [0]
        for i, ch in enumerate(text, 1):
            self._trim.append(self._trim[-1] if ch == " " else i)

    def _body(self, start: int, end: int) -> float:
        return self._sum[max(start, self._trim[end])] - self._sum[start]

    def wrap(self, limit: float, cut: bool = True) -> list[str] | None:
        """Lines no wider than ``limit``; None when a word would have to be cut between
        characters and ``cut`` is False."""
        text, cw = self.text, self.cw
        lines: list[str] = []
        start = 0
        pts = self.points
        k = 1
        while start < len(text):
            # The furthest break point whose line still fits.
            end = None
            while k < len(pts) and self._body(start, pts[k]) <= limit:
                end = pts[k]
                k += 1
            if end is None:
                # One word wider than the line: cut it between characters.
                if not cut:
                    return None
                end, used = start + 1, cw[start]
                while end < len(text) and used + cw[end] <= limit:
                    used += cw[end]
                    end += 1
                while k < len(pts) and pts[k] <= end:
                    k += 1
            lines.append(text[start:end])
            start = end
        return lines or [text]

    def balanced(self, limit: float, count: int, cut: bool) -> list[str]:
        """The narrowest wrap (≤ ``limit``) that still needs no more than ``count`` lines."""
        best = self.wrap(limit, cut) or [self.text]
        lo, hi = 0.0, limit
        for _ in range(20):
            mid = (lo + hi) / 2
            lines = self.wrap(mid, cut)
            if lines is not None and len(lines) <= count:
                best, hi = lines, mid
            else:
                lo = mid
        return best


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

    With ``max_lines`` > 1 more lines are chosen whenever they allow a larger size than
    fewer; below ``min_size`` the text is squeezed horizontally instead.
    """
    natural = fonts.width(text, max_size)
    if natural <= max_w or not text:
        return Fit((text,), max_size, 1.0)
    one = max_size * max_w / natural
    if max_lines >= 2 and len(text) > 1:
        w = _Wrapper(fonts, text)

        def fits(size: float, cut: bool) -> list[str] | None:
            lines = w.wrap(max_w / size, cut)
            if lines is None or len(lines) > max_lines:
                return None
            if max_h is not None and len(lines) > 1 and len(lines) * LEADING * size > max_h + 1e-6:
                return None
            return lines

        # Whole words first; a word is cut between characters only when nothing else fits.
        for cut in (False, True):
            if fits(min_size, cut) is None:
                continue
            lo, hi = min_size, max_size
            for _ in range(24):
                mid = (lo + hi) / 2
                if fits(mid, cut) is not None:
                    lo = mid
                else:
                    hi = mid
            found = fits(lo, cut)
            if found is not None and len(found) > 1 and lo > one:
                return Fit(tuple(w.balanced(max_w / lo, len(found), cut)), lo, 1.0)
            break
        else:
            if one < min_size:
                # Not even at the minimum: as many lines as the height allows, squeezed.
                room = max_lines if max_h is None else int(max_h / (LEADING * min_size) + 1e-6)
                count = min(max_lines, room)
                if count >= 2:
                    lines = w.balanced(sum(w.cw), count, True)
                    widest = max(fonts.width(line.rstrip(" "), min_size) for line in lines)
                    return Fit(tuple(lines), min_size, min(1.0, max_w / widest))
    if one >= min_size:
        return Fit((text,), one, 1.0)
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
    leading = fit.size * LEADING
    y = y_top - fit.size * 0.88
    for raw in fit.lines:
        line = _shown(fit, raw)
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
