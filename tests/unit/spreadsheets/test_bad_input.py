"""Each kind of unusable file: a clear Chinese message, nothing written, no crash.

The encrypted workbook in ``files/`` is a real file (made once with msoffcrypto-tool,
password 1234), not a hand-made header. Old .xls files are read (test_office_rosters.py).
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.spreadsheets import reader
from desktop.spreadsheets.reader import ReadOptions, read_table
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_xlsx

FILES = Path(__file__).parent / "files"


def refused(db: Database, path: Path, match: str, **kw: object) -> None:
    with pytest.raises(UnionDeskError, match=match):
        importer.prepare(db, path, ImportOptions(**kw))  # type: ignore[arg-type]
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == 0


@pytest.fixture
def registry(db: Database) -> Database:
    setup_registry(db)
    return db


def test_empty_file(registry: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(registry, path, "空文件")


def test_random_bytes(registry: Database, tmp_path: Path) -> None:
    path = tmp_path / "noise.xlsx"
    path.write_bytes(os.urandom(4096))
    refused(registry, path, "不是 Excel 表格")


def test_renamed_docx(registry: Database, tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    refused(registry, path, "Word 文档")


def test_broken_old_xls_explains_save_as(registry: Database, tmp_path: Path) -> None:
    # An OLE2 compound file header, as every .xls starts, and nothing readable after it.
    path = tmp_path / "old.xls"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le")
    )
    refused(registry, path, "另存为")


def test_password_protected_workbook(registry: Database, tmp_path: Path) -> None:
    # Excel wraps an encrypted .xlsx in OLE2 with EncryptionInfo/EncryptedPackage streams.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le")
    )
    refused(registry, path, "密码")


def test_real_encrypted_workbook(registry: Database, tmp_path: Path) -> None:
    refused(registry, FILES / "password-1234.xlsx", "设置了打开密码")
    renamed = tmp_path / "名册.xls"  # the extension does not matter, the content does
    shutil.copy(FILES / "password-1234.xlsx", renamed)
    refused(registry, renamed, "取消密码|清空密码")


def test_empty_sheet(registry: Database, tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    refused(registry, path, "空的")


def test_no_recognisable_header(registry: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["产品", "数量"], ["螺丝", 3]])
    refused(registry, path, "找不到表头")


def test_merged_header_cells(registry: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会员名册"])
    ws.merge_cells("A1:D1")  # a merged title above the header is fine …
    ws.append(["姓名", "身份证号", "工会", "联系方式"])
    ws.append(["", "", "", ""])
    ws.merge_cells("D2:E2")  # … a merged header cell is not
    ws.append(["甲", make_id(), "甲公司工会", "13800138000"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    refused(registry, path, "合并单元格 D2:E2")


def test_data_only_in_hidden_sheet(registry: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "空白"
    hidden = wb.create_sheet("名册")
    hidden.append(["姓名", "身份证号", "工会"])
    hidden.append(["甲", make_id(), "甲公司工会"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    refused(registry, path, "隐藏的工作表")


def test_hidden_sheet_is_skipped_with_a_note(registry: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "工会"])
    ws.append(["甲", make_id(), "甲公司工会"])
    old = wb.create_sheet("旧名册", 0)
    old.append(["姓名", "身份证号", "工会"])
    old.append(["乙", "bad", "甲公司工会"])
    old.sheet_state = "hidden"
    path = tmp_path / "two.xlsx"
    wb.save(path)
    preview = importer.prepare(registry, path, ImportOptions())
    assert preview.counts["new"] == 1
    assert any("旧名册" in note for note in preview.notes)


def test_row_limit_refused_before_loading(registry: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "工会"]] + [["甲", make_id(seq=i % 999), "x"] for i in range(400)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    refused(registry, path, "超过一次导入的上限 100 行", row_limit=100)
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    with pytest.raises(UnionDeskError, match="上限"):
        read_table(csv_path, ReadOptions(row_limit=100))


class _NoSheetLoading:
    """python-calamine with every sheet load refused: proves a check ran before loading."""

    def __init__(self) -> None:
        self._real = reader.calamine

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    @property
    def CalamineWorkbook(self) -> object:  # noqa: N802  (mirrors the module attribute)
        real = self._real.CalamineWorkbook

        class Workbook:
            @staticmethod
            def from_path(path: str) -> object:
                return _Guarded(real.from_path(path))

        return Workbook


class _Guarded:
    def __init__(self, workbook: object) -> None:
        self._workbook = workbook

    def __getattr__(self, name: str) -> object:
        if name.startswith("get_sheet"):
            raise AssertionError("the sheet was loaded before the row limit was checked")
        return getattr(self._workbook, name)


@pytest.mark.parametrize("dimension", [True, False])
def test_row_limit_checked_before_the_sheet_is_loaded(
    registry: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dimension: bool
) -> None:
    rows = [["姓名", "身份证号", "工会"]] + [["甲", make_id(seq=i % 999), "x"] for i in range(300)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    if not dimension:  # some writers leave <dimension> out: rows are counted while streaming
        patched = tmp_path / "nodim.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb"<dimension [^>]*/>", b"", data)
                    assert b"<dimension" not in data
                dst.writestr(item, data)
        path = patched
    monkeypatch.setattr(reader, "calamine", _NoSheetLoading())
    refused(registry, path, "超过一次导入的上限 100 行", row_limit=100)


def test_formula_cells_write_nothing(registry: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "fx.xlsx",
        [
            ["姓名", "身份证号", "工会", "手机号"],
            ["甲", make_id(seq=1), "甲公司工会", "13800138000"],
            # The bottom-right cell: the last one in the sheet XML, once missed by the scan.
            ["乙", make_id(seq=2), "甲公司工会", '=TEXT(13900139000,"0")'],
        ],
    )
    preview = importer.prepare(registry, path, ImportOptions())
    [problem] = preview.problems
    assert (problem.row, problem.column) == (3, "手机号")
    assert "是公式" in problem.message and "选择性粘贴 → 数值" in problem.message
    with pytest.raises(UnionDeskError, match="未导入任何数据"):
        importer.commit(registry, preview)
    with registry.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == 0


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads any file")
def test_locked_file(registry: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "open.xlsx", [["姓名", "身份证号", "工会"]])
    path.chmod(0)
    try:
        refused(registry, path, "占用")
    finally:
        path.chmod(0o644)


def test_locked_file_message(
    registry: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel on Windows holds a share lock: opening raises PermissionError."""
    path = write_xlsx(tmp_path / "open.xlsx", [["姓名", "身份证号", "工会"]])
    real_open = Path.open

    def locked(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "The process cannot access the file")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", locked)
    refused(registry, path, "正被其他程序占用")
