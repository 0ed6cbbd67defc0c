"""``uniondesk legal …`` and ``uniondesk honours …`` in-process: output, masked phones,
refusals (exit 1, Chinese message, nothing written) and usage errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.storage.database import Database
from tests.unit.sync.helpers import valid_id


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(db: Database, table: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_legal_add_update_close_list(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "legal", "add", "--name", "赵六", "--phone", "13912345678",
        "--type", "工资拖欠", "--employer", "某电子厂", "--intake", "2026-11-01", "--json",
    )  # fmt: skip
    assert code == 0, err
    case = json.loads(out)
    assert case["phone_masked"] == "139****5678" and "13912345678" not in out
    code, out, err = run(
        capsys, data_dir, "legal", "add", "--member", valid_id(1), "--type", "工伤"
    )
    assert code == 0, err
    assert "李娟（会员）" in out and "138****5678" in out
    code, out, err = run(capsys, data_dir, "legal", "update", case["id"], "--stage", "仲裁")
    assert code == 0 and "仲裁" in out, err
    code, out, err = run(
        capsys, data_dir, "legal", "close", case["id"], "--outcome", "部分支持",
        "--amount", "2500.5", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["amount_recovered_fen"] == 250_050
    code, out, _ = run(capsys, data_dir, "legal", "list", "--open")
    assert "共 1 件" in out and "工伤" in out
    code, out, _ = run(capsys, data_dir, "legal", "list", "--json")
    listed = json.loads(out)
    assert [r["status"] for r in listed] == ["accepted", "closed"]
    assert "13912345678" not in out and "13812345678" not in out


def test_legal_refusals_exit_1_and_write_nothing(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, data_dir, "legal", "add", "--name", "赵六", "--type", "社保")
    case_id = out.split("\t")[-1].strip()
    before = _rows(db, "sync_change")
    code, _, err = run(capsys, data_dir, "legal", "close", case_id)
    assert code == 1 and "结案必须填写结案结果" in err
    code, _, err = run(capsys, data_dir, "legal", "close", case_id, "--outcome", "调解成功",
                       "--amount", "-1")  # fmt: skip
    assert code == 1 and "追回金额不能为负数" in err
    code, _, err = run(capsys, data_dir, "legal", "add", "--name", "钱七", "--type", "离婚")
    assert code == 1 and "案件类型「离婚」不在代码表中" in err
    code, _, err = run(capsys, data_dir, "legal", "add", "--member", "440000", "--type", "社保")
    assert code == 1 and "未找到该会员" in err and "440000" not in err
    assert "Traceback" not in err
    assert _rows(db, "sync_change") == before
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data_dir), "legal", "list", "--year", "今年"])
    assert exc.value.code == 2


def test_honours_add_and_list(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "honours", "add", "--member", valid_id(2), "--title", "劳动模范",
        "--level", "省", "--year", "2024", "--body", "广东省人民政府",
    )  # fmt: skip
    assert code == 0 and "王强" in out, err
    code, out, err = run(
        capsys, data_dir, "honours", "add", "--team", "焊装三班", "--title", "工人先锋号",
        "--level", "市", "--year", "2026", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["holder"] == "焊装三班", err
    code, out, err = run(capsys, data_dir, "honours", "add", "--team", "焊装三班",
                         "--title", "南粤工匠", "--level", "市", "--year", "2030")  # fmt: skip
    assert code == 1 and "晚于今年" in err
    code, out, _ = run(capsys, data_dir, "honours", "list", "--title", "劳动模范")
    assert "共 1 项荣誉" in out and "省级" in out
    code, out, _ = run(capsys, data_dir, "honours", "titles", "--add", "巾帼文明岗", "--team")
    assert code == 0
    code, out, _ = run(capsys, data_dir, "honours", "titles")
    assert "巾帼文明岗\t集体" in out
    assert _rows(db, "honours") == 2


def test_legal_form_prints_the_intake_form(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    from tests.unit.printing.conftest import pdf_text

    _, out, _ = run(capsys, data_dir, "legal", "add", "--name", "赵六", "--type", "社保", "--json")
    pdf = tmp_path / "表.pdf"
    code, _, err = run(capsys, data_dir, "legal", "form", json.loads(out)["id"], "--out", str(pdf))
    assert code == 0, err
    assert "法律援助申请登记表" in pdf_text(pdf)


def test_legal_attach_files_all_or_nothing(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    _, out, _ = run(capsys, data_dir, "legal", "add", "--name", "赵六", "--type", "工伤", "--json")
    case_id = json.loads(out)["id"]
    good, bad = tmp_path / "认定书.pdf", tmp_path / "说明.docx"
    good.write_bytes(b"%PDF-1.7\n%%EOF\n")
    bad.write_bytes(b"PK\x03\x04")
    code, _, err = run(capsys, data_dir, "legal", "attach", case_id, str(good), str(bad))
    assert code == 1 and "说明.docx：不是 PDF、JPEG 或 PNG 文件" in err
    assert _rows(db, "legal_case_documents") == 0
    code, _, err = run(capsys, data_dir, "legal", "attach", case_id, str(good), "无.pdf")
    assert code == 1 and "找不到「无.pdf」" in err and "Traceback" not in err
    code, out, err = run(capsys, data_dir, "legal", "attach", case_id, str(good))
    assert code == 0 and "已添加 1 个文件" in out, err
    assert _rows(db, "legal_case_documents") == 1


def test_legal_attach_says_why_a_file_cannot_be_read_in_chinese(
    db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """No English OS text ("No such file or directory", "Is a directory"), and a file over
    the limit is refused by its size before it is read into memory (a 4 GB video picked
    by mistake)."""
    _, out, _ = run(capsys, data_dir, "legal", "add", "--name", "赵六", "--type", "工伤", "--json")
    case_id = json.loads(out)["id"]
    code, _, err = run(capsys, data_dir, "legal", "attach", case_id, str(tmp_path / "无.pdf"))
    assert code == 1 and "找不到" in err and "无.pdf" in err and "No such" not in err
    code, _, err = run(capsys, data_dir, "legal", "attach", case_id, str(tmp_path))
    assert code == 1 and "是一个文件夹" in err and "Is a directory" not in err
    huge = tmp_path / "录像.pdf"
    with huge.open("wb") as f:
        f.truncate(4 * 1024 * 1024 * 1024)  # sparse: nothing written to the disk
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: pytest.fail("read") if p == huge else read(p))
    code, _, err = run(capsys, data_dir, "legal", "attach", case_id, str(huge))
    assert code == 1 and "不能超过 20 MB" in err
    assert _rows(db, "legal_case_documents") == 0


def test_legal_form_takes_the_output_file_as_the_other_print_commands_do(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    from tests.unit.printing.conftest import pdf_text

    _, out, _ = run(capsys, data_dir, "legal", "add", "--name", "赵六", "--type", "社保", "--json")
    case = json.loads(out)["id"]
    pdf = tmp_path / "位置.pdf"
    code, _, err = run(capsys, data_dir, "legal", "form", case, str(pdf))  # like print form
    assert code == 0, err
    assert "法律援助申请登记表" in pdf_text(pdf)
    same = tmp_path / "同一.pdf"  # both spellings naming one file: fine
    assert run(capsys, data_dir, "legal", "form", case, str(same), "--out", str(same))[0] == 0
    code, _, err = run(capsys, data_dir, "legal", "form", case)
    assert code == 2 and "输出" in err and "Traceback" not in err
    other = tmp_path / "另一.pdf"
    code, _, err = run(capsys, data_dir, "legal", "form", case, str(pdf), "--out", str(other))
    assert code == 2 and "两个" in err and not other.exists()


def test_legal_form_with_a_rare_character_prints_it_as_a_mark_when_asked(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    from tests.unit.printing.conftest import pdf_text

    _, out, _ = run(capsys, data_dir, "legal", "add", "--name", "王𠮷", "--type", "社保", "--json")
    case = json.loads(out)["id"]
    pdf = tmp_path / "表.pdf"
    code, _, err = run(capsys, data_dir, "legal", "form", case, str(pdf))
    assert code == 1 and "𠮷" in err and not pdf.exists()
    assert "加 --allow-missing-glyphs" in err  # the CLI's way to choose 〓
    code, _, err = run(capsys, data_dir, "legal", "form", case, str(pdf), "--allow-missing-glyphs")
    assert code == 0, err
    assert "王〓" in pdf_text(pdf)
