"""撤回同意 (PIPL art. 15, 47): the person withdraws the consent; the file's and the
household's health, disability and income are deleted — from the change log that
packages send too — and the gate closes until a new consent is recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services import audit
from desktop.services.care import consent, files, hardship, household, sensitive, withdrawal
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.care.conftest import a_consent, writes
from tests.unit.care.conftest import household as family

TODAY = TEST_TODAY


def _file_with_values(db: Database, member: str) -> str:
    return hardship.add_file(
        db, member, level="深度困难", opened_on="2026-03-01", today=TODAY,
        health_notes="尿毒症透析", disability_grade="二级", monthly_income_per_capita=480,
        household_members=family(health="抑郁症", monthly_income=300), consent=a_consent(),
    )  # fmt: skip


def _logged(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        return [
            str(f)
            for f in conn.execute(
                text("SELECT fields FROM sync_change WHERE tbl LIKE 'hardship%'")
            ).scalars()
        ]


def test_withdrawing_deletes_the_sensitive_values_and_closes_the_gate(
    db: Database, people: dict[str, str]
) -> None:
    case = _file_with_values(db, people["张三"])
    done = withdrawal.withdraw(db, case, "2026-11-01", "王干事", today=TODAY)
    assert (done.withdrawn_on.isoformat(), done.cleared) == ("2026-11-01", 2)
    shown = sensitive.reveal(db, case, "核对撤回", today=TODAY)
    assert (shown.health_notes, shown.disability_grade, shown.monthly_income_per_capita) == (
        None, None, None,
    )  # fmt: skip
    assert [(p.name, p.health, p.monthly_income) for p in shown.household] == [
        ("张妻", None, None),
        ("张小", None, None),
    ]
    assert not files.get_file(db, case, today=TODAY).has_consent
    # the log that packages send holds the values no more
    assert not [f for f in _logged(db) if "尿毒症" in f or "抑郁症" in f]
    assert not [f for f in _logged(db) if '"monthly_income":300' in f or ":480" in f]
    # nothing sensitive can be saved again without a new consent
    with pytest.raises(ValidationError, match="敏感个人信息"):
        hardship.update_file(db, case, health_notes="好转")
    with pytest.raises(ValidationError, match="敏感个人信息"):
        household.add_member(db, case, {"name": "张母", "health": "高血压"}, today=TODAY)
    consent.record(db, case, "2026-11-20", "书面签字", "王干事", today=TODAY)
    hardship.update_file(db, case, health_notes="好转")
    [entry] = [e for e in audit.recent(db) if e.action == audit.HARDSHIP_CONSENT_WITHDRAWN]
    assert case in entry.detail and "2026-11-01" in entry.detail


@pytest.mark.parametrize(
    ("day", "by", "message"),
    [
        ("2026-12-01", "王干事", "晚于今天"),
        ("2026-02-01", "王干事", "早于登记的同意日期"),
        ("2026-11-01", " ", "登记人不能为空"),
        ("2026-02-30", "王干事", "撤回日期"),
    ],
)
def test_a_bad_withdrawal_is_refused_and_changes_nothing(
    db: Database, people: dict[str, str], day: str, by: str, message: str
) -> None:
    case = _file_with_values(db, people["张三"])
    before = writes(db)
    with pytest.raises(ValidationError, match=message):
        withdrawal.withdraw(db, case, day, by, today=TODAY)
    assert writes(db) == before
    assert files.get_file(db, case, today=TODAY).has_consent


def test_a_file_without_a_consent_has_nothing_to_withdraw(
    db: Database, people: dict[str, str]
) -> None:
    case = hardship.add_file(
        db, people["李四"], level="相对困难", opened_on="2026-03-01", today=TODAY
    )
    with pytest.raises(ValidationError, match="没有登记本人同意"):
        withdrawal.withdraw(db, case, "2026-11-01", "王干事", today=TODAY)
