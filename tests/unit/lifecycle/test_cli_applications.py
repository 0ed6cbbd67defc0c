"""``uniondesk applications …`` and ``members history`` in-process (issue #21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.storage.database import Database

GOOD_ID = "11010519491231002X"
OTHER_ID = "440304199001015410"
YOUNG_ID = "110105200803150010"  # born 2008-03-15
UNION = "华强电子有限公司工会"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ready(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    init = ("init", "--federation", "测试园区工会联合会", "--card-prefix", "GH")
    assert run(capsys, data_dir, *init)[0] == 0
    assert run(capsys, data_dir, "unions", "add", UNION)[0] == 0
    return data_dir


def _add(capsys: pytest.CaptureFixture[str], data_dir: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys, data_dir, "applications", "add", "--name", "王小明", "--id-number", OTHER_ID,
        "--union", UNION, "--channel", "上门", "--phone", "13800138000", *extra,
    )  # fmt: skip


def _applications(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM applications")).scalar_one())


def test_add_list_show_approve_and_history(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _add(capsys, ready)
    assert code == 0, err
    app_id = out.strip()
    code, out, _ = run(capsys, ready, "applications", "list", "--status", "待审核", "--json")
    listed = json.loads(out)
    assert listed["counts"] == {"submitted": 1, "approved": 0, "rejected": 0}
    [row] = listed["applications"]
    assert row["id"] == app_id and OTHER_ID not in out and "13800138000" not in out
    code, out, _ = run(capsys, ready, "applications", "show", app_id, "--json")
    assert json.loads(out)["channel_label"] == "上门" and OTHER_ID not in out
    code, out, err = run(
        capsys, ready, "applications", "approve", app_id, "--approver", "李主席", "--json"
    )
    assert code == 0, err
    done = json.loads(out)
    assert done["card_no"].startswith("GH") and done["joined_on"] == "2026-11-21"
    code, out, _ = run(capsys, ready, "members", "history", done["member_id"], "--json")
    [entry] = json.loads(out)
    assert entry["to_status"] == "active" and entry["operator"] == "李主席"
    code, out, _ = run(capsys, ready, "members", "history", done["member_id"])
    assert "（入会） → 在会" in out


def test_reject_and_search_by_reason(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    app_id = _add(capsys, ready)[1].strip()
    with pytest.raises(SystemExit) as usage:  # --reason is required
        main(["--data-dir", str(ready), "applications", "reject", app_id])
    assert usage.value.code == 2
    capsys.readouterr()
    code, _, err = run(capsys, ready, "applications", "reject", app_id, "--reason", "已退休")
    assert code == 0, err
    code, out, _ = run(capsys, ready, "applications", "list", "--search", "退休", "--json")
    assert [r["id"] for r in json.loads(out)["applications"]] == [app_id]


def test_refusals_exit_1_with_a_message_and_write_nothing(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _add(capsys, ready, "--id-number", YOUNG_ID, "--joined-on", "2023-01-01")
    assert code == 1 and "年满 16 周岁" in err and YOUNG_ID not in err
    assert _applications(db) == 0
    code, out, err = run(
        capsys, ready, "members", "add", "--name", "王大明", "--id-number", OTHER_ID,
        "--union", UNION,
    )  # fmt: skip
    assert code == 0, err
    app_id = _add(capsys, ready)[1].strip()
    code, out, _ = run(capsys, ready, "applications", "list")
    assert "已是在会会员" in out
    code, _, err = run(capsys, ready, "applications", "approve", app_id)
    assert code == 1 and "王大明" in err and UNION in err and OTHER_ID[-6:] not in err
    code, out, _ = run(capsys, ready, "applications", "show", app_id, "--json")
    assert json.loads(out)["status"] == "submitted"


def test_print_the_application_form_from_the_cli(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.unit.printing.conftest import pdf_text

    app_id = _add(capsys, ready, "--employer", "华强电子")[1].strip()
    out = tmp_path / "申请书.pdf"
    code, _, err = run(
        capsys, ready, "print", "form", "application", str(out), "--application", app_id
    )
    assert code == 0, err
    body = pdf_text(out).replace(" ", "")
    assert "王小明" in body and "华强电子" in body and "上门" in body
    code, _, err = run(
        capsys, ready, "print", "form", "registration", str(out), "--application", app_id
    )
    assert code == 1 and "入会申请书" in err


def test_the_migrant_worker_answer_on_a_paper_application(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """农民工 is recorded on the application (``--is-migrant-worker 是``) and shown."""
    code, out, err = _add(capsys, ready, "--hukou-type", "本地城镇", "--is-migrant-worker", "是")
    assert code == 0, err
    code, out, _ = run(capsys, ready, "applications", "show", out.strip())
    assert "农民工：是" in out
