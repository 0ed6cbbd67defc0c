"""Rosters as offices really make them, written to real files and read back by the importer.

A title and a date line above the header, 入会时间 written as 2017.12 or a bare 2019,
所属工会 merged over a block of rows, a 合计 row and a 制表人 line at the bottom, a
填表说明 sheet before the data, an old Excel 97-2003 file, a CSV with a stray NUL byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.errors import UnionDeskError
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.spreadsheets.preview import ImportPreview
from desktop.storage.database import Database

from .helpers import make_id, setup_registry

pytestmark = pytest.mark.both_engines

FILES = Path(__file__).parent / "files"
TITLE = ["甲公司工会会员花名册"]
DATE_LINE = ["填报日期：2026年11月1日"]
HEADER = ["序号", "姓名", "身份证号", "所属工会", "入会时间", "备注"]


def workbook(
    path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None
) -> Path:
    """A real .xlsx with the given sheets in order; ID numbers typed as text (column C)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell in ws["C"]:
            cell.number_format = "@"
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def stored(db: Database) -> dict[str, dict[str, Any]]:
    """Every live member by ID number: join date and union name."""
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT m.id_number, m.joined_on, u.name FROM members m "
                "JOIN unions u ON u.id = m.union_id WHERE m.deleted = 0"
            )
        ).all()
    return {str(r[0]): {"joined_on": str(r[1]), "union": str(r[2])} for r in rows}


def prepare(db: Database, path: Path, **kw: Any) -> ImportPreview:
    return importer.prepare(db, path, ImportOptions(**kw))


def problems(preview: ImportPreview) -> list[str]:
    return [p.text() for p in preview.problems]


# ---- point 2: dates --------------------------------------------------------------------


def test_partial_join_dates_are_completed_to_the_first_with_a_note(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    ids = [make_id(birth="19850315", seq=s) for s in (11, 22, 33, 44)]
    path = workbook(
        tmp_path / "花名册.xlsx",
        {
            "Sheet1": [
                TITLE,
                DATE_LINE,
                HEADER,
                [1, "张三", ids[0], "甲公司工会", "2017.12", None],  # text
                [2, "李四", ids[1], "甲公司工会", 2019.3, None],  # a number cell
                [3, "王五", ids[2], "甲公司工会", 2019, None],  # a number cell
                [4, "赵六", ids[3], "甲公司工会", "2019年3月", None],  # text
            ]
        },
    )
    preview = prepare(db, path)
    assert not preview.refused, problems(preview)
    notes = {r.row: r.warnings for r in preview.rows}
    assert notes[4] == ["「入会时间」只写到月份（2017.12），已按 2017-12-01 记录，请核对"]
    assert notes[5] == ["「入会时间」只写到月份（2019.3），已按 2019-03-01 记录，请核对"]
    assert notes[6] == ["「入会时间」只写了年份（2019），已按 2019-01-01 记录，请核对"]
    assert notes[7] == ["「入会时间」只写到月份（2019年3月），已按 2019-03-01 记录，请核对"]
    importer.commit(db, preview)
    joined = {n: v["joined_on"] for n, v in stored(db).items()}
    assert [joined[n] for n in ids] == ["2017-12-01", "2019-03-01", "2019-01-01", "2019-03-01"]
    assert not any(v.startswith("1905") for v in joined.values())


def test_join_date_before_16th_birthday_or_after_today_is_refused(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "名册": [
                HEADER,
                [1, "张三", make_id(birth="19850315", seq=11), "甲公司工会", "2001-03-14", None],
                [2, "李四", make_id(birth="19850315", seq=22), "甲公司工会", "2001-03-15", None],
                [3, "王五", make_id(birth="20050601", seq=33), "甲公司工会", 2019, None],
                [4, "赵六", make_id(birth="19900101", seq=44), "甲公司工会", "2026-11-22", None],
            ]
        },
    )
    preview = prepare(db, path)  # the clock is pinned at 2026-11-21
    assert problems(preview) == [
        "第 2 行「入会时间」：2001-03-14 早于该会员年满 16 周岁的日子"
        "（按身份证号中的出生日期），请核对入会日期",
        "第 4 行「入会时间」：2019-01-01 早于该会员年满 16 周岁的日子"
        "（按身份证号中的出生日期），请核对入会日期",
        "第 5 行「入会时间」：2026-11-22 晚于今天，请核对",
    ]
    assert [r.action for r in preview.rows] == ["refuse", "new", "refuse", "refuse"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (1500, "不是可识别的日期"),  # was read as the serial of 1904-02-08
        (2019.1, "2019年1月，也可能是 2019年10月"),  # Excel dropped the 0 of 2019.10
        ("2019.13", "不存在"),
        (3000, "不是可识别的日期"),
    ],
)
def test_numbers_that_are_no_date_are_refused(
    db: Database, tmp_path: Path, cell: Any, message: str
) -> None:
    setup_registry(db)
    path = workbook(
        tmp_path / "r.xlsx", {"名册": [HEADER, [1, "张三", make_id(), "甲公司工会", cell, None]]}
    )
    found = problems(prepare(db, path))
    assert len(found) == 1 and found[0].startswith("第 2 行「入会时间」：")
    assert message in found[0]


# ---- point 3: rosters as offices make them ---------------------------------------------


def test_total_row_and_footer_at_the_bottom_are_skipped_with_a_note(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    ids = [make_id(seq=s) for s in (11, 22, 33)]
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "名册": [
                TITLE,
                HEADER,
                [1, "张三", ids[0], "甲公司工会", "2019-03-05", None],
                [2, "李四", ids[1], "甲公司工会", "2019-03-05", None],
                ["小计", None, "2人", None, None, None],  # a subtotal between blocks
                [3, "王五", ids[2], "甲公司工会", "2019-03-05", None],
                [None, "合 计", 3, None, None, None],  # the count as a number
                [],
                [None, "制表人：王会计", None, None, None, "审核人："],
            ]
        },
    )
    preview = prepare(db, path)
    assert not preview.refused, problems(preview)
    assert preview.counts["total"] == 3
    assert "第 5 行是合计行（「小计」），不是会员，未导入" in preview.notes
    assert "第 7 行是合计行（「合计」），不是会员，未导入" in preview.notes
    assert any(n.startswith("第 9 行在末尾的合计行之下") for n in preview.notes)
    importer.commit(db, preview)
    assert sorted(stored(db)) == sorted(ids)


def test_a_member_row_without_id_below_a_subtotal_is_still_refused(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "名册": [
                HEADER,
                [1, "张三", make_id(seq=11), "甲公司工会", None, None],
                ["小计", None, None, None, None, None],
                [2, "李四", None, "甲公司工会", None, None],  # forgot the ID number
                [3, "王五", make_id(seq=33), "甲公司工会", None, None],
            ]
        },
    )
    assert problems(prepare(db, path)) == ["第 4 行「身份证号」：不能为空"]


def test_union_merged_over_a_block_of_rows_applies_to_every_row(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db, "甲公司工会", "乙公司工会")
    ids = [make_id(seq=s) for s in (11, 22, 33, 44, 55)]
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "名册": [
                TITLE,
                HEADER,
                [1, "张三", ids[0], "甲公司工会", None, None],
                [2, "李四", ids[1], None, None, None],
                [3, "王五", ids[2], None, None, None],
                [4, "赵六", ids[3], "乙公司工会", None, None],
                [5, "钱七", ids[4], None, None, None],
            ]
        },
        merges={"名册": ["A1:F1", "D3:D5", "D6:D7"]},
    )
    preview = prepare(db, path)
    assert not preview.refused, problems(preview)
    assert "第 3–5 行「所属工会」、第 6–7 行「所属工会」是合并单元格" in "".join(preview.notes)
    importer.commit(db, preview)
    unions = {n: v["union"] for n, v in stored(db).items()}
    assert [unions[n] for n in ids] == ["甲公司工会"] * 3 + ["乙公司工会"] * 2


def test_cover_sheet_before_the_roster_is_passed_over_and_named(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    number = make_id(seq=11)
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "填表说明": [["填表说明"], ["1. 身份证号请设置为文本格式"], ["2. 入会时间写到日"]],
            "会员名册": [TITLE, HEADER, [1, "张三", number, "甲公司工会", "2019-03-05", None]],
        },
    )
    preview = prepare(db, path)
    assert preview.table.sheet == "会员名册" and preview.to_json()["sheet"] == "会员名册"
    assert any("已选用工作表「会员名册」" in n and "填表说明" in n for n in preview.notes)
    importer.commit(db, preview)
    assert list(stored(db)) == [number]


def test_no_sheet_with_a_header_lists_the_sheets_and_how_to_choose(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    path = workbook(
        tmp_path / "r.xlsx",
        {"封面": [["2026 年会员统计"]], "说明": [["请按要求填写"]], "数据": [["甲", "乙"], [1, 2]]},
    )
    with pytest.raises(UnionDeskError) as exc:
        prepare(db, path)
    assert "找不到表头" in exc.value.message
    assert "封面、说明、数据" in exc.value.message and "--sheet" in exc.value.message
    with pytest.raises(UnionDeskError, match=r"工作表「说明」.*封面、说明、数据.*--sheet"):
        prepare(db, path, sheet="说明")


def test_sheet_option_chooses_another_roster_sheet(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    first, second = make_id(seq=11), make_id(seq=22)
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "一车间": [HEADER, [1, "张三", first, "甲公司工会", None, None]],
            "二车间": [HEADER, [1, "李四", second, "甲公司工会", None, None]],
        },
    )
    assert prepare(db, path).table.sheet == "一车间"
    importer.commit(db, prepare(db, path, sheet="二车间"))
    assert list(stored(db)) == [second]


def test_old_excel_97_2003_roster_is_read(db: Database, tmp_path: Path) -> None:
    # A real BIFF8 file (files/make_office_xls.py): cover sheet, merged title and union,
    # partial join dates as text and numbers, a 合 计 row.
    setup_registry(db)
    source = FILES / "office-roster-97-2003.xls"
    preview = prepare(db, source)
    assert not preview.refused, problems(preview)
    assert preview.table.sheet == "会员名册"
    assert "第 7 行是合计行（「合计」），不是会员，未导入" in preview.notes
    assert any("第 4–6 行「所属工会」是合并单元格" in n for n in preview.notes)
    assert [len(r.warnings) for r in preview.rows] == [1, 1, 1]
    importer.commit(db, preview)
    found = stored(db)
    assert sorted(v["joined_on"] for v in found.values()) == [
        "2017-12-01",
        "2019-01-01",
        "2019-03-01",
    ]
    assert {v["union"] for v in found.values()} == {"甲公司工会"}
    # The content decides, not the name: the same file named .xlsx is read too.
    renamed = tmp_path / "名册.xlsx"
    shutil.copy(FILES / "excel-97-2003.xls", renamed)
    assert prepare(db, renamed).counts["new"] == 1


def test_nul_byte_in_csv_is_named_with_its_place(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    rows = ["姓名,身份证号,所属工会", f"张三,{make_id(seq=11)},甲公司工会", "李四,\x00,甲公司工会"]
    path = tmp_path / "名册.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    with pytest.raises(UnionDeskError) as exc:
        prepare(db, path)
    message = exc.value.message
    assert "第 3 行第 4 个字符处有一个空字节（NUL，0x00）" in message
    assert "改了扩展名" not in message


def test_cli_names_the_sheet_and_prints_each_date_note(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_registry(db)
    first, second = make_id(seq=11), make_id(seq=22)
    path = workbook(
        tmp_path / "r.xlsx",
        {
            "填表说明": [["填表说明：身份证号请设置为文本格式"]],
            "一车间": [TITLE, HEADER, [1, "张三", first, "甲公司工会", 2019.3, None]],
            "二车间": [TITLE, HEADER, [1, "李四", second, "甲公司工会", "2018", None]],
        },
    )
    argv = ["--data-dir", str(data_dir), "roster", "import", str(path)]
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "已选用工作表「一车间」（工作表「填表说明」中没有会员名册的表头）" in out
    assert "第 3 行：「入会时间」只写到月份（2019.3），已按 2019-03-01 记录，请核对" in out
    assert main([*argv, "--sheet", "二车间"]) == 0
    out = capsys.readouterr().out
    assert "第 3 行：「入会时间」只写了年份（2018），已按 2018-01-01 记录，请核对" in out
    assert stored(db) == {second: {"joined_on": "2018-01-01", "union": "甲公司工会"}}


def test_utf16_text_from_excel_is_still_read(db: Database, tmp_path: Path) -> None:
    # Excel's 「Unicode 文本」: UTF-16 with a BOM (a NUL after every ASCII byte), tabs.
    setup_registry(db)
    number = make_id(seq=11)
    path = tmp_path / "名册.txt"
    rows = ["姓名\t身份证号\t所属工会", f"张三\t{number}\t甲公司工会"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
    assert prepare(db, path).counts["new"] == 1
