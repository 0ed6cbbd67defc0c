"""法律援助申请登记表: the intake form of a legal-aid case, filled from the case.

The applicant signs it at the counter and the union keeps it with the case file. A
member applicant's particulars come from the member record (``load_member``); a
non-member's ID number is left blank to be written by hand (the case does not store
it). ID numbers and phones are masked unless the clerk explicitly asks for the full
numbers (``unmasked``), as on every other form.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop.models.masking import mask_phone
from desktop.printing.fonts import MissingGlyphsError, fonts
from desktop.printing.forms.data import fmt_date, load_member
from desktop.printing.forms.grid import L, Sheet, V
from desktop.private_files import create_private
from desktop.services.legal import cases
from desktop.storage.database import Database

TITLE = "法律援助申请登记表"
PROMISE = (
    "本人承诺所述情况及提供的材料真实，同意工会为办理本案查阅、复制相关材料，"
    "并在必要时与用人单位、劳动争议调解仲裁机构联系。"
)


@dataclass(frozen=True)
class LegalFormData:
    """Every value a printable string; the blank form is the empty dataclass."""

    applicant: str = ""
    member: str = ""  # 是/否
    gender: str = ""
    id_number: str = ""
    phone: str = ""
    union_name: str = ""
    employer: str = ""
    case_type: str = ""
    intake_on: str = ""
    handler: str = ""
    status: str = ""
    summary: str = ""
    outcome: str = ""
    amount: str = ""
    closed_on: str = ""


def load_case(db: Database, case_id: str, *, unmasked: bool = False) -> LegalFormData:
    rec = cases.get_case(db, case_id)
    gender = id_number = union_name = ""
    if rec.member_id is not None:
        with db.connect(write=False) as conn:
            m = load_member(conn, rec.member_id, unmasked=unmasked)
        gender, id_number, union_name = m.gender, m.id_number, m.union_name
    phone = rec.applicant_phone or ""
    return LegalFormData(
        applicant=rec.applicant_name,
        member="是" if rec.is_member else "否",
        gender=gender,
        id_number=id_number,
        phone=phone if unmasked else mask_phone(phone),
        union_name=union_name,
        employer=rec.employer or "",
        case_type=rec.type_label,
        intake_on=fmt_date(rec.intake_on),
        handler=rec.handler or "",
        status=rec.status_label,
        summary=rec.summary or "",
        outcome=rec.outcome_label,
        amount=f"{rec.amount_text} 元" if rec.amount_recovered_fen is not None else "",
        closed_on=fmt_date(rec.closed_on),
    )


def draw_legal(sheet: Sheet, d: LegalFormData) -> None:
    sheet.title(TITLE, f"受理日期：{d.intake_on or ' ' * 24}")
    sheet.rows(
        [
            [
                L("申请人", 16),
                V(d.applicant, 30),
                L("性别", 12),
                V(d.gender, 12, "center"),
                L("是否会员", 16),
                V(d.member, 20, "center"),
            ],
            [L("身份证号", 16), V(d.id_number, 50), L("联系电话", 16), V(d.phone, 24)],
            [L("所属工会", 16), V(d.union_name, 90)],
            [L("用人单位", 16), V(d.employer, 90)],
            [
                L("案件类型", 16),
                V(d.case_type, 30),
                L("承办人", 12),
                V(d.handler, 20),
                L("办理状态", 16),
                V(d.status, 12, "center"),
            ],
        ],
        h=10.5,
    )
    sheet.paragraph_box("案情摘要", d.summary, 52)
    sheet.rows(
        [
            [
                L("结案结果", 16),
                V(d.outcome, 30),
                L("追回金额", 16),
                V(d.amount, 24),
                L("结案日期", 16),
                V(d.closed_on, 24),
            ]
        ],
        h=10.5,
    )
    sheet.paragraph_box(
        "申请人承诺", PROMISE, 34, sign=("申请人签名：" + " " * 16, "年      月      日")
    )
    sheet.gap(3)
    sheet.stamp_boxes(("基层工会意见", "工会法律援助机构意见"), h=40)
    sheet.footer("本表涉及个人信息，仅限法律援助工作使用；办结后随案卷归档。")


def render_legal(data: LegalFormData, out: Path, *, allow_missing_glyphs: bool = False) -> Path:
    """Write the form as an A4 PDF (owner-only while written, then moved into place);
    characters no font has stop it, unless ``allow_missing_glyphs`` (drawn as 〓)."""
    font_set = fonts()
    missing = font_set.missing_chars(
        data.applicant + data.employer + data.summary + data.union_name + data.handler
    )
    if missing and not allow_missing_glyphs:
        raise MissingGlyphsError(
            f"表格中有字体缺少的字：{'、'.join(missing)}，打印出来会是空白，已停止。"
            "请安装含这些字的 TrueType 字体后重试，或选择用〓标出缺字继续打印。",
            missing,
        )
    out = Path(out)
    tmp = create_private(out.with_name(out.name + ".part"))
    canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1, initialFontName=font_set.latin.name)
    canvas.setTitle(TITLE)
    canvas.setCreator("工会桌面通 UnionDesk")
    try:
        draw_legal(Sheet(canvas, font_set), data)
        canvas.showPage()
        canvas.save()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return out


def write_intake_form(
    db: Database,
    case_id: str,
    out: Path,
    *,
    unmasked: bool = False,
    reason: str | None = None,
    allow_missing_glyphs: bool = False,
) -> Path:
    """The intake form of one case, as a PDF at ``out`` (recorded in the audit trail, with
    ``reason`` when full numbers are printed)."""
    from desktop.services import audit

    path = render_legal(
        load_case(db, case_id, unmasked=unmasked), out, allow_missing_glyphs=allow_missing_glyphs
    )
    audit.printed(
        db, "法律援助受理登记表", path, subject=f"案件 {case_id}", unmasked=unmasked, reason=reason
    )
    return path
