"""How office-roster-97-2003.xls next to this script was made (run once; not a test).

    pip install --target /tmp/gen xlwt
    PYTHONPATH=/tmp/gen python tests/unit/spreadsheets/files/make_office_xls.py

A roster as an office keeps it in Excel 97-2003 (BIFF8, written by xlwt): a 填表说明
sheet first, then 会员名册 with a merged title, a date line, the header, 所属工会 merged
over the three members, 入会时间 written as text "2017.12", the number 2019.3 and the
number 2019, and a 合 计 row at the bottom. The ID numbers are made up (valid check digit,
born 1985).
"""

from __future__ import annotations

from pathlib import Path

import xlwt
from stdnum.cn import ric

HERE = Path(__file__).parent


def make_id(seq: int) -> str:
    body = f"44030419850315{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    cover = book.add_sheet("填表说明")
    cover.write(0, 0, "填表说明")
    cover.write(1, 0, "1. 身份证号请设置为文本格式；2. 入会时间写到日。")
    sheet = book.add_sheet("会员名册")
    sheet.write_merge(0, 0, 0, 5, "甲公司工会会员花名册")
    sheet.write(1, 0, "填报日期：2026年11月1日")
    for col, label in enumerate(["序号", "姓名", "身份证号", "所属工会", "入会时间", "备注"]):
        sheet.write(2, col, label)
    members = [
        ("张三", make_id(11), "2017.12"),
        ("李四", make_id(22), 2019.3),
        ("王五", make_id(33), 2019),
    ]
    for offset, (name, number, joined) in enumerate(members):
        row = 3 + offset
        sheet.write(row, 0, offset + 1)
        sheet.write(row, 1, name)
        sheet.write(row, 2, number)
        sheet.write(row, 4, joined)
    sheet.write_merge(3, 5, 3, 3, "甲公司工会")
    sheet.write(6, 0, "合 计")
    sheet.write(6, 1, "3人")
    book.save(str(HERE / "office-roster-97-2003.xls"))


if __name__ == "__main__":
    main()
