"""入会申请书 and 会员登记表: the member's particulars in a ruled grid with a photo box."""

from __future__ import annotations

from reportlab.lib.units import mm

from desktop.printing.forms.data import MemberFormData
from desktop.printing.forms.grid import L, Sheet, V
from desktop.printing.photos import decode_photo, draw_photo

PLEDGE = (
    "本人自愿加入中国工会，承认《中国工会章程》，遵守工会的决议和纪律，"
    "履行会员义务，按期缴纳会费，积极参加工会组织的活动。"
)


def _photo_side(sheet: Sheet, d: MemberFormData) -> tuple[float, object]:
    def draw(x: float, y: float, w: float, h: float) -> None:
        image = decode_photo(d.photo)
        pad = 3 * mm
        if image is not None:
            draw_photo(sheet.c, image, x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        else:
            label = "照片"
            sheet.text(x + (w - sheet.f.width(label, 10)) / 2, y + h / 2 + 2 * mm, label, 10)
            sub = "（一寸免冠）"
            sheet.text(x + (w - sheet.f.width(sub, 8)) / 2, y + h / 2 - 4 * mm, sub, 8)

    return (32.0, draw)


def draw_application(sheet: Sheet, d: MemberFormData) -> None:
    blank_date = f"{' ' * 10}年{' ' * 5}月{' ' * 5}日"
    sheet.title("工会会员入会申请书", f"填表日期：{d.filled_on or blank_date}")
    sheet.rows(
        [
            [L("姓名", 18), V(d.name, 30), L("性别", 16), V(d.gender, 16, "center")],
            [L("出生日期", 18), V(d.birth_date, 30), L("民族", 16), V(d.ethnicity, 16, "center")],
            [L("政治面貌", 18), V(d.political_status, 30), L("学历", 16), V(d.education, 16)],
            [L("身份证号", 18), V(d.id_number, 62)],
        ],
        h=11,
        side=_photo_side(sheet, d),  # type: ignore[arg-type]
    )
    sheet.rows(
        [
            [L("工作单位", 18), V(d.employer, 62), L("岗位", 14), V(d.position, 26)],
            [L("手机号码", 18), V(d.phone, 40), L("户籍类型", 18), V(d.hukou_type, 44)],
            [L("申请加入工会", 18), V(d.union_name, 102)],
        ],
        h=11,
    )
    sheet.paragraph_box(
        "申请人声明", PLEDGE, 52, sign=("申请人签名：" + " " * 16, "年      月      日")
    )
    sheet.paragraph_box(
        "基层工会意见", "", 48, sign=("负责人签字：" + " " * 16 + "（盖章）", "年      月      日")
    )
    sheet.paragraph_box("备注", d.notes, 24)
    sheet.footer("本表一式两份，基层工会和工会联合会各存一份。")


def draw_registration(sheet: Sheet, d: MemberFormData) -> None:
    sheet.title("工会会员登记表", f"会员证号：{d.card_no or ' ' * 24}")
    sheet.rows(
        [
            [L("姓名", 18), V(d.name, 30), L("性别", 16), V(d.gender, 16, "center")],
            [L("出生日期", 18), V(d.birth_date, 30), L("民族", 16), V(d.ethnicity, 16, "center")],
            [L("政治面貌", 18), V(d.political_status, 30), L("学历", 16), V(d.education, 16)],
            [L("身份证号", 18), V(d.id_number, 62)],
            [L("户籍类型", 18), V(d.hukou_type, 30), L("农民工", 16), V(d.migrant, 16, "center")],
        ],
        h=11,
        side=_photo_side(sheet, d),  # type: ignore[arg-type]
    )
    sheet.rows(
        [
            [L("手机号码", 18), V(d.phone, 40), L("会籍状态", 18), V(d.status, 44)],
            [L("工作单位", 18), V(d.employer, 62), L("岗位", 14), V(d.position, 26)],
            [L("所属工会", 18), V(d.union_name, 102)],
            [L("工会联合会", 18), V(d.federation_name, 102)],
            [L("入会日期", 18), V(d.joined_on, 40), L("会员证号", 18), V(d.card_no, 44)],
        ],
        h=11,
    )
    sheet.paragraph_box("备注", d.notes, 30)
    sheet.gap(4)
    sheet.stamp_boxes(("基层工会意见", "工会联合会意见"), h=44)
    sheet.gap(4)
    sheet.line_text("填表人：" + " " * 24 + "审核人：" + " " * 24 + "登记日期：", 10)
    sheet.footer("会员个人信息仅用于工会会员管理，请妥善保管，不得外传。")
