"""``uniondesk members …`` in-process: output shapes, refusals (exit 1) and usage (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop.cli import main
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


GOOD_ID = "11010519491231002X"  # female, 1949-12-31
OTHER_ID = "440304199001015415"  # male
UNION = "华强电子有限公司工会"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def usage(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data_dir), *args])
    assert exc.value.code == 2
    return capsys.readouterr().err


def writes(db: Database) -> tuple[int, int]:
    with db.connect(write=False) as conn:
        return (
            int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one()),
            int(conn.execute(text("SELECT count(*) FROM members")).scalar_one()),
        )


@pytest.fixture
def ready(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert (
        run(capsys, data_dir, "init", "--federation", "测试园区工会联合会", "--card-prefix", "GH")[
            0
        ]
        == 0
    )
    assert run(capsys, data_dir, "unions", "add", UNION, "--industry", "C")[0] == 0
    return data_dir


def add_member(capsys: pytest.CaptureFixture[str], data_dir: Path, *extra: str) -> str:
    code, out, err = run(
        capsys, data_dir, "members", "add", "--name", "张三", "--id-number", GOOD_ID,
        "--union", UNION, "--phone", "13800138000", *extra,
    )  # fmt: skip
    assert code == 0, err
    return out.strip()


def test_add_prints_id_and_show_masks_unless_asked(ready: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member(capsys, ready, "--ethnicity", "壮", "--political-status", "党员")
    assert len(member_id) == 36
    code, out, _ = run(capsys, ready, "members", "show", member_id, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["id"] == member_id
    assert shown["id_number"] == "110*************2X" and shown["phone"] == "138****8000"
    assert shown["ethnicity"] == "08" and shown["political_status"] == "01"
    assert shown["birth_year"] == 1949 and "birth_date" not in shown and shown["gender"] == "F"
    assert shown["union_name"] == UNION and shown["membership_status"] == "active"
    assert shown["card_no"].startswith("GH")
    code, out, _ = run(
        capsys, ready, "members", "show", member_id, "--json", "--unmasked", "--reason", "核对"
    )
    assert json.loads(out)["id_number"] == GOOD_ID and json.loads(out)["phone"] == "13800138000"
    code, out, _ = run(capsys, ready, "members", "show", member_id)
    assert "张三" in out and GOOD_ID not in out and "13800138000" not in out and "壮族" in out


def test_find_json_uses_glossary_names_and_masks(ready: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member(capsys, ready)
    for query in ("张", "zs", "zhangsan", "002x", "8000"):
        code, out, _ = run(capsys, ready, "members", "find", query, "--json")
        rows = json.loads(out)
        assert code == 0 and [r["id"] for r in rows] == [member_id], query
    row = rows[0]
    assert set(row) >= {"id", "name", "id_number", "phone", "card_no", "union_name",
                        "membership_status", "gender", "birth_year"}  # fmt: skip
    assert row["id_number"] == "110*************2X" and row["phone"] == "138****8000"
    code, out, _ = run(capsys, ready, "members", "find", "李", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, ready, "members", "find", "张")
    assert member_id in out and GOOD_ID not in out


def test_update_leave_delete(ready: Path, db: Database, capsys) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member(capsys, ready, "--joined-on", "2020-01-01")
    assert run(capsys, ready, "members", "update", member_id, "--position", "工程师",
               "--phone", "13900139000")[0] == 0  # fmt: skip
    code, out, _ = run(
        capsys, ready, "members", "show", member_id, "--json", "--unmasked", "--reason", "核对"
    )
    assert json.loads(out)["position"] == "工程师" and json.loads(out)["phone"] == "13900139000"
    code, _, err = run(capsys, ready, "members", "leave", member_id, "--status", "已转出")
    assert code == 1 and "transfers out" in err  # a transfer issues its slip
    code, _, _ = run(capsys, ready, "members", "leave", member_id, "--status", "已退会",
                     "--on", "2026-10-01", "--reason", "离职")  # fmt: skip
    shown = json.loads(run(capsys, ready, "members", "show", member_id, "--json")[1])
    assert code == 0 and shown["membership_status"] == "withdrawn"
    assert shown["left_on"] == "2026-10-01" and shown["leave_reason"] == "离职"
    assert run(capsys, ready, "members", "delete", member_id)[0] == 0
    code, _, err = run(capsys, ready, "members", "show", member_id)
    assert code == 1 and "找不到会员" in err
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT deleted FROM members")).scalar_one() == 1


def _impossible_birth_date() -> str:
    body = "11010519900230001"  # 30 February
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id-number", GOOD_ID[:-1] + "1"], "校验位错误"),
        (["--id-number", _impossible_birth_date()], "出生日期 1990-02-30 不存在"),
        (["--phone", "1380013800"], "手机号"),
        (["--name", ""], "姓名不能为空"),
        (["--union", "无此工会"], "找不到名为「无此工会」的工会"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    ready: Path,
    db: Database,
    capsys,
    args: list[str],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    values = {"--name": "李四", "--id-number": OTHER_ID, "--union": UNION, "--phone": "13800138000"}
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = writes(db)
    code, out, err = run(capsys, ready, "members", "add", *[x for kv in values.items() for x in kv])
    assert code == 1 and out == ""
    assert err.startswith("错误：") and message in err
    assert writes(db) == before


def test_duplicate_id_number_names_existing_member_and_union(
    ready: Path, db: Database, capsys
) -> None:  # type: ignore[no-untyped-def]
    add_member(capsys, ready)
    before = writes(db)
    code, _, err = run(capsys, ready, "members", "add", "--name", "李四", "--id-number", GOOD_ID,
                       "--union", UNION)  # fmt: skip
    assert code == 1 and "「张三」" in err and UNION in err and GOOD_ID not in err
    assert writes(db) == before


def test_update_refusal_writes_nothing(ready: Path, db: Database, capsys) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member(capsys, ready)
    before = writes(db)
    code, _, err = run(capsys, ready, "members", "update", member_id, "--phone", "123")
    assert code == 1 and "手机号" in err and writes(db) == before


def test_usage_errors_exit_2(ready: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert "--name" in usage(
        capsys, ready, "members", "add", "--id-number", GOOD_ID, "--union", UNION
    )
    assert "用法错误" in usage(capsys, ready, "members", "leave", "x", "--status", "dead")
    usage(capsys, ready, "members", "frobnicate")
    usage(capsys, ready, "members", "find", "张", "--limit", "zero")
    usage(capsys, ready, "members", "leave", "x", "--status", "withdrawn", "--on", "2026-13-01")
    code, _, err = run(capsys, ready, "members", "update", "some-id")
    assert code == 2 and "没有要修改的字段" in err


def test_list_takes_a_status_by_its_chinese_name_and_refuses_an_unknown_one(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member(capsys, ready)
    for status in ("在会", "active", "current"):
        code, out, _ = run(capsys, ready, "members", "list", "--status", status)
        assert code == 0 and "张三" in out, status
    code, out, _ = run(capsys, ready, "members", "list", "--status", "已退会")
    assert code == 0 and "张三" not in out
    err = usage(capsys, ready, "members", "list", "--status", "在职")  # not a status
    assert "没有会籍状态「在职」" in err and "保留会籍" in err


def test_update_if_version_refuses_a_stale_version_and_shows_masked_values(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    member_id = add_member(capsys, ready)
    shown = json.loads(run(capsys, ready, "members", "show", member_id, "--json")[1])
    assert shown["version"] == 1
    assert "版本：1" in run(capsys, ready, "members", "show", member_id)[1]
    # another clerk saves first
    assert run(capsys, ready, "members", "update", member_id, "--phone", "13912345678")[0] == 0
    before = writes(db)
    code, _, err = run(
        capsys, ready, "members", "update", member_id, "--phone", "13700001111",
        "--employer", "甲公司", "--if-version", "1",
    )  # fmt: skip
    assert code == 1 and "已被另一位工作人员" in err
    assert "手机号\t139****5678\t137****1111" in err and "当前版本：2" in err
    assert "13912345678" not in err and "13700001111" not in err
    assert writes(db) == before
    for verb in (["leave", member_id, "--status", "withdrawn"], ["delete", member_id]):
        code, _, err = run(capsys, ready, "members", *verb, "--if-version", "1")
        assert code == 1 and "已被另一位工作人员" in err
    assert writes(db) == before
    code, out, err = run(capsys, ready, "members", "update", member_id, "--phone", "13700001111",
                         "--if-version", "2")  # fmt: skip
    assert code == 0, err
    assert json.loads(run(capsys, ready, "members", "show", member_id, "--json")[1])["version"] == 3
    assert "应为正整数" in usage(capsys, ready, "members", "update", member_id, "--phone",
                                 "13700001111", "--if-version", "0")  # fmt: skip
