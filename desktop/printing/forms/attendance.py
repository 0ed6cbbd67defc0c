"""活动签到表: one row per recorded attendee, then blank rows, over as many pages as needed.

Each page repeats the activity header and column heads (a sheet passed round a room is
read page by page) and carries 第 x 页 共 y 页, so loose pages can be put back in order.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FontSet
from desktop.printing.forms.data import AttendanceFormData, AttendeeRow
from desktop.printing.forms.grid import L, Sheet, V

ROWS_PER_PAGE = 18
MIN_BLANK_ROWS = 5
COLUMNS = (
    ("序号", 10),
    ("姓名", 22),
    ("所属工会", 44),
    ("会员证号", 30),
    ("联系电话", 24),
    ("本人签名", 26),
)


def pages_for(count: int) -> int:
    """Pages for ``count`` attendees plus at least MIN_BLANK_ROWS blank rows."""
    return max(1, -(-(count + MIN_BLANK_ROWS) // ROWS_PER_PAGE))


def draw_attendance(canvas: Canvas, fonts: FontSet, d: AttendanceFormData) -> None:
    rows: list[AttendeeRow | None] = list(d.attendees)
    pages = pages_for(len(rows))
    rows += [None] * (pages * ROWS_PER_PAGE - len(rows))
    for page in range(pages):
        sheet = Sheet(canvas, fonts)
        sheet.title("活动签到表")
        sheet.rows(
            [
                [L("活动名称", 18), V(d.title, 102)],
                [L("活动时间", 18), V(d.when, 50), L("主办", 14), V(d.organiser, 38)],
                [L("活动地点", 18), V(d.place, 102)],
            ],
            h=10,
        )
        sheet.gap(3)
        sheet.rows([[L(name, w) for name, w in COLUMNS]], h=9)
        chunk = rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        body = []
        for i, row in enumerate(chunk, start=page * ROWS_PER_PAGE + 1):
            values = (
                ("", "", "", "", "")
                if row is None
                else (row.name, row.union_name, row.card_no, row.phone, "")
            )
            body.append(
                [V(str(i), COLUMNS[0][1], "center")]
                + [
                    V(v, w, "center" if k != 1 else "left")
                    for k, (v, (_, w)) in enumerate(zip(values, COLUMNS[1:], strict=True))
                ]
            )
        sheet.rows(body, h=10)
        sheet.gap(5)
        sheet.line_text(f"实到人数：{' ' * 14}人        记录人：{' ' * 20}", 10)
        footer = f"第 {page + 1} 页  共 {pages} 页"
        if d.federation_name:
            footer = f"{d.federation_name}    {footer}"
        sheet.c.setFillGray(0.4)
        sheet.text(sheet.x0 + sheet.inner - fonts.width(footer, 8), 10 * mm, footer, 8)
        sheet.c.setFillGray(0)
        canvas.showPage()
