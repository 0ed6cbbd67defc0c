"""Sensitive personal information (PIPL): no health, disability or income without a
recorded consent; 查看敏感信息 only with a reason, written to the audit log."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.errors import PermissionDeniedError, ValidationError
from desktop.services import audit
from desktop.services.care import consent, files, hardship, household, sensitive
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.care.conftest import a_consent, writes
from tests.unit.care.conftest import household as family
from tests.unit.printing.conftest import pdf_text

TODAY = TEST_TODAY


@pytest.mark.parametrize(
    ("extra", "label"),
    [
        ({"monthly_income_per_capita": "650"}, "家庭月人均收入"),
        ({"disability_grade": "三级"}, "残疾等级"),
        ({"health_notes": "尿毒症透析"}, "健康状况"),
        ({"household_members": family(monthly_income=900)}, "家庭成员第 1 位的「月收入」"),
    ],
)
def test_sensitive_fields_without_consent_are_refused(
    db: Database, people: dict[str, str], extra: dict[str, object], label: str
) -> None:
    before = writes(db)
    with pytest.raises(ValidationError, match="敏感个人信息") as exc:
        hardship.add_file(
            db, people["张三"], level="relative", opened_on="2026-01-10", today=TODAY,
            **extra,  # type: ignore[arg-type]
        )  # fmt: skip
    assert label in exc.value.message and "登记" in exc.value.message
    assert writes(db) == before


def test_consent_recorded_later_opens_the_gate(db: Database, people: dict[str, str]) -> None:
    case = hardship.add_file(
        db, people["张三"], level="relative", opened_on="2026-01-10", today=TODAY
    )
    before = writes(db)
    with pytest.raises(ValidationError, match="「健康状况」属于敏感个人信息"):
        hardship.update_file(db, case, health_notes="肢体残疾")
    with pytest.raises(ValidationError, match="敏感个人信息"):
        household.add_member(db, case, {"name": "张妻", "monthly_income": 500}, today=TODAY)
    assert writes(db) == before
    with pytest.raises(ValidationError, match="晚于今天"):
        consent.record(db, case, "2026-12-01", "书面", "王干事", today=TODAY)
    with pytest.raises(ValidationError, match="登记人不能为空"):
        consent.record(db, case, "2026-11-01", "书面", " ", today=TODAY)
    with pytest.raises(ValidationError, match="同意方式"):
        consent.record(db, case, "2026-11-01", "默认同意", "王干事", today=TODAY)
    assert writes(db) == before
    rec = consent.record(db, case, "2026-11-01", "书面", "王干事", today=TODAY)
    assert (rec.form, rec.form_label) == ("written", "书面签字")
    hardship.update_file(db, case, health_notes="肢体残疾", disability_grade="2")
    household.add_member(db, case, {"name": "张妻", "monthly_income": 500}, today=TODAY)
    shown = sensitive.reveal(db, case, "年度复核核对", today=TODAY)
    assert (shown.health_notes, shown.disability_label) == ("肢体残疾", "二级")
    assert shown.household[0].monthly_income == 500


def test_show_sensitive_needs_a_reason_and_is_audited(db: Database, people: dict[str, str]) -> None:
    case = hardship.add_file(
        db,
        people["张三"],
        level="deep",
        opened_on="2026-01-10",
        today=TODAY,
        monthly_income_per_capita=650,
        household_members=family(health="高血压"),
        consent=a_consent(),
    )
    for reason in ("", " ", "看"):
        with pytest.raises(ValidationError, match="须填写原因"):
            sensitive.reveal(db, case, reason, today=TODAY)
    assert audit.recent(db) == []
    f = sensitive.reveal(db, case, "年度复核核对收入 13800138000", today=TODAY)
    assert f.sensitive_shown and f.monthly_income_per_capita == 650
    assert f.household[0].health == "高血压"
    [entry] = audit.recent(db)
    assert entry.action == audit.HARDSHIP_VIEW_SENSITIVE
    assert entry.label == "查看困难职工档案敏感信息"
    assert case in entry.detail and "年度复核核对收入" in entry.detail
    assert "13800138000" not in entry.detail  # the reason is scrubbed of numbers
    assert "张三" not in entry.detail
    # the plain page stays hidden afterwards
    assert files.get_file(db, case, today=TODAY).monthly_income_per_capita is None


def test_only_an_account_with_the_sensitive_permission_sees_or_prints_the_values(
    db: Database, people: dict[str, str]
) -> None:
    """The accounts' separate 查看敏感信息 permission holds: a staff account without it is
    refused (nothing shown, nothing audited); one granted it, or an administrator granted
    it, is let through."""
    from desktop import acting
    from desktop.errors import PermissionDeniedError
    from desktop.printing.queries import form_values

    case = hardship.add_file(
        db, people["张三"], level="relative", opened_on="2026-01-10", today=TODAY,
        health_notes="尿毒症透析", consent=a_consent(),
    )  # fmt: skip
    plain = acting.Actor("clerk", "张办事", acting.STAFF, account_id=2)
    granted = acting.Actor("care", "李帮扶", acting.STAFF, sensitive=True, account_id=3)
    before = len(audit.recent(db))
    with acting.acting_as(plain):
        with pytest.raises(PermissionDeniedError, match="查看敏感信息"):
            sensitive.reveal(db, case, "年度复核核对", today=TODAY)
        with pytest.raises(PermissionDeniedError, match="查看敏感信息"):
            form_values(db, "hardship", people["张三"], sensitive_reason="年度复核核对")
        # the plain page and the form without the values stay open to the clerk
        assert files.get_file(db, case, today=TODAY).health_notes is None
        form_values(db, "hardship", people["张三"])
    assert len(audit.recent(db)) == before
    with acting.acting_as(granted):
        assert sensitive.reveal(db, case, "年度复核核对", today=TODAY).health_notes == "尿毒症透析"


def test_a_consent_dated_before_the_person_was_born_is_refused(
    db: Database, people: dict[str, str]
) -> None:
    """同意日期 1900-01-01 (a slip of the keyboard) was recorded and opened the gate."""
    case = hardship.add_file(
        db, people["张三"], level="relative", opened_on="2026-01-10", today=TODAY
    )
    before = writes(db)
    with pytest.raises(ValidationError, match="早于本人出生日期") as exc:
        consent.record(db, case, "1900-01-01", "书面签字", "王干事", today=TODAY)
    assert exc.value.field == "consented_on" and writes(db) == before
    with pytest.raises(ValidationError, match="早于本人出生日期"):
        hardship.add_file(
            db, people["李四"], level="relative", opened_on="2026-01-10", today=TODAY,
            health_notes="高血压",
            consent=consent.clean("1900-01-01", "书面签字", "王干事", today=TODAY),
        )  # fmt: skip
    assert writes(db) == before


@pytest.mark.parametrize("role", [acting.STAFF, acting.READONLY, acting.ADMIN])
def test_only_accounts_with_the_sensitive_permission_see_the_values(
    db: Database, data_dir: Path, people: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], role: str,
) -> None:  # fmt: skip
    """The permission 可查看敏感信息 is granted per account apart from the role: without
    it neither 查看敏感信息 nor the printed 登记表 shows health, disability or income."""
    case = hardship.add_file(
        db, people["张三"], level="deep", opened_on="2026-01-10", today=TODAY,
        monthly_income_per_capita=650, health_notes="尿毒症透析", consent=a_consent(),
    )  # fmt: skip
    without = acting.Actor("clerk", "王干事", role, sensitive=False, account_id=7)
    out = tmp_path / "form.pdf"
    form = ["--data-dir", str(data_dir), "hardship", "form", case, str(out)]
    with acting.acting_as(without):
        with pytest.raises(PermissionDeniedError, match="查看敏感信息"):
            sensitive.reveal(db, case, "年度复核核对", today=TODAY)
        assert main([*form, "--sensitive", "--reason", "本人签字确认"]) == 1
    assert "查看敏感信息" in capsys.readouterr().err
    assert not out.exists()
    assert [r for r in audit.recent(db) if r.action == audit.HARDSHIP_VIEW_SENSITIVE] == []

    with acting.acting_as(replace(without, sensitive=True)):
        assert sensitive.reveal(db, case, "年度复核核对", today=TODAY).health_notes == "尿毒症透析"
        assert main([*form, "--sensitive", "--reason", "本人签字确认"]) == 0
    assert "尿毒症透析" in pdf_text(out)
