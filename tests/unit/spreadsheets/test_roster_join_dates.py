"""入会日期 as clerks leave it: blank, missing, or under another column name.

A blank join date is still recorded as today (a member must have one), but never
silently: the row says so in the preview, and a file without the column says it once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY

from .helpers import make_id, setup_registry, write_xlsx

TODAY_TEXT = f"{TEST_TODAY:%Y-%m-%d}"


def joined(db: Database) -> dict[str, str]:
    with db.connect(write=False) as conn:
        rows = conn.execute(text("SELECT name, joined_on FROM members WHERE deleted = 0")).all()
    return {str(r[0]): str(r[1]) for r in rows}


def test_blank_join_date_cell_is_today_with_a_note_on_the_row(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            ["姓名", "身份证号", "所属工会", "入会日期"],
            ["空入会日期", make_id(seq=1), "甲公司工会", None],
            ["有日期", make_id(seq=2), "甲公司工会", "2019-07-01"],
        ],
        text_columns=[1],
    )
    preview = importer.prepare(db, path, ImportOptions())
    blank, dated = preview.rows
    assert blank.warnings == [f"入会日期为空，已按今天 {TODAY_TEXT} 记录"]
    assert dated.warnings == []
    assert preview.to_json()["warnings"] == [
        {"row": 2, "message": f"入会日期为空，已按今天 {TODAY_TEXT} 记录"}
    ]
    importer.commit(db, preview)
    assert joined(db) == {"空入会日期": TODAY_TEXT, "有日期": "2019-07-01"}


def test_the_note_takes_the_callers_today(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [["姓名", "身份证号", "所属工会", "入会日期"], ["甲", make_id(seq=1), "甲公司工会", ""]],
    )
    preview = importer.prepare(db, path, ImportOptions(today=date(2025, 3, 4)))
    assert preview.rows[0].warnings == ["入会日期为空，已按今天 2025-03-04 记录"]
    assert preview.rows[0].values["joined_on"] == date(2025, 3, 4)


def test_file_without_a_join_date_column_says_so_once(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            ["姓名", "身份证号", "所属工会"],
            ["甲", make_id(seq=1), "甲公司工会"],
            ["乙", make_id(seq=2), "甲公司工会"],
        ],
    )
    preview = importer.prepare(db, path, ImportOptions())
    about = [n for n in preview.notes if "入会日期" in n]
    expected = f"名册中没有「入会日期」列，新会员的入会日期都按今天 {TODAY_TEXT} 记录，请核对"
    assert about == [expected]
    assert all(r.warnings == [] for r in preview.rows)


@pytest.mark.parametrize("header", ["入会年月", "入会时间", "加入工会时间", "入会年份"])
def test_common_join_date_headers_are_read(db: Database, tmp_path: Path, header: str) -> None:
    setup_registry(db)
    value: Any = "2018.06" if header != "入会年份" else "2018"
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [["姓名", "身份证号", "所属工会", header], ["年月甲", make_id(seq=1), "甲公司工会", value]],
    )
    preview = importer.prepare(db, path, ImportOptions())
    assert not preview.refused and header not in " ".join(preview.notes)
    importer.commit(db, preview)
    assert joined(db) == {"年月甲": "2018-06-01" if header != "入会年份" else "2018-01-01"}


def test_cli_prints_the_blank_join_date_note(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [["姓名", "身份证号", "所属工会", "入会日期"], ["甲", make_id(seq=1), "甲公司工会", None]],
    )
    assert main(["--data-dir", str(data_dir), "roster", "import", str(path)]) == 0
    assert f"第 2 行：入会日期为空，已按今天 {TODAY_TEXT} 记录" in capsys.readouterr().out
