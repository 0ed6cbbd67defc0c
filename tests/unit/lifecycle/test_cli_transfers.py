"""``uniondesk transfers out|in|list`` in-process (issue #21 item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.services.transfers import queries, slips
from desktop.storage.database import Database

MEMBER_ID = "440304199001015410"
OTHER_ID = "11010519491231002X"
A, B = "华强电子有限公司工会", "宝安物流有限公司工会"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def member(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    init = ("init", "--federation", "测试园区工会联合会", "--card-prefix", "GH")
    assert run(capsys, data_dir, *init)[0] == 0
    for union in (A, B):
        assert run(capsys, data_dir, "unions", "add", union)[0] == 0
    code, out, err = run(
        capsys, data_dir, "members", "add", "--name", "王小明", "--id-number", MEMBER_ID,
        "--union", A,
    )  # fmt: skip
    assert code == 0, err
    with db.connect(write=False) as conn:
        return str(conn.execute(text("SELECT id FROM members")).scalar_one())


def _transfers(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM transfers")).scalar_one())


def test_out_inside_then_outside_then_list(
    member: str, data_dir: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, data_dir, "transfers", "out", member, "--to-union", B, "--json")
    assert code == 0, err
    moved = json.loads(out)
    assert moved["kind"] == "internal" and moved["to_union"] == B and moved["slip_no"]
    code, out, err = run(
        capsys, data_dir, "transfers", "out", member, "--to-outside", "外区总工会",
        "--reason", "工作调动",
    )  # fmt: skip
    assert code == 0, err
    assert "已转出" in out and "GHZJ" in out
    code, out, _ = run(capsys, data_dir, "transfers", "list", "--json")
    listed = json.loads(out)
    assert [r["kind"] for r in listed] == ["out", "internal"]
    assert MEMBER_ID not in out
    code, out, _ = run(capsys, data_dir, "transfers", "list", "--kind", "转出联合会")
    assert out.count("\n") == 1 and "外区总工会" in out and MEMBER_ID not in out


def test_refusals_exit_1_and_write_nothing(
    member: str, data_dir: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, data_dir, "transfers", "out", member, "--to-union", A)
    assert code == 1 and "不能转接到其所在的工会" in err and "Traceback" not in err
    code, _out, err = run(
        capsys, data_dir, "transfers", "out", member, "--to-union", B, "--on", "2030-01-01"
    )
    assert code == 1 and "晚于今天" in err
    code, _out, err = run(
        capsys, data_dir, "transfers", "in", "--id-number", MEMBER_ID, "--union", B,
        "--name", "王小明",
    )  # fmt: skip
    assert code == 1 and "在会会员" in err and MEMBER_ID not in err
    assert _transfers(db) == 0


def test_in_unknown_slip_is_a_plain_join_and_the_qr_prefills(
    member: str, data_dir: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "transfers", "in", "--id-number", OTHER_ID, "--union", B,
        "--name", "李四", "--slip", "SZ2026X0001", "--from-union", "深圳市南山区总工会",
    )  # fmt: skip
    assert code == 0, err
    assert "按新入会办理" in out and "说明：" in out
    run(capsys, data_dir, "transfers", "out", member, "--to-outside", "外区总工会")
    with db.connect(write=False) as conn:
        [latest] = [r for r in queries.listing(db, kind="out")]
        qr = slips.payload_in(conn, latest)
    code, out, err = run(
        capsys, data_dir, "transfers", "in", "--id-number", MEMBER_ID, "--union", B, "--qr", qr,
        "--json",
    )  # fmt: skip
    assert code == 0, err
    done = json.loads(out[out.index("{") :])
    assert done["outcome"] == "linked" and done["member_id"] == member
    assert done["transfer"]["slip_no"] == latest.slip_no
    assert "签名有效" in out
