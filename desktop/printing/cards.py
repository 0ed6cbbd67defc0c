"""工会会员卡: ISO/IEC 7810 ID-1 cards, one per page or 10-up on A4 with crop marks.

What is the same on every card (header band, labels, the whole back) is drawn once per
document as a PDF form XObject and placed by reference: a 1000-card file then carries
only the names, numbers and QR paths, which keeps it small and fast to write.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.errors import UnionDeskError
from desktop.printing import geometry as geo
from desktop.printing.fonts import FontSet, MissingGlyphsError, fonts
from desktop.printing.photos import decode_photo, draw_photo, draw_placeholder
from desktop.printing.qr import draw_qr
from desktop.printing.records import CardRecord, PrintWarning
from desktop.printing.textfit import draw_fit, fit_text
from desktop.private_files import create_private

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
LAYOUTS = ("single", "sheet")
RED = (0.70, 0.07, 0.11)
INK = (0.13, 0.13, 0.13)
GREY = (0.42, 0.42, 0.42)
USAGE_LINES = (
    "1. 本卡是工会会员身份凭证，限本人使用，不得转借。",
    "2. 凭本卡可在本会及所属职工服务站、职工之家享受会员服务。",
    "3. 会籍转出或退会时，请将本卡交回所在基层工会。",
    "4. 遗失请及时向所在基层工会或发证单位挂失补办。",
    "5. 扫描正面二维码可核验本卡真伪。",
)
# Front layout, millimetres from the card's bottom-left corner.
HEADER_H = 11.0
PHOTO = (4.0, 14.0, 19.0, 25.0)
TEXT_X, TEXT_W = 26.0, 31.0
QR_X, QR_Y, QR_SIZE = 58.6, 14.0, 24.0
UNION_X, UNION_Y_TOP, UNION_W, UNION_H = 17.0, 11.0, 64.6, 8.0
# The name: up to four lines, never below 6 pt (a 50-character name, the longest the
# registry takes, needs four lines at 6.6 pt). Short names sit at NAME_TOP as before; a
# block of three or four lines grows upward, under the header, down to NAME_BOTTOM (the
# 会员证号 label starts below it).
NAME_TOP, NAME_BOTTOM, NAME_MAX_TOP = 39.5, 30.8, 41.6


class PrintCancelled(UnionDeskError):
    """The clerk cancelled; no file was written."""

    def __init__(self) -> None:
        super().__init__("已取消打印，没有生成文件。")


def glyph_problems(records: Sequence[CardRecord], font_set: FontSet) -> list[PrintWarning]:
    """Members whose printed texts hold characters no available font can draw."""
    problems: list[PrintWarning] = []
    for rec in records:
        missing = font_set.missing_chars(rec.name + rec.union_name + rec.federation_name)
        if missing:
            problems.append(
                PrintWarning(
                    rec.member_id,
                    f"会员「{rec.name}」的姓名或单位中有字体缺少的字：{'、'.join(missing)}",
                )
            )
    return problems


def missing_glyph_error(problems: Sequence[PrintWarning]) -> MissingGlyphsError:
    listed = "；".join(p.message for p in problems[:5])
    more = f"（另有 {len(problems) - 5} 人）" if len(problems) > 5 else ""
    return MissingGlyphsError(
        f"{listed}{more}。这些字打印出来会是空白，已停止。请在本机安装含这些字的 TrueType "
        "字体（如 Windows 的 SimSun-ExtB「simsunb.ttf」）后重试，或选择用〓标出缺字继续打印。",
        [p.message for p in problems],
    )


class _CardPainter:
    """Draws fronts and backs; owns the per-document form XObjects."""

    def __init__(self, canvas: Canvas, font_set: FontSet) -> None:
        self.c = canvas
        self.f = font_set
        self._forms: dict[tuple[str, str], str] = {}

    def _form(self, kind: str, federation: str) -> str:
        key = (kind, federation)
        name = self._forms.get(key)
        if name is None:
            name = f"{kind}{len(self._forms)}"
            self.c.beginForm(name, lowerx=0, lowery=0, upperx=geo.CARD_W, uppery=geo.CARD_H)
            if kind == "front":
                self._static_front(federation)
            elif kind == "back":
                self._static_back(federation)
            else:
                draw_placeholder(self.c, self.f, *(v * mm for v in PHOTO))
            self.c.endForm()
            self._forms[key] = name
        return name

    def _static_front(self, federation: str) -> None:
        c, f = self.c, self.f
        c.setFillColorRGB(*RED)
        c.rect(0, geo.CARD_H - HEADER_H * mm, geo.CARD_W, HEADER_H * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        title = "会员卡"
        tw = f.width(title, 9)
        c.setFillColorRGB(1, 0.86, 0.45)
        f.draw(c, geo.CARD_W - 4 * mm - tw, geo.CARD_H - 7 * mm, title, 9)
        c.setFillColorRGB(1, 1, 1)
        fit = fit_text(
            f, federation, geo.CARD_W - 12 * mm - tw, 11, 6, max_lines=2, max_h=(HEADER_H - 2) * mm
        )
        block = fit.size * 1.15 * len(fit.lines)
        draw_fit(c, f, fit, 4 * mm, geo.CARD_H - (HEADER_H * mm - block) / 2 - 0.3 * mm)
        c.setFillColorRGB(*GREY)
        for label, y in (("会员证号", 28.0), ("入会日期", 20.5)):
            f.draw(c, TEXT_X * mm, y * mm, label, 5.5)
        f.draw(c, 4 * mm, (UNION_Y_TOP - 3.2) * mm, "所属工会", 6)
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(0.4)
        c.line(4 * mm, 12.4 * mm, geo.CARD_W - 4 * mm, 12.4 * mm)

    def _static_back(self, federation: str) -> None:
        c, f = self.c, self.f
        c.setFillColorRGB(*RED)
        title = "使 用 须 知"
        f.draw(c, (geo.CARD_W - f.width(title, 9)) / 2, geo.CARD_H - 9 * mm, title, 9)
        c.setFillColorRGB(*INK)
        y = geo.CARD_H - 15 * mm
        for line in USAGE_LINES:
            fit = fit_text(f, line, geo.CARD_W - 10 * mm, 6.5, 4.5)
            draw_fit(c, f, fit, 5 * mm, y + fit.size)
            y -= 4.6 * mm
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(0.4)
        c.line(5 * mm, 11 * mm, geo.CARD_W - 5 * mm, 11 * mm)
        c.setFillColorRGB(*INK)
        fit = fit_text(
            f, f"发证单位：{federation}", geo.CARD_W - 10 * mm, 8, 5, max_lines=2, max_h=7 * mm
        )
        draw_fit(c, f, fit, 5 * mm, 9.5 * mm, align="center", box_w=geo.CARD_W - 10 * mm)

    def front(self, rec: CardRecord, warnings: list[PrintWarning]) -> None:
        c, f = self.c, self.f
        c.doForm(self._form("front", rec.federation_name))
        image = decode_photo(rec.photo)
        if image is not None:
            draw_photo(c, image, *(v * mm for v in PHOTO))
        else:
            c.doForm(self._form("placeholder", ""))
            if rec.has_photo_ref:
                why = "照片文件缺失" if rec.photo is None else "照片无法读取"
                warnings.append(
                    PrintWarning(rec.member_id, f"会员「{rec.name}」{why}，已用占位图代替。")
                )
                log.warning("card photo unusable (%s): member %s", why, rec.member_id)
        c.setFillColorRGB(*INK)
        fit = fit_text(
            f, rec.name, TEXT_W * mm, 15, 6, max_lines=4, max_h=(NAME_MAX_TOP - NAME_BOTTOM) * mm
        )
        block = fit.size * 1.15 * len(fit.lines)
        draw_fit(c, f, fit, TEXT_X * mm, max(NAME_TOP * mm, NAME_BOTTOM * mm + block))
        fit = fit_text(f, rec.card_no, TEXT_W * mm, 9, 5)
        draw_fit(c, f, fit, TEXT_X * mm, 27.2 * mm)
        joined = rec.joined_on.strftime("%Y年%m月%d日") if rec.joined_on else "—"
        fit = fit_text(f, joined, TEXT_W * mm, 9, 5)
        draw_fit(c, f, fit, TEXT_X * mm, 19.7 * mm)
        fit = fit_text(f, rec.union_name, UNION_W * mm, 8.5, 5, max_lines=2, max_h=UNION_H * mm)
        top = UNION_Y_TOP * mm if len(fit.lines) > 1 else (UNION_Y_TOP - 2.2) * mm + fit.size * 0.5
        draw_fit(c, f, fit, UNION_X * mm, top)
        draw_qr(c, rec.payload, QR_X * mm, QR_Y * mm, QR_SIZE * mm)

    def back(self, rec: CardRecord) -> None:
        self.c.doForm(self._form("back", rec.federation_name))


def _crop_marks(c: Canvas) -> None:
    c.saveState()
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.25)
    for x1, y1, x2, y2 in geo.crop_marks():
        c.line(x1, y1, x2, y2)
    c.restoreState()


def render_cards(
    records: Sequence[CardRecord],
    out: str | os.PathLike[str] | BinaryIO,
    *,
    layout: str = "sheet",
    allow_missing_glyphs: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> list[PrintWarning]:
    """Write the cards' PDF to ``out``; returns warnings (photos, missing glyphs).

    A path is written through a temporary file and renamed at the end, so a cancelled
    or failed run never leaves half a PDF where the clerk expects a finished one.
    """
    if layout not in LAYOUTS:
        raise UnionDeskError(f"版式「{layout}」无效，应为 single（单卡）或 sheet（A4 十卡）。")
    if not records:
        raise UnionDeskError("没有选择会员：请先在名单中勾选要制卡的会员。")
    font_set = fonts()
    warnings = glyph_problems(records, font_set)
    if warnings and not allow_missing_glyphs:
        raise missing_glyph_error(warnings)
    target: str | BinaryIO
    tmp: Path | None = None
    if isinstance(out, str | os.PathLike):
        final = Path(out)
        tmp = create_private(final.with_name(final.name + ".part"))  # 0600: personal data
        target = str(tmp)
    else:
        target = out
    pagesize = (geo.CARD_W, geo.CARD_H) if layout == "single" else (geo.PAGE_W, geo.PAGE_H)
    canvas = Canvas(
        target, pagesize=pagesize, pageCompression=1, initialFontName=font_set.latin.name
    )
    canvas.setTitle("工会会员卡")
    canvas.setCreator("工会桌面通 UnionDesk")
    painter = _CardPainter(canvas, font_set)
    total = len(records)
    try:
        if layout == "single":
            for i, rec in enumerate(records):
                if cancelled is not None and cancelled():
                    raise PrintCancelled()
                painter.front(rec, warnings)
                canvas.showPage()
                painter.back(rec)
                canvas.showPage()
                if progress is not None:
                    progress(i + 1, total, f"会员卡 {i + 1}/{total}")
        else:
            for start in range(0, total, geo.PER_SHEET):
                if cancelled is not None and cancelled():
                    raise PrintCancelled()
                chunk = records[start : start + geo.PER_SHEET]
                for back in (False, True):
                    for i, rec in enumerate(chunk):
                        slot = geo.slot_rect(i, back=back)
                        canvas.saveState()
                        canvas.translate(slot.x, slot.y)
                        if back:
                            painter.back(rec)
                        else:
                            painter.front(rec, warnings)
                        canvas.restoreState()
                    _crop_marks(canvas)
                    canvas.showPage()
                if progress is not None:
                    done = start + len(chunk)
                    progress(done, total, f"会员卡 {done}/{total}")
        canvas.save()
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    if tmp is not None:
        os.replace(tmp, final)
    return warnings
