"""会籍转接单: a counterfoil kept by the issuing union and the letter the member carries,
split by a dashed cut line with a seam-stamp (骑缝章) mark, as on the paper pads."""

from __future__ import annotations

from reportlab.lib.units import mm

from desktop.printing.forms.data import TransferFormData
from desktop.printing.forms.grid import L, Sheet, V
from desktop.printing.qr import draw_qr

QR_SIZE_MM = 30.0


def _grid(sheet: Sheet, d: TransferFormData) -> None:
    m = d.member
    sheet.rows(
        [
            [
                L("会员姓名", 18),
                V(m.name, 30),
                L("性别", 14),
                V(m.gender, 14, "center"),
                L("会员证号", 18),
                V(m.card_no, 36),
            ],
            [L("身份证号", 18), V(m.id_number, 58), L("入会日期", 18), V(m.joined_on, 36)],
            [L("转出工会", 18), V(d.from_union, 112)],
            [L("转入工会", 18), V(d.to_union, 112)],
            [L("转接日期", 18), V(d.transferred_on, 40), L("转接原因", 18), V(d.reason, 54)],
        ],
        h=10,
    )


def _qr_row(sheet: Sheet, payload: str) -> None:
    """The signed QR at the right, what it is for at the left (the receiving clerk reads
    it with the scanner to pre-fill the transfer-in; the signature shows it unaltered)."""
    size = QR_SIZE_MM * mm
    draw_qr(sheet.c, payload, sheet.x0 + sheet.inner - size, sheet.y - size, size)
    y = sheet.y - 6 * mm
    for line in (
        "转入工会可扫描右侧二维码，在工会桌面通中预填转入信息。",
        "二维码由转出工会签名，内容被涂改即无法通过核验；",
        "二维码不含身份证号，办理时请核对本人身份证。",
    ):
        sheet.text(sheet.x0, y, line, 9.5)
        y -= 6 * mm
    sheet.y -= size + 2 * mm


def draw_transfer(sheet: Sheet, d: TransferFormData) -> None:
    slip = d.slip_no or " " * 16
    sheet.title("工会会员会籍转接单（存根）", f"编号：{slip}")
    _grid(sheet, d)
    sheet.gap(3)
    handler = d.operator[:20] if d.operator else ""
    pad = " " * max(4, 30 - 2 * len(handler))
    sheet.line_text(f"经办人：{handler}{pad}开具日期：" + " " * 10 + "年     月     日", 10)
    # Cut line with the seam-stamp circle across it.
    y = sheet.y - 16 * mm
    c = sheet.c
    c.saveState()
    c.setDash(4, 3)
    c.line(sheet.x0 - 8 * mm, y, sheet.x0 + sheet.inner + 8 * mm, y)
    c.setStrokeGray(0.6)
    c.circle(sheet.x0 + sheet.inner / 2, y, 12 * mm, stroke=1, fill=0)
    c.restoreState()
    c.setFillGray(0.5)
    sheet.text(sheet.x0 + sheet.inner / 2 - 9 * mm, y + 2 * mm, "（骑缝章）", 8)
    sheet.text(sheet.x0, y + 1.5 * mm, "沿此线剪开", 8)
    c.setFillGray(0)
    sheet.y = y - 14 * mm
    sheet.title("工会会员会籍转接单", f"编号：{slip}")
    sheet.line_text(f"{d.to_union or ' ' * 30}：", 11)
    sheet.line_text("兹有我会会员转入你处，请接转其工会会员组织关系，会籍连续计算。", 11)
    _grid(sheet, d)
    sheet.gap(3)
    if d.qr:
        _qr_row(sheet, d.qr)
    sheet.stamp_boxes(("转出工会", "转入工会（回执）"), h=34 if d.qr else 40)
    sheet.footer("会员转入新单位后，请于一个月内凭本单到转入工会办理接转手续。")
