"""How the real files next to this script were made (run once; not part of the tests).

    pip install --target /tmp/gen msoffcrypto-tool xlwt openpyxl
    PYTHONPATH=/tmp/gen python tests/unit/spreadsheets/files/make_files.py

password-1234.xlsx: a roster encrypted the way Excel does it ("Encrypt with Password":
an OLE2 compound file with EncryptionInfo and EncryptedPackage streams), password 1234.
excel-97-2003.xls: the same roster as an Excel 97-2003 (BIFF8) workbook.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

HERE = Path(__file__).parent
ROWS = [["姓名", "身份证号", "所属工会"], ["张三", "11010519491231002X", "甲公司工会"]]


def main() -> None:
    workbook = openpyxl.Workbook()
    for row in ROWS:
        workbook.active.append(row)
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("1234", encrypted)
    (HERE / "password-1234.xlsx").write_bytes(encrypted.getvalue())

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("会员名册")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(HERE / "excel-97-2003.xls"))


if __name__ == "__main__":
    main()
