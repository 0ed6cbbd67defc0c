"""``uniondesk categories …`` through the real entry point: output, exit codes, no writes
on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.services.activities import categories
from desktop.storage.database import Database


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), "categories", *argv])


def _state(db: Database) -> list[tuple[str, str, bool]]:
    return [
        (c.code, c.name, c.active) for c in categories.list_categories(db, include_inactive=True)
    ]


def test_list_add_rename_disable_enable(
    db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "list") == 0
    out = capsys.readouterr().out
    assert "困难帮扶\t固定\t启用\thardship_help" in out
    assert "亲情关爱\t自定\t启用\tfamily_care" in out
    assert "共 9 个服务类别（固定 3 个，自定 6 个）" in out

    assert run(data_dir, "add", "职工技能竞赛", "--json") == 0
    added = json.loads(capsys.readouterr().out)
    assert added["name"] == "职工技能竞赛" and added["fixed"] is False and added["active"]

    assert run(data_dir, "rename", "职工技能竞赛", "技能竞赛") == 0
    assert "已将服务类别「职工技能竞赛」改名为「技能竞赛」" in capsys.readouterr().out
    assert categories.find_category(db, added["code"]).name == "技能竞赛"

    assert run(data_dir, "disable", "festival") == 0
    assert "已停用服务类别「节日喜庆」" in capsys.readouterr().out
    assert run(data_dir, "list", "--json") == 0
    active = {c["code"] for c in json.loads(capsys.readouterr().out)}
    assert "festival" not in active and added["code"] in active
    assert run(data_dir, "list", "--all", "--json") == 0
    everything = {c["code"]: c for c in json.loads(capsys.readouterr().out)}
    assert everything["festival"]["active"] is False

    assert run(data_dir, "enable", "节日喜庆") == 0
    assert "已启用服务类别「节日喜庆」" in capsys.readouterr().out
    assert categories.find_category(db, "festival").active


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("rename", "career", "亲情关爱"), "「亲情关爱」已存在"),
        (("add", "法律援助"), "「法律援助」已存在"),
        (("rename", "法律援助", "法律服务"), "固定的 3 类服务"),
        (("disable", "hardship_help"), "固定的 3 类服务"),
        (("enable", "没有这个类别"), "未找到服务类别「没有这个类别」"),
    ],
)
def test_refusals_exit_1_with_the_reason_and_write_nothing(
    db: Database,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    before = _state(db)
    assert run(data_dir, *argv) == 1
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.startswith("错误：")
    assert captured.out == ""
    assert _state(db) == before


@pytest.mark.parametrize(
    "argv",
    [("rename", "career"), ("add",), ("disable",), ("list", "--bogus"), ()],
)
def test_usage_errors_exit_2(data_dir: Path, argv: tuple[str, ...]) -> None:
    try:
        code = run(data_dir, *argv)
    except SystemExit as exc:  # argparse reports usage errors by raising
        code = int(exc.code or 0)
    assert code == 2
