"""Rows that are no members: a footer under the ID or phone column after 合计, and rows
where only 序号 or a dragged-down 所属工会 is filled. Skipped with a note, never refused."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_xlsx

UNION = "甲公司工会"


def test_footer_text_under_the_id_and_phone_columns_is_footer(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "表尾.xlsx",
        [
            ["姓名", "身份证号", "所属工会", "手机号"],
            ["甲", make_id(seq=1), UNION, "13800138001"],
            ["乙", make_id(seq=2), UNION, "13800138002"],
            ["合计", "2人", None, None],
            ["制表人：李四", "审核人：王五", None, "填报日期：2026.11"],
        ],
    )
    preview = importer.prepare(db, path, ImportOptions())
    assert not preview.refused, [p.text() for p in preview.problems]
    assert preview.counts["new"] == 2
    assert any(n.startswith("第 5 行在末尾的合计行之下") for n in preview.notes)


def test_rows_with_only_a_dragged_union_are_skipped_with_one_note(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    rows: list[list[object]] = [["序号", "姓名", "身份证号", "所属工会"]]
    rows += [[n, f"会员{n}", make_id(seq=n), UNION] for n in (1, 2, 3)]
    rows += [[n, None, None, UNION] for n in range(4, 9)]  # rows 5–9: the template's rest
    rows += [[9, "会员9", make_id(seq=9), UNION], [10, None, None, UNION]]
    path = write_xlsx(tmp_path / "下拉.xlsx", rows)
    preview = importer.prepare(db, path, ImportOptions())
    assert not preview.refused, [p.text() for p in preview.problems][:4]
    assert preview.counts == {
        "total": 4,
        "new": 4,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "refused": 0,
    }
    about = [n for n in preview.notes if "没有姓名和身份证号" in n]
    assert about == ["第 5–9、11 行没有姓名和身份证号（只填了序号、所属工会等），已作为空行跳过"]


def test_a_blank_row_inside_a_merged_union_cell_is_skipped(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "所属工会"])
    ws.append(["甲", make_id(seq=1), UNION])
    ws.append([None, None, None])
    ws.append(["乙", make_id(seq=2), None])
    ws.merge_cells("C2:C4")
    path = tmp_path / "合并.xlsx"
    wb.save(path)
    preview = importer.prepare(db, path, ImportOptions())
    assert not preview.refused, [p.text() for p in preview.problems]
    assert preview.counts["new"] == 2
    assert any(n.startswith("第 3 行没有姓名和身份证号") for n in preview.notes)
