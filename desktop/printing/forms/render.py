"""Entry point for forms: pick the renderer by name, write the PDF atomically."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop.errors import UnionDeskError
from desktop.printing.fonts import FontSet, MissingGlyphsError, fonts
from desktop.printing.forms.attendance import draw_attendance
from desktop.printing.forms.data import (
    AttendanceFormData,
    HardshipFormData,
    MemberFormData,
    TransferFormData,
)
from desktop.printing.forms.grid import Sheet
from desktop.printing.forms.hardship import draw_hardship
from desktop.printing.forms.member_forms import draw_application, draw_registration
from desktop.printing.forms.transfer import draw_transfer
from desktop.private_files import create_private

FormData = MemberFormData | HardshipFormData | TransferFormData | AttendanceFormData
FORM_TITLES: dict[str, str] = {
    "application": "入会申请书",
    "registration": "会员登记表",
    "hardship": "困难职工登记表",
    "attendance": "活动签到表",
    "transfer": "会籍转接单",
}
_TYPES: dict[str, type] = {
    "application": MemberFormData,
    "registration": MemberFormData,
    "hardship": HardshipFormData,
    "attendance": AttendanceFormData,
    "transfer": TransferFormData,
}


def blank(kind: str) -> FormData:
    """The empty form of ``kind``, for printing blank pads."""
    check_kind(kind)
    value: FormData = _TYPES[kind]()
    return value


def check_kind(kind: str) -> None:
    if kind not in FORM_TITLES:
        names = "、".join(f"{k}（{v}）" for k, v in FORM_TITLES.items())
        raise UnionDeskError(f"没有名为「{kind}」的表格，可选：{names}。")


def _texts(data: FormData) -> str:
    if isinstance(data, AttendanceFormData):
        return data.title + data.place + "".join(r.name + r.union_name for r in data.attendees)
    member = data if isinstance(data, MemberFormData) else data.member
    extra = data.to_union if isinstance(data, TransferFormData) else ""
    return member.name + member.union_name + member.employer + extra


def _draw(canvas: Canvas, font_set: FontSet, kind: str, data: FormData) -> None:
    if isinstance(data, AttendanceFormData):
        draw_attendance(canvas, font_set, data)
        return
    sheet = Sheet(canvas, font_set)
    draws: dict[str, Callable[[Sheet, FormData], None]] = {
        "application": draw_application,  # type: ignore[dict-item]
        "registration": draw_registration,  # type: ignore[dict-item]
        "hardship": draw_hardship,  # type: ignore[dict-item]
        "transfer": draw_transfer,  # type: ignore[dict-item]
    }
    draws[kind](sheet, data)
    canvas.showPage()


def missing_glyphs(data: FormData) -> list[str]:
    """Characters of the form's texts that no available font can draw (asked about
    before printing: they would print blank, or as 〓 when the clerk agrees)."""
    return fonts().missing_chars(_texts(data))


def render_form(
    kind: str,
    data: FormData,
    out: str | os.PathLike[str] | BinaryIO,
    *,
    allow_missing_glyphs: bool = False,
) -> None:
    """Write one form (attendance sheets may take several pages) as an A4 PDF."""
    check_kind(kind)
    if not isinstance(data, _TYPES[kind]):
        raise UnionDeskError(f"「{FORM_TITLES[kind]}」的数据类型不对。")
    font_set = fonts()
    missing = missing_glyphs(data)
    if missing and not allow_missing_glyphs:
        raise MissingGlyphsError(
            f"表格中有字体缺少的字：{'、'.join(missing)}，打印出来会是空白，已停止。"
            "请安装含这些字的 TrueType 字体后重试，或选择用〓标出缺字继续打印。",
            missing,
        )
    tmp: Path | None = None
    target: str | BinaryIO
    if isinstance(out, str | os.PathLike):
        final = Path(out)
        tmp = create_private(final.with_name(final.name + ".part"))  # 0600: personal data
        target = str(tmp)
    else:
        target = out
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font_set.latin.name)
    canvas.setTitle(FORM_TITLES[kind])
    canvas.setCreator("工会桌面通 UnionDesk")
    try:
        _draw(canvas, font_set, kind, data)
        canvas.save()
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    if tmp is not None:
        os.replace(tmp, final)
