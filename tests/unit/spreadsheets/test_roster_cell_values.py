"""Cell values as clerks' files hold them: Excel error cells, old IDs typed as numbers,
characters pasted from the web, landlines, Latin names, a masked export sent back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.rosters.export import export_members
from desktop.spreadsheets.error_report import write_error_report
from desktop.spreadsheets.preview import ImportPreview
from desktop.storage.database import Database

from .helpers import make_id, read_sheet, setup_registry, write_csv, write_xlsx

HEADER = ["姓名", "身份证号", "所属工会", "手机号"]
OLD_ID = "510104680302125"  # a valid 15-digit number (1968-03-02)


def prepare(db: Database, path: Path, **kw: Any) -> ImportPreview:
    return importer.prepare(db, path, ImportOptions(**kw))


def texts(preview: ImportPreview) -> list[str]:
    return [p.text() for p in preview.problems]


def stored(db: Database) -> dict[str, tuple[str, str | None]]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text("SELECT name, id_number, phone FROM members WHERE deleted = 0")
        ).all()
    return {str(r[0]): (str(r[1]), r[2]) for r in rows}


# ---- Latin names keep their spaces --------------------------------------------------------


def test_latin_names_keep_one_space_and_chinese_names_lose_theirs(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            HEADER,
            ["John  Smith", make_id(seq=1), "甲公司工会", None],
            ["ＬＩ　Ｍｉｎｇ", make_id(seq=2), "甲公司工会", None],
            ["张 三", make_id(seq=3), "甲公司工会", None],
            ["Mary Ann O'Neil", make_id(seq=4), "甲公司工会", None],
        ],
    )
    preview = prepare(db, path)
    shown = [r.name for r in preview.rows]
    assert shown == ["John Smith", "LI Ming", "张三", "Mary Ann O'Neil"]
    importer.commit(db, preview)
    assert sorted(stored(db)) == sorted(shown)


# ---- Excel error values -------------------------------------------------------------------


def test_excel_error_cells_are_refused_with_the_value_named(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADER, "工作单位", "入会日期"])
    ws.append(["甲", make_id(seq=1), "甲公司工会", "#N/A", "#REF!", "#N/A"])
    ws.append(["乙", "#N/A", "甲公司工会", None, None, None])
    for ref in ("D2", "E2", "F2", "B3"):
        ws[ref].data_type = "e"  # what 选择性粘贴→数值 of a failed VLOOKUP leaves
    path = tmp_path / "查找.xlsx"
    wb.save(path)
    assert texts(prepare(db, path)) == [
        "第 2 行「手机号」：是 Excel 错误值 #N/A（多为查找公式没有找到），请改正后再导入",
        "第 2 行「工作单位」：是 Excel 错误值 #REF!（公式引用的单元格已被删除），请改正后再导入",
        "第 2 行「入会日期」：是 Excel 错误值 #N/A（多为查找公式没有找到），请改正后再导入",
        "第 3 行「身份证号」：是 Excel 错误值 #N/A（多为查找公式没有找到），请改正后再导入",
    ]


# ---- numbers in messages are masked -------------------------------------------------------


def test_phone_and_id_numbers_in_messages_are_masked(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            HEADER,
            ["甲", make_id(seq=1), "甲公司工会", "139000000061"],
            ["乙", make_id(seq=2), "甲公司工会", "13800000002/13900000002"],
            ["丙", 4.40304198503151e17, "甲公司工会", None],
        ],
    )
    preview = prepare(db, path)
    found = texts(preview)
    assert (
        found[0] == "第 2 行「手机号」：应为以 1 开头的 11 位数字，当前为「139*****0061」（12 位）"
    )
    assert "「138****************0002」（23 位）" in found[1]
    assert "Excel 已把身份证号变成了「440***********1000」" in found[2]
    report = read_sheet(write_error_report(preview, tmp_path / "报告.xlsx"))
    shown = [*found, *(str(r[1]) for r in report[1:])]
    for number in ("139000000061", "13800000002", "440304198503151000"):
        assert not any(number in line for line in shown)


# ---- a masked export sent back ------------------------------------------------------------


def test_masked_export_is_refused_once(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    source = write_xlsx(
        tmp_path / "名册.xlsx",
        [HEADER, *(["会员" + str(s), make_id(seq=s), "甲公司工会", "13800138000"] for s in (1, 2))],
    )
    importer.commit(db, prepare(db, source))
    exported = export_members(db, tmp_path / "导出.xlsx").path  # masked, as by default
    with pytest.raises(UnionDeskError) as exc:
        prepare(db, exported, on_duplicate="update")
    assert exc.value.message == (
        "这是打码导出的名册（身份证号中有 *），不能用于导入；如需导回，请导出完整号码的名册"
    )


# ---- a 15-digit old ID number typed as a number -------------------------------------------


def test_fifteen_digit_id_in_a_number_cell_is_read_like_its_text(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    as_text = prepare(
        db, write_xlsx(tmp_path / "t.xlsx", [HEADER, ["旧号", OLD_ID, "甲公司工会", None]])
    )
    path = write_xlsx(tmp_path / "n.xlsx", [HEADER, ["旧号", int(OLD_ID), "甲公司工会", None]])
    preview = prepare(db, path)
    assert not preview.refused, texts(preview)
    assert preview.rows[0].warnings == as_text.rows[0].warnings
    assert preview.rows[0].warnings and "15 位" in preview.rows[0].warnings[0]
    importer.commit(db, preview)
    assert stored(db)["旧号"][0] == as_text.rows[0].values["id_number"]


# ---- invisible characters, CSV wrappers, landlines ----------------------------------------


def test_invisible_characters_and_csv_wrappers_are_removed(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    a, b, c = make_id(seq=1), make_id(seq=2), make_id(seq=3)
    path = write_xlsx(
        tmp_path / "粘贴.xlsx",
        [
            HEADER,
            ["甲", a + "\u200b", "甲公司工会", "\ufeff13800138001"],
            ["乙", "\u00a0" + b, "甲公司工会", "138\u200b0013\u20608002"],
        ],
    )
    preview = prepare(db, path)
    assert not preview.refused, texts(preview)
    csv = write_csv(
        tmp_path / "导出.csv",
        [HEADER, ["丙", f'"=""{c}"""', "甲公司工会", '"=""13800138003"""']],
        "utf-8",
    )
    from_csv = prepare(db, csv)
    assert not from_csv.refused, texts(from_csv)
    importer.commit(db, preview)
    importer.commit(db, from_csv)
    assert stored(db) == {
        "甲": (a, "13800138001"),
        "乙": (b, "13800138002"),
        "丙": (c, "13800138003"),
    }


@pytest.mark.parametrize("landline", ["028-85551234", "02885551234", "0755-1234567"])
def test_a_landline_in_the_phone_column_is_named_as_such(
    db: Database, tmp_path: Path, landline: str
) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            ["姓名", "身份证号", "所属工会", "联系电话"],
            ["甲", make_id(seq=1), "甲公司工会", landline],
        ],
    )
    assert texts(prepare(db, path)) == [
        "第 2 行「联系电话」：「手机号」只能填手机号码，这是固定电话"
    ]
