"""``uniondesk init|demo|unions|stats|check`` in-process, bad data dirs, and the real entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_once_then_refused(db: Database, data_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, data_dir, "init", "--federation", "光明园区工会联合会",
                       "--card-prefix", "gm", "--json")  # fmt: skip
    fed = json.loads(out)
    assert code == 0 and fed["name"] == "光明园区工会联合会" and fed["card_prefix"] == "GM"
    code, _, err = run(capsys, data_dir, "init", "--federation", "另一个")
    assert code == 1 and "不能重复创建" in err
    code, _, err = run(capsys, data_dir, "init", "--federation", "  ")
    assert code == 1 and "不能为空" in err


def test_unions_add_and_list_json(db: Database, data_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, data_dir, "unions", "add", "一号工会")
    assert code == 1 and "尚未创建本单位" in err
    run(capsys, data_dir, "init", "--federation", "测试联合会")
    code, out, _ = run(capsys, data_dir, "unions", "add", "华星电子有限公司工会", "--credit-code",
                       "91110000600037341L", "--industry", "制造业", "--ownership", "170",
                       "--employee-count", "120")  # fmt: skip
    union_id = out.strip()
    code, _, err = run(capsys, data_dir, "unions", "add", "坏代码工会", "--credit-code",
                       "91110000600037341A")  # fmt: skip
    assert code == 1 and "统一社会信用代码" in err
    code, out, _ = run(capsys, data_dir, "unions", "list", "--json")
    listed = json.loads(out)
    assert [u["id"] for u in listed] == [union_id]
    assert listed[0]["industry"] == "C" and listed[0]["credit_code"] == "91110000600037341L"
    assert listed[0]["employee_count"] == 120 and listed[0]["member_count"] == 0
    assert "华星电子有限公司工会" in run(capsys, data_dir, "unions", "list")[1]


@pytest.mark.sqlite_only("demo (the bulk append) and check (PRAGMA): not on the hub yet")
def test_demo_stats_and_check(db: Database, data_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, data_dir, "demo", "--members", "300", "--unions", "12",
                       "--seed", "5", "--json")  # fmt: skip
    summary = json.loads(out)
    assert code == 0 and summary["members"] == 300 and summary["unions"] == 12
    assert summary["federation_name"].endswith("园区工会联合会")
    code, out, _ = run(capsys, data_dir, "stats", "--json")
    figures = json.loads(out)
    assert figures["unions"] == 12 and figures["members_total"] == 300
    assert 0 < figures["migrant_workers"] < figures["members_current"]
    code, out, _ = run(capsys, data_dir, "check")
    assert code == 0 and "检查通过" in out
    code, _, err = run(capsys, data_dir, "demo", "--members", "10")
    assert code == 1 and "空的登记库" in err
    # Break the search index: check finds it (exit 1), --rebuild-search repairs it.
    with db.connect() as conn:
        conn.execute(
            text("DELETE FROM member_search WHERE rowid IN (SELECT rowid FROM members LIMIT 3)")
        )
    code, out, _ = run(capsys, data_dir, "check", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert [p["kind"] for p in report["problems"]] == ["search_missing"]
    assert len(report["problems"][0]["member_ids"]) == 3
    code, out, _ = run(capsys, data_dir, "check", "--rebuild-search")
    assert code == 0 and "已重建搜索索引：300" in out


def test_not_a_database_file_is_refused_untouched(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    junk = os.urandom(4096)
    (data_dir / "uniondesk.db").write_bytes(junk)
    code, out, err = run(capsys, data_dir, "stats")
    assert code == 1 and out == "" and "不是数据库文件" in err
    assert (data_dir / "uniondesk.db").read_bytes() == junk


def test_data_dir_that_cannot_be_created(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run(capsys, blocker / "data", "init", "--federation", "测试")
    assert code == 1 and "数据目录无法写入" in err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_read_only_data_dir(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "ro"
    data_dir.mkdir()
    data_dir.chmod(0o555)
    try:
        code, _, err = run(capsys, data_dir, "init", "--federation", "测试")
    finally:
        data_dir.chmod(0o755)
    assert code == 1 and "数据目录无法写入" in err and not (data_dir / "uniondesk.db").exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for args in (["init"], ["demo", "--members", "-5"], ["unions"], ["check", "--bogus"]):
        with pytest.raises(SystemExit) as exc:
            main(["--data-dir", str(tmp_path / "d"), *args])
        assert exc.value.code == 2, args
    assert "用法错误" in capsys.readouterr().err


def test_real_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "UNIONDESK_DATA_DIR": str(tmp_path / "env-data")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    assert cli("init", "--federation", "测试园区工会联合会").returncode == 0
    assert (tmp_path / "env-data" / "uniondesk.db").exists()
    assert cli("unions", "add", "一号工会").returncode == 0
    added = cli("members", "add", "--name", "张三", "--id-number", "11010519491231002X",
                "--union", "一号工会")  # fmt: skip
    assert added.returncode == 0, added.stderr
    found = cli("members", "find", "zs", "--json")
    assert json.loads(found.stdout)[0]["id"] == added.stdout.strip()
    refused = cli("members", "add", "--name", "李四", "--id-number", "11010519491231002X",
                  "--union", "一号工会")  # fmt: skip
    assert refused.returncode == 1 and "「张三」" in refused.stderr
    assert cli("members", "add").returncode == 2
