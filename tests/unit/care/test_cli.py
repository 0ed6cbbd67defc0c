"""``uniondesk hardship …`` in-process: add, list --due-within (--json), assist, review,
close, show with and without --sensitive; refusals exit 1 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.services import audit
from desktop.services.care import settings as care_settings
from desktop.storage.database import Database
from tests.unit.care.conftest import BAD_ID, SPOUSE_ID, writes


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_hardship_commands(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "深度困难",
        "--causes", "患病、失业", "--opened-on", "2025-11-01", "--income", "600",
        "--household", f"张妻,配偶,{SPOUSE_ID},失业,,高血压,300",
    )  # fmt: skip
    assert code == 1 and "敏感个人信息" in err and "Traceback" not in err
    code, out, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "深度困难",
        "--causes", "患病、失业", "--opened-on", "2025-11-01", "--income", "600",
        "--household", f"张妻,配偶,{SPOUSE_ID},失业,,高血压,300",
        "--consent-date", "2025-11-01", "--consent-form", "书面", "--consent-by", "王干事",
    )  # fmt: skip
    assert code == 0, err
    case = out.strip()
    code, out, _ = run(capsys, data_dir, "hardship", "list", "--due-within", "30", "--json")
    [row] = json.loads(out)
    assert (row["id"], row["state"], row["days_left"]) == (case, "overdue", -20)
    code, out, _ = run(capsys, data_dir, "hardship", "list", "--due-within", "30")
    assert "已逾期" in out and "共 1 份档案" in out

    code, out, _ = run(capsys, data_dir, "hardship", "show", case)
    assert "已隐藏" in out and "600 元" not in out and SPOUSE_ID not in out and "高血压" not in out
    code, out, err = run(capsys, data_dir, "hardship", "show", case, "--sensitive")
    assert code == 1 and "须填写原因" in err
    code, out, _ = run(
        capsys, data_dir, "hardship", "show", case, "--sensitive", "--reason", "复核", "--json"
    )
    data = json.loads(out)
    assert data["monthly_income_per_capita"] == 600 and data["household"][0]["health"] == "高血压"
    assert data["household"][0]["id_number"] != SPOUSE_ID  # masked even then
    assert [e.action for e in audit.recent(db)] == [audit.HARDSHIP_VIEW_SENSITIVE]

    before = writes(db)
    for amount in ("-10", "一百"):
        code, _, err = run(
            capsys, data_dir, "hardship", "assist", case, "--kind", "生活救助",
            "--amount", amount, "--source", "本级工会经费",
        )  # fmt: skip
        assert code == 1 and "救助金额" in err
    code, _, err = run(
        capsys, data_dir, "hardship", "review", case, "--on", "2025-10-01",
        "--result", "继续帮扶", "--reviewer", "李主席",
    )  # fmt: skip
    assert code == 1 and "早于档案的建档日期" in err
    assert writes(db) == before
    code, out, _ = run(
        capsys, data_dir, "hardship", "assist", case, "--kind", "送温暖", "--amount", "500",
        "--source", "上级工会补助", "--batch", "2026年春节送温暖",
    )  # fmt: skip
    assert code == 0 and "500.00 元" in out
    code, out, _ = run(
        capsys, data_dir, "hardship", "review", case, "--on", "2026-11-20",
        "--result", "继续帮扶", "--reviewer", "李主席",
    )  # fmt: skip
    assert code == 0 and "下次复核 2027-11-20" in out
    code, out, _ = run(capsys, data_dir, "hardship", "list", "--due-within", "30")
    assert "共 0 份档案" in out
    code, out, _ = run(capsys, data_dir, "hardship", "close", case, "--reason", "再就业")
    assert code == 0
    code, out, _ = run(capsys, data_dir, "hardship", "show", case)
    assert "脱困：2026-11-21（再就业）" in out


def test_a_household_member_with_a_bad_id_number_is_refused(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = writes(db)
    code, _, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "相对困难",
        "--household", f"张妻,配偶,{BAD_ID}",
    )  # fmt: skip
    assert code == 1 and "家庭成员第 1 位：身份证号校验位错误" in err
    assert BAD_ID not in err
    assert writes(db) == before


def test_withdraw_consent_from_the_command_line(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "深度困难",
        "--opened-on", "2025-11-01", "--health", "尿毒症",
        "--consent-date", "2025-11-01", "--consent-form", "书面", "--consent-by", "王干事",
    )  # fmt: skip
    assert code == 0, err
    case = out.strip()
    before = writes(db)
    code, _, err = run(capsys, data_dir, "hardship", "withdraw-consent", case, "--by", " ")
    assert code == 1 and "登记人不能为空" in err and writes(db) == before
    code, out, err = run(
        capsys, data_dir, "hardship", "withdraw-consent", case, "--on", "2026-11-01",
        "--by", "王干事",
    )  # fmt: skip
    assert code == 0 and "已删除" in out, err
    code, out, _ = run(
        capsys, data_dir, "hardship", "show", case, "--sensitive", "--reason", "核对", "--json"
    )
    data = json.loads(out)
    assert (data["health_notes"], data["consents"], data["consent_withdrawn"]) == (None, [], True)
    code, out, _ = run(capsys, data_dir, "hardship", "show", case)
    assert "个人信息同意：已撤回" in out


def test_remove_a_household_member_from_the_command_line(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "深度困难",
        "--household", f"张妻,配偶,{SPOUSE_ID},失业",
    )  # fmt: skip
    assert code == 0, err
    case = out.strip()
    code, out, _ = run(capsys, data_dir, "hardship", "show", case)
    person = next(line for line in out.splitlines() if "张妻" in line).split("\t")[-1]
    code, _, err = run(capsys, data_dir, "hardship", "remove-person", case, "nobody")
    assert code == 1 and "找不到该家庭成员" in err
    code, out, err = run(capsys, data_dir, "hardship", "remove-person", case, person)
    assert code == 0 and "已移除" in out, err
    code, out, _ = run(capsys, data_dir, "hardship", "show", case)
    assert "张妻" not in out


def test_show_sensitive_says_not_filled_for_a_blank_income(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, data_dir, "hardship", "add", "--member", people["张三"], "--level", "相对困难"
    )
    assert code == 0, err
    code, out, _ = run(capsys, data_dir, "hardship", "show", out.strip(), "--sensitive",
                       "--reason", "核对")  # fmt: skip
    assert "月人均收入：未填" in out and "None" not in out


def test_the_income_threshold_is_a_setting_only_administrators_change(
    db: Database, data_dir: Path, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``hardship threshold`` (and the page's 收入标准…) set the same value as 设置:
    administrators only, audited as a settings change (not an open back door)."""
    clerk = acting.Actor("clerk", "王干事", acting.STAFF, account_id=2)
    with acting.acting_as(clerk):
        code, _out, err = run(capsys, data_dir, "hardship", "threshold", "2000")
    assert code == 1 and "管理账号和设置" in err
    assert care_settings.income_threshold(db) is None
    admin = acting.Actor("boss", "李主席", acting.ADMIN, account_id=1)
    with acting.acting_as(admin):
        code, out, _err = run(capsys, data_dir, "hardship", "threshold", "2000")
    assert code == 0 and "2000 元" in out
    assert care_settings.income_threshold(db) == 2000
    [entry] = [e for e in audit.recent(db) if e.action == audit.SETTINGS_CHANGE]
    assert "困难认定收入标准" in entry.detail and "2000" not in entry.detail
