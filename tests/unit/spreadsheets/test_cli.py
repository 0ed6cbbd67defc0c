"""``uniondesk roster …`` through the real CLI entry point: exit codes, JSON, files."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.storage.database import Database

from .helpers import make_id, read_sheet, setup_registry, write_xlsx


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), "roster", *argv])


def count(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM members")).scalar_one())


@pytest.fixture
def registry(db: Database) -> Database:
    setup_registry(db)
    return db


def test_import_refused_rows_exit_1_json_and_error_report(
    registry: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["姓名", "身份证号", "工会"],
            ["甲", make_id(seq=1), "甲公司工会"],
            ["乙", 1.5e17, "甲公司工会"],
        ],
    )
    errors = tmp_path / "errors.xlsx"
    code = run(data_dir, "import", str(path), "--json", "--errors", str(errors))
    out = capsys.readouterr()
    assert code == 1
    payload = json.loads(out.out)
    assert payload["counts"]["refused"] == 1 and payload["written"] is False
    assert payload["refused"][0]["row"] == 3 and payload["refused"][0]["column"] == "身份证号"
    assert "文本" in payload["refused"][0]["reason"]
    assert "第 3 行「身份证号」" in out.err
    assert [r[:2] for r in read_sheet(errors)[1:]] == [(2, "无误"), (3, read_sheet(errors)[2][1])]
    assert count(registry) == 0


def test_import_dry_run_then_real(
    registry: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [["姓名", "号码"], ["甲", make_id(seq=1)], ["乙", make_id(seq=2)]]
    )
    assert run(data_dir, "import", str(path), "--union", "甲公司工会") == 1
    assert "号码" in capsys.readouterr().err  # mapping asked for
    args = ["import", str(path), "--union", "甲公司工会", "--map", "号码=身份证号", "--json"]
    assert run(data_dir, *args, "--dry-run") == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["counts"]["new"] == 2 and dry["written"] is False
    assert count(registry) == 0
    assert run(data_dir, *args) == 0
    assert json.loads(capsys.readouterr().out)["written"] is True
    assert count(registry) == 2
    assert run(data_dir, *args, "--on-duplicate", "skip") == 0
    assert json.loads(capsys.readouterr().out)["counts"]["skipped"] == 2
    assert run(data_dir, *args) == 1  # refuse is the default for duplicates
    assert count(registry) == 2


@pytest.mark.both_engines  # the hub's template offers its unions too (it has no db file)
def test_template_and_export(
    registry: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "模板.xlsx"
    assert run(data_dir, "template", str(template)) == 0
    wb = openpyxl.load_workbook(template)
    assert "甲公司工会" in [c.value for c in wb["代码表"]["A"]]
    number = make_id(seq=5)
    path = write_xlsx(
        tmp_path / "r.xlsx", [["姓名", "身份证号", "工会"], ["甲", number, "甲公司工会"]]
    )
    assert run(data_dir, "import", str(path)) == 0
    out = tmp_path / "out.xlsx"
    assert run(data_dir, "export", str(out), "--union", "甲公司工会") == 0
    assert read_sheet(out)[1][1] != number
    assert (
        run(data_dir, "export", str(out), "--unmasked", "--reason", "报送", "--status", "active")
        == 0
    )
    assert read_sheet(out)[1][1] == number
    assert run(data_dir, "export", str(out), "--union", "没有") == 1
    capsys.readouterr()


def test_usage_errors_exit_2(data_dir: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        run(data_dir, "import", "x.xlsx", "--on-duplicate", "merge")
    assert caught.value.code == 2
