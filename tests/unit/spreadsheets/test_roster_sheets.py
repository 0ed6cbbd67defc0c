"""Workbooks with several sheets: one roster sheet per workshop, a summary sheet first.

The import reads one sheet; every other sheet that also holds a roster is named in the
preview with its row count, so no workshop is left out without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop.cli import main
from desktop.errors import UnionDeskError
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.storage.database import Database

from .helpers import make_id, setup_registry

HEADER = ["姓名", "身份证号", "所属工会"]


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def workshops(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "车间名册.xlsx",
        {
            "填表说明": [["身份证号请设置为文本格式"]],
            "一车间": [
                HEADER,
                ["甲", make_id(seq=1), "甲公司工会"],
                ["乙", make_id(seq=2), "甲公司工会"],
            ],
            "二车间": [
                ["二车间会员名册"],
                HEADER,
                ["丙", make_id(seq=3), "甲公司工会"],
                ["丁", make_id(seq=4), "甲公司工会"],
                ["戊", make_id(seq=5), "甲公司工会"],
                ["合计", "3人", None],
            ],
        },
    )


def test_other_roster_sheets_are_named_with_their_rows(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    preview = importer.prepare(db, workshops(tmp_path), ImportOptions())
    assert preview.table.sheet == "一车间" and preview.counts["new"] == 2
    notes = "\n".join(preview.notes)
    assert "工作表「二车间」也有会员名册（3 行），本次未导入" in notes
    assert "--sheet" in notes


def test_sheet_option_names_the_sheets_left_out_too(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    preview = importer.prepare(db, workshops(tmp_path), ImportOptions(sheet="二车间"))
    assert preview.counts["new"] == 3
    assert "工作表「一车间」也有会员名册（2 行），本次未导入" in "\n".join(preview.notes)


def test_cli_dry_run_names_the_other_roster_sheet(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_registry(db)
    path = workshops(tmp_path)
    assert main(["--data-dir", str(data_dir), "roster", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "工作表「二车间」也有会员名册（3 行），本次未导入" in out
    assert "--sheet 二车间" in out


def summary_first(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "汇总.xlsx",
        {
            "汇总": [
                ["序号", "工会名称", "单位名称", "会员人数", "联系电话"],
                [1, "甲公司工会", "甲公司", 2, "02885551234"],
            ],
            "会员名册": [HEADER, ["甲", make_id(seq=1), "甲公司工会"]],
        },
    )


def test_roster_sheet_is_preferred_over_a_summary_sheet(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    preview = importer.prepare(db, summary_first(tmp_path), ImportOptions())
    assert preview.table.sheet == "会员名册" and preview.counts["new"] == 1
    assert any("已选用工作表「会员名册」" in n for n in preview.notes)


def test_failed_mapping_names_the_sheet_used_and_the_others(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = workbook(
        tmp_path / "汇总.xlsx",
        {
            "汇总": [["序号", "工会名称", "会员人数", "联系电话"], [1, "甲公司工会", 2, "1"]],
            "备用": [["说明"], ["无"]],
        },
    )
    with pytest.raises(UnionDeskError) as exc:
        importer.prepare(db, path, ImportOptions())
    message = exc.value.message
    assert "工作表「汇总」" in message
    assert "本文件还有工作表：备用" in message and "--sheet" in message
