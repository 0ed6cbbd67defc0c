"""The template's code sheet and ``roster export --status`` as a clerk uses them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import main
from desktop.services.unions import registry as unions
from desktop.spreadsheets.template import write_template
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_xlsx


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), "roster", *argv])


def test_template_writes_a_union_name_like_a_formula_as_text(tmp_path: Path) -> None:
    trap = '=HYPERLINK("http://x","y")'
    path = write_template(tmp_path / "模板.xlsx", ["甲公司工会", trap])
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in zf.read(n) for n in sheets)
    lists = openpyxl.load_workbook(path)["代码表"]
    cells = [c for c in lists["A"] if c.value == trap]
    assert cells and all(c.data_type == "s" for c in cells)


def test_template_from_the_cli_keeps_a_registered_union_as_text(
    db: Database, data_dir: Path, tmp_path: Path
) -> None:
    setup_registry(db)
    unions.add(db, "=1+1")
    target = tmp_path / "模板.xlsx"
    assert run(data_dir, "template", str(target)) == 0
    lists = openpyxl.load_workbook(target)["代码表"]
    assert [c.data_type for c in lists["A"] if c.value == "=1+1"] == ["s"]


@pytest.fixture
def two_members(db: Database, data_dir: Path, tmp_path: Path) -> Database:
    setup_registry(db)
    path = write_xlsx(
        tmp_path / "名册.xlsx",
        [
            ["姓名", "身份证号", "所属工会"],
            *(["会员", make_id(seq=s), "甲公司工会"] for s in (1, 2)),
        ],
    )
    assert run(data_dir, "import", str(path)) == 0
    return db


@pytest.mark.parametrize("status", ["在会", "active", "current"])
def test_export_status_takes_labels_codes_and_current(
    two_members: Database,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    status: str,
) -> None:
    capsys.readouterr()
    assert run(data_dir, "export", str(tmp_path / "在会.xlsx"), "--status", status) == 0
    assert "已导出 2 名会员" in capsys.readouterr().out


def test_export_refuses_an_unknown_status_like_members_list(
    two_members: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    target = tmp_path / "错.xlsx"
    with pytest.raises(SystemExit) as usage:
        run(data_dir, "export", str(target), "--status", "bogus")
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "没有会籍状态「bogus」" in err and "在会" in err
    assert not target.exists()
    with pytest.raises(SystemExit) as listing:
        main(["--data-dir", str(data_dir), "members", "list", "--status", "bogus"])
    assert listing.value.code == 2
    assert "没有会籍状态「bogus」" in capsys.readouterr().err
