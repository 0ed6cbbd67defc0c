"""救助金领取签收表: one assistance batch (2026年春节送温暖) as a sheet each recipient signs.

Rows come from ``services.care.assistance.batch_lines`` (name, union, kind, amount,
source; no ID number), 16 to a page, each page with the batch header, a page total and
第 x 页 共 y 页; the last page carries the batch total and the signatures of the
handler, the reviewer and the person in charge.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import MissingGlyphsError, fonts
from desktop.printing.forms.grid import L, Sheet, V
from desktop.private_files import create_private
from desktop.services.care.assistance import BatchLine, batch_lines
from desktop.services.unions import federations
from desktop.storage.database import Database

TITLE = "救助金领取签收表"
ROWS_PER_PAGE = 16
COLUMNS = (
    ("序号", 10),
    ("姓名", 20),
    ("所属工会", 36),
    ("救助类别", 18),
    ("金额（元）", 18),
    ("领取人签名", 22),
)


@dataclass(frozen=True)
class ReceiptData:
    batch: str
    federation_name: str
    lines: tuple[BatchLine, ...]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def handlers(self) -> str:
        """经办人: who recorded the batch's lines (blank when nobody was named)."""
        return "、".join(dict.fromkeys(line.handler for line in self.lines if line.handler))


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def load(db: Database, batch: str) -> ReceiptData:
    lines = batch_lines(db, batch)
    with db.connect(write=False) as conn:
        # 发放单位: this office's own federation (an upper office holds others too)
        own = federations.details_in(conn)
    return ReceiptData(batch, own.name if own is not None else "", tuple(lines))


def pages_for(count: int) -> int:
    return max(1, -(-count // ROWS_PER_PAGE))


def draw(canvas: Canvas, d: ReceiptData) -> None:
    font_set = fonts()
    pages = pages_for(len(d.lines))
    sources = "、".join(dict.fromkeys(line.fund_source_label for line in d.lines))
    for page in range(pages):
        sheet = Sheet(canvas, font_set)
        sheet.title(TITLE, f"发放批次：{d.batch}")
        sheet.rows(
            [[L("发放单位", 20), V(d.federation_name, 50), L("资金来源", 20), V(sources, 34)]], h=10
        )
        sheet.gap(3)
        sheet.rows([[L(name, w) for name, w in COLUMNS]], h=9)
        chunk = d.lines[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        body = [
            [
                V(str(i), COLUMNS[0][1], "center"),
                V(line.member_name, COLUMNS[1][1]),
                V(line.union_name, COLUMNS[2][1]),
                V(line.kind_label, COLUMNS[3][1], "center"),
                V(yuan(line.amount_fen), COLUMNS[4][1], "center"),
                V("", COLUMNS[5][1]),
            ]
            for i, line in enumerate(chunk, start=page * ROWS_PER_PAGE + 1)
        ]
        sheet.rows(body, h=10.5)
        sheet.gap(4)
        page_total = sum(line.amount_fen for line in chunk)
        sheet.line_text(f"本页小计：{yuan(page_total)} 元（{len(chunk)} 人）", 10)
        if page == pages - 1:
            sheet.line_text(f"合计：{yuan(d.total_fen)} 元，共 {len(d.lines)} 人", 10.5)
            sheet.gap(6)
            handler = d.handlers[:20]
            pad = " " * max(4, 18 - 2 * len(handler))
            sheet.line_text(f"经办人：{handler}{pad}审核人：" + " " * 18 + "负责人：", 10.5)
        footer = f"第 {page + 1} 页  共 {pages} 页"
        sheet.c.setFillGray(0.4)
        sheet.text(sheet.x0 + sheet.inner - font_set.width(footer, 8), 10 * mm, footer, 8)
        sheet.c.setFillGray(0)
        canvas.showPage()


def render_receipt(
    db: Database, batch: str, out: str | os.PathLike[str], *, allow_missing_glyphs: bool = False
) -> ReceiptData:
    """Write the batch's receipt as an A4 PDF (owner-only file, replaced atomically);
    characters no font has stop it, unless ``allow_missing_glyphs`` (drawn as 〓)."""
    data = load(db, batch)
    font_set = fonts()
    missing = font_set.missing_chars("".join(x.member_name + x.union_name for x in data.lines))
    if missing and not allow_missing_glyphs:
        raise MissingGlyphsError(
            f"签收表中有字体缺少的字：{'、'.join(missing)}，打印出来会是空白，已停止。"
            "请安装含这些字的 TrueType 字体后重试，或选择用〓标出缺字继续打印。",
            missing,
        )
    final = Path(out)
    tmp = create_private(final.with_name(final.name + ".part"))
    canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1, initialFontName=font_set.latin.name)
    canvas.setTitle(TITLE)
    canvas.setCreator("工会桌面通 UnionDesk")
    try:
        draw(canvas, data)
        canvas.save()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, final)
    from desktop.services import audit

    audit.printed(db, TITLE, final, subject=f"{len(data.lines)} 人")
    return data
