"""Legal-aid cases on a real SQLite file: intake, stages, closing, and every refusal
leaves the table as it was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services.legal import cases
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY


def _snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.connect(write=False) as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM legal_cases ORDER BY id"))]


def _guest_case(db: Database, **extra: object) -> cases.LegalCaseRecord:
    values = {
        "applicant_name": "赵六",
        "applicant_phone": "139 1234 5678",
        "case_type": "工资拖欠",
        "employer": "某某电子厂",
        "handler": "陈律师",
        "summary": "拖欠三个月工资",
        **extra,
    }
    return cases.add_case(db, values)


def test_intake_of_a_member_and_a_non_member(db: Database, people: dict[str, str]) -> None:
    member_case = cases.add_case(
        db, {"member_id": people["李娟"], "case_type": "work_injury", "intake_on": "2026-11-02"}
    )
    assert member_case.is_member and member_case.applicant_name == "李娟"
    assert member_case.applicant_phone == "13812345678"  # from the member record
    assert member_case.status == "accepted" and member_case.type_label == "工伤"
    guest = _guest_case(db)
    assert not guest.is_member and guest.applicant_phone == "13912345678"
    assert guest.intake_on == TEST_TODAY  # default: the caller's today
    listed = cases.list_cases(db)
    assert [r.id for r in listed] == [guest.id, member_case.id]  # newest intake first
    assert {r.phone_masked for r in listed} == {"139****5678", "138****5678"}
    assert cases.cases_of_member(db, people["李娟"])[0].id == member_case.id


def test_stages_then_close_with_outcome_and_amount(db: Database, people: dict[str, str]) -> None:
    case = _guest_case(db, intake_on="2026-10-01")
    case = cases.update_case(db, case.id, {}, status="调解")
    assert case.status == "mediation"
    case = cases.update_case(db, case.id, {"handler": "林律师"}, status="arbitration")
    assert (case.status, case.handler) == ("arbitration", "林律师")
    closed = cases.close_case(
        db, case.id, outcome="调解成功", amount_recovered="12,345.60", closed_on="2026-11-20"
    )
    assert closed.status == "closed" and closed.outcome == "mediated"
    assert closed.amount_recovered_fen == 1_234_560 and closed.amount_text == "12345.60"
    assert cases.list_cases(db, status="结案")[0].outcome_label == "调解成功"
    assert cases.list_cases(db, open_only=True) == []


def test_closing_without_an_outcome_is_refused_and_nothing_written(
    db: Database, people: dict[str, str]
) -> None:
    case = _guest_case(db)
    before = _snapshot(db)
    for outcome in (None, "", "  "):
        with pytest.raises(ValidationError, match="结案必须填写结案结果") as info:
            cases.close_case(db, case.id, outcome=outcome, amount_recovered="100")
        assert info.value.field == "outcome"
    assert _snapshot(db) == before
    assert cases.get_case(db, case.id).status == "accepted"


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        (
            {"outcome": "mediated", "amount_recovered": "-5"},
            "追回金额不能为负数",
            "amount_recovered",
        ),
        (
            {"outcome": "mediated", "amount_recovered": "五百"},
            "追回金额应为金额",
            "amount_recovered",
        ),
        (
            {"outcome": "mediated", "amount_recovered": "1.234"},
            "最多保留两位小数",
            "amount_recovered",
        ),
        ({"outcome": "胜诉了"}, "结案结果「胜诉了」不在代码表中", "outcome"),
        (
            {"outcome": "mediated", "closed_on": TEST_TODAY + timedelta(days=1)},
            "结案日期 2026-11-22 晚于今天",
            "closed_on",
        ),
        ({"outcome": "mediated", "closed_on": "2026-01-01"}, "早于受理日期", "closed_on"),
    ],
)
def test_bad_closing_values_are_refused(
    db: Database, people: dict[str, str], kwargs: dict[str, object], message: str, field: str
) -> None:
    case = _guest_case(db, intake_on="2026-03-01")
    before = _snapshot(db)
    with pytest.raises(ValidationError, match=message) as info:
        cases.close_case(db, case.id, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert _snapshot(db) == before


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"case_type": "离婚"}, "案件类型「离婚」不在代码表中", "case_type"),
        ({"case_type": None}, "案件类型不能为空", "case_type"),
        ({"intake_on": date(2026, 11, 22)}, "受理日期 2026-11-22 晚于今天", "intake_on"),
        ({"intake_on": "2026-13-01"}, "不是有效日期", "intake_on"),
        ({"applicant_name": None}, "非会员申请人的姓名", "applicant_name"),
        ({"applicant_phone": "12345"}, "申请人手机号应为", "applicant_phone"),
        ({"member_id": "no-such-member"}, "申请人会员记录不存在", "member_id"),
    ],
)
def test_bad_intake_is_refused_without_personal_data(
    db: Database, people: dict[str, str], values: dict[str, object], message: str, field: str
) -> None:
    base = {"applicant_name": "赵六", "case_type": "wage_arrears"}
    base.update(values)
    if base.get("case_type") is None:
        del base["case_type"]
    with pytest.raises(ValidationError, match=message) as info:
        cases.add_case(db, base)
    assert info.value.field == field
    assert "12345" not in info.value.message and "赵六" not in info.value.message
    assert _snapshot(db) == []


def test_a_closed_case_is_final_and_stages_never_go_back(
    db: Database, people: dict[str, str]
) -> None:
    case = _guest_case(db, intake_on="2026-10-01")
    cases.update_case(db, case.id, {}, status="litigation")
    with pytest.raises(ValidationError, match="不能退回「受理」"):
        cases.update_case(db, case.id, {}, status="受理")
    with pytest.raises(ValidationError, match="结案请使用「结案」操作"):
        cases.update_case(db, case.id, {}, status="closed")
    cases.close_case(db, case.id, outcome="not_upheld")
    before = _snapshot(db)
    with pytest.raises(ValidationError, match="已结案"):
        cases.update_case(db, case.id, {"handler": "某人"})
    with pytest.raises(ValidationError, match="已结案"):
        cases.close_case(db, case.id, outcome="mediated")
    assert _snapshot(db) == before


def test_the_future_is_judged_against_the_callers_today(
    db: Database, people: dict[str, str]
) -> None:
    later = TEST_TODAY + timedelta(days=30)
    values = {"applicant_name": "赵六", "case_type": "social_insurance", "intake_on": later}
    with pytest.raises(ValidationError, match="晚于今天"):
        cases.add_case(db, values)  # the pinned clock's today
    case = cases.add_case(db, values, today=later)
    closed = cases.close_case(db, case.id, outcome="advised", today=later)
    assert (closed.intake_on, closed.closed_on) == (later, later)


def test_a_name_or_phone_typed_for_a_member_applicant_is_refused_not_dropped(
    db: Database, people: dict[str, str]
) -> None:
    """A member's name and phone come from the member record: one typed beside a member
    (a new phone number the applicant gave) was silently thrown away."""
    before = _snapshot(db)
    with pytest.raises(ValidationError, match="取自会员记录") as info:
        cases.add_case(
            db,
            {"member_id": people["王强"], "case_type": "工伤", "applicant_phone": "13912345678"},
        )
    assert info.value.field == "applicant_phone"
    assert _snapshot(db) == before
    case = cases.add_case(db, {"member_id": people["王强"], "case_type": "工伤"})
    with pytest.raises(ValidationError, match="取自会员记录"):
        cases.update_case(db, case.id, {"applicant_name": "王强强"})
    # a non-member case turned into a member's drops its own name and phone, as before
    guest = _guest_case(db)
    moved = cases.update_case(db, guest.id, {"member_id": people["李娟"]})
    assert moved.is_member and moved.applicant_name == "李娟"
