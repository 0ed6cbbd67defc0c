"""Files a clerk may pick by mistake or that came damaged: what they are told."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.errors import UnionDeskError
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_xlsx

HEADER = ["姓名", "身份证号", "所属工会"]


def roster(path: Path, members: int = 2) -> Path:
    rows = [HEADER, *(["会员", make_id(seq=s), "甲公司工会"] for s in range(1, members + 1))]
    return write_xlsx(path, rows)


def test_workbook_without_its_sheet_part_is_damaged(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    good = roster(tmp_path / "好.xlsx")
    broken = tmp_path / "36_no_sheet_xml.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as out:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, src.read(item.filename))
    with pytest.raises(UnionDeskError) as exc:
        importer.prepare(db, broken, ImportOptions())
    assert exc.value.message.startswith("「36_no_sheet_xml.xlsx」已损坏")
    assert "另存为 .xlsx" in exc.value.message


def test_row_limit_message_has_no_made_up_count_and_the_real_option(
    db: Database, tmp_path: Path
) -> None:
    setup_registry(db)
    path = roster(tmp_path / "大名册.xlsx", members=250)
    with pytest.raises(UnionDeskError) as exc:
        importer.prepare(db, path, ImportOptions(row_limit=100))
    message = exc.value.message
    assert "超过一次导入的上限 100 行" in message and "--max-rows" in message
    assert "约有" not in message and "设置" not in message


def test_header_only_file_says_there_was_nobody_to_import(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_registry(db)
    path = write_xlsx(tmp_path / "空表.xlsx", [HEADER])
    assert main(["--data-dir", str(data_dir), "roster", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入" not in out
    assert "没有需要导入的会员" in out


def test_excel_lock_file_names_the_workbook_to_pick(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    roster(tmp_path / "01d_clean.xlsx")
    lock = tmp_path / "~$01d_clean.xlsx"
    lock.write_bytes(b"\x0bAdministrator" + b" " * 40 + b"\x00" * 111)  # Excel's owner file
    with pytest.raises(UnionDeskError) as exc:
        importer.prepare(db, lock, ImportOptions())
    assert exc.value.message == (
        "「~$01d_clean.xlsx」是 Excel 打开「01d_clean.xlsx」时产生的临时文件，"
        "请选择「01d_clean.xlsx」本身（并先在 Excel 中关闭它）"
    )


def test_corrupt_workbook_message_names_no_library_class(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    good = roster(tmp_path / "好.xlsx")
    broken = tmp_path / "坏.xlsx"
    shutil.copy(good, broken)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = b"<workbook><sheets><sheet"  # cut short
            out.writestr(item, data)
    with pytest.raises(UnionDeskError) as exc:
        importer.prepare(db, broken, ImportOptions())
    assert "已损坏" in exc.value.message
    assert "Error" not in exc.value.message and "Calamine" not in exc.value.message
