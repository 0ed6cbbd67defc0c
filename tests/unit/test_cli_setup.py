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


# -- a registry file that is gone, and a folder that never held one (QA D1) -------------


def _without_registry(data_dir: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"uniondesk.db{suffix}").unlink(missing_ok=True)


@pytest.mark.sqlite_only("the registry file of a data folder")
def test_a_registry_file_gone_beside_its_key_and_backups_is_refused_then_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "幸福街道"
    assert run(capsys, data_dir, "init", "--federation", "幸福街道工会联合会")[0] == 0
    assert run(capsys, data_dir, "unions", "add", "一号工会")[0] == 0
    fingerprint = run(capsys, data_dir, "sync", "id")[1]
    assert run(capsys, data_dir, "backup", "create")[0] == 0
    (backup,) = (data_dir / "backups").glob("uniondesk-*-manual.udbak")
    _without_registry(data_dir)  # deleted, moved, or a sync tool did not copy it
    commands = (["stats"], ["sync", "id"], ["members", "list"], ["unions", "list"],
                ["init", "--federation", "幸福街道"], ["demo", "--members", "5"])  # fmt: skip
    for command in commands:
        code, out, err = run(capsys, data_dir, *command)
        assert code == 1 and out == "", command
        assert str(data_dir) in err and "uniondesk.db" in err and "不见了" in err, command
        assert "keys.json" in err and f"uniondesk backup restore {backup.name}" in err, command
        assert "【恢复密钥】" not in err and "Traceback" not in err, command
        assert not (data_dir / "uniondesk.db").exists(), command
    code, out, err = run(capsys, data_dir, "backup", "restore", backup.name, "--yes")
    assert code == 0 and "已恢复到" in out and "没有登记库文件" in out, err
    assert not list((data_dir / "backups").glob("replaced-*"))  # nothing was moved aside
    assert "一号工会" in run(capsys, data_dir, "unions", "list")[1]
    assert run(capsys, data_dir, "sync", "id")[1] == fingerprint  # the same office again


@pytest.mark.sqlite_only("the registry file of a data folder")
def test_a_key_left_without_backups_is_refused_with_how_to_start_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    assert run(capsys, data_dir, "init", "--federation", "光明街道工会联合会")[0] == 0
    _without_registry(data_dir)
    (data_dir / "uniondesk.db").write_bytes(b"")  # an empty file is no registry either
    code, out, err = run(capsys, data_dir, "stats")
    assert code == 1 and out == "" and "不见了" in err and "没有备份" in err
    assert "keys.json 移" in err and "uniondesk init" in err
    assert (data_dir / "uniondesk.db").read_bytes() == b""


@pytest.mark.sqlite_only("the registry file of a data folder")
def test_a_read_command_on_a_mistyped_data_dir_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "uniondsk"
    for command in (["members", "list"], ["stats"], ["sync", "id"], ["backup", "create"],
                    ["users", "add", "admin", "--name", "王管理"]):  # fmt: skip
        code, out, err = run(capsys, typo, *command)
        assert code == 1 and out == "", command
        assert str(typo) in err and "没有工会桌面通的登记库" in err and "uniondesk init" in err
        assert "【恢复密钥】" not in err, command
        assert not typo.exists(), command
    existing = tmp_path / "文档"  # an existing folder that is not a data folder
    existing.mkdir()
    code, out, err = run(capsys, existing, "stats")
    assert code == 1 and "没有工会桌面通的登记库" in err and list(existing.iterdir()) == []
    # init (and demo) are what make a registry
    code, _, err = run(capsys, typo, "init", "--federation", "测试联合会")
    assert code == 0 and "【恢复密钥】" in err and (typo / "uniondesk.db").exists()


@pytest.mark.sqlite_only("demo (the bulk append): not on the hub yet")
def test_stats_lists_statuses_in_the_dashboards_order(db: Database, data_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """申请中, 在会, 保留会籍, 已转出, 已退会, 已开除 — as 首页 lists them, not by code."""
    from desktop.models.codes import MEMBERS_STATUS_ORDER, MEMBERSHIP_STATUS

    run(capsys, data_dir, "demo", "--members", "300", "--seed", "5")
    code, out, _ = run(capsys, data_dir, "stats")
    shown = [line.strip().split("：")[0] for line in out.splitlines() if line.startswith("  ")]
    order = [MEMBERSHIP_STATUS.label(s) for s in MEMBERS_STATUS_ORDER]
    assert code == 0 and len(shown) >= 4
    assert shown == [label for label in order if label in shown]


def test_the_data_folder_may_be_named_after_the_command_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``uniondesk demo --members 20 --data-dir D`` was a usage error (「无法识别的参数」):
    a clerk writes where the registry is last as often as first."""
    data_dir = tmp_path / "演示"
    other = tmp_path / "另一个"
    assert main(["init", "--federation", "幸福街道工会联合会", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert main(["unions", "add", "一号工会", "--data-dir", str(data_dir)]) == 0
    assert main(["unions", "--data-dir", str(data_dir), "list"]) == 0
    # given before and after the command, the later one counts
    assert main(["--data-dir", str(other), "unions", "list", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert out.count("一号工会") == 2 and not err
    assert not other.exists()
