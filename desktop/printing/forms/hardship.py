"""困难职工登记表: the household's particulars, members of the household, opinions."""

from __future__ import annotations

from desktop.printing.forms.data import HardshipFormData, HouseholdLine
from desktop.printing.forms.grid import L, Sheet, V

# Household rows printed even when fewer are on file (blank ones for handwriting).
HOUSEHOLD_ROWS = 4
PROMISE = (
    "本人承诺以上所填情况真实，如有虚报、瞒报，愿意退回所得帮扶资金并承担相应责任。"
    "同意工会对家庭收入等情况进行核查。"
)


def draw_hardship(sheet: Sheet, d: HardshipFormData) -> None:
    m = d.member
    sheet.title("困难职工登记表", f"建档日期：{d.opened_on or ' ' * 24}")
    sheet.rows(
        [
            [
                L("姓名", 16),
                V(m.name, 24),
                L("性别", 12),
                V(m.gender, 12, "center"),
                L("出生日期", 16),
                V(m.birth_date, 26),
            ],
            [L("身份证号", 16), V(m.id_number, 50), L("手机号码", 16), V(m.phone, 24)],
            [L("工作单位", 16), V(m.employer, 50), L("岗位", 16), V(m.position, 24)],
            [L("所属工会", 16), V(m.union_name, 90)],
            [
                L("困难类别", 16),
                V(d.level, 24),
                L("家庭人口", 12),
                V(d.household_size, 12, "center"),
                L("月人均收入", 16),
                V(d.income, 26),
            ],
            [L("致困原因", 16), V(d.cause, 90)],
            [L("残疾等级", 16), V(d.disability, 24), L("健康状况", 28), V(d.health, 38)],
            [L("复审日期", 16), V(d.review_due_on, 90)],
        ],
        h=10.5,
    )
    widths = (14, 12, 8, 16, 24, 16)
    heads = ("姓名", "与本人关系", "年龄", "健康状况", "工作单位或就读学校", "月收入（元）")
    people = list(d.household) + [HouseholdLine()] * max(0, HOUSEHOLD_ROWS - len(d.household))
    sheet.rows(
        [[L("家庭成员", 16), *(L(h, w) for h, w in zip(heads, widths, strict=True))]]
        + [
            [
                L("", 16),
                V(p.name, widths[0]),
                V(p.relation, widths[1], "center"),
                V(p.age, widths[2], "center"),
                V(p.health, widths[3]),
                V(p.work_place, widths[4]),
                V(p.income, widths[5], "center"),
            ]
            for p in people
        ],
        h=9,
    )
    sheet.paragraph_box(
        "本人承诺", PROMISE, 36, sign=("本人签名：" + " " * 16, "年      月      日")
    )
    sheet.gap(3)
    sheet.stamp_boxes(("基层工会意见", "工会联合会审核意见"), h=44)
    sheet.footer("困难职工档案每年复审一次；本表涉及个人隐私，仅限帮扶工作使用。")
