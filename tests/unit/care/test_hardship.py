"""Hardship files on a real SQLite file: open, list by due date, assist, review, close,
retention and purge, and every refused input (nothing written)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from desktop.errors import NotFoundError, ValidationError
from desktop.services.care import assistance, files, hardship, household, retention, reviews
from desktop.services.care import settings as care_settings
from desktop.services.settings import office as office_settings
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.care.conftest import BAD_ID, CHILD_ID, a_consent, writes
from tests.unit.care.conftest import household as family

TODAY = TEST_TODAY


def _open(db: Database, member: str, opened: str = "2026-01-10", **extra: object) -> str:
    return hardship.add_file(
        db,
        member,
        level="深度困难",
        causes="患病、子女就学",
        opened_on=opened,
        today=TODAY,
        **extra,  # type: ignore[arg-type]
    )


def test_a_file_with_its_household_is_opened_and_falls_due_a_year_later(
    db: Database, people: dict[str, str]
) -> None:
    case = _open(
        db,
        people["张三"],
        household_members=family(monthly_income="800", health="慢性病"),
        monthly_income_per_capita="600",
        disability_grade="二级",
        consent=a_consent(),
    )
    f = files.get_file(db, case, today=TODAY)
    assert (f.level_label, f.cause_labels) == ("深度困难", "患病、子女就学")
    assert f.causes == ("illness", "schooling")
    assert f.review_due_on == date(2027, 1, 10)
    assert f.household_size == 3  # the member and two household members
    assert [p.name for p in f.household] == ["张妻", "张小"]
    assert f.household[1].age == 11  # from the ID number, on TODAY
    assert f.household[1].masked_id_number.startswith("440") and CHILD_ID not in str(
        f.household[1].masked_id_number
    )
    # lists and the plain page hide the sensitive values
    assert not f.sensitive_shown
    assert f.monthly_income_per_capita is None and f.disability_grade is None
    assert all(p.health is None and p.monthly_income is None for p in f.household)
    with db.connect(write=False) as conn:
        stored = conn.execute(
            text("SELECT monthly_income_per_capita, disability_grade FROM hardship_cases")
        ).one()
    assert tuple(stored) == (600, "2")


def test_one_open_file_per_household(db: Database, people: dict[str, str]) -> None:
    _open(db, people["张三"])
    before = writes(db)
    with pytest.raises(ValidationError, match="一户只建一档"):
        _open(db, people["张三"])
    assert writes(db) == before


def test_the_due_list_shows_overdue_and_due_within_n_days(
    db: Database, people: dict[str, str]
) -> None:
    overdue = _open(db, people["张三"], opened="2025-11-01")  # due 2026-11-01
    soon = _open(db, people["李四"], opened="2025-12-10")  # due 2026-12-10
    due = hardship.list_files(db, today=TODAY, due_within=30)
    assert [(r.id, r.state) for r in due] == [(overdue, "overdue"), (soon, "due")]
    assert due[0].days_left == -20 and due[1].days_left == 19
    assert [r.id for r in hardship.list_files(db, today=TODAY, due_within=10)] == [overdue]
    # the caller's today decides, never the real clock
    later = hardship.list_files(db, today=date(2025, 12, 1), due_within=30)
    assert later == []
    assert {r.state for r in hardship.list_files(db, today=TODAY)} == {"overdue", "due"}


def test_assistance_is_recorded_in_fen(db: Database, people: dict[str, str]) -> None:
    case = _open(db, people["张三"])
    rec = assistance.assist(
        db,
        case,
        given_on="2026-02-01",
        kind="送温暖",
        amount="1200.50",
        fund_source="上级工会补助",
        handler="王干事",
        batch="2026年春节送温暖",
        today=TODAY,
    )
    assert (rec.amount_fen, rec.amount_yuan, rec.kind, rec.fund_source) == (
        120050,
        "1200.50",
        "warmth",
        "higher_union",
    )
    assert files.get_file(db, case, today=TODAY).assistance_total_fen == 120050
    lines = assistance.batch_lines(db, "2026年春节送温暖")
    assert [(line.member_name, line.amount_fen) for line in lines] == [("张三", 120050)]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-50", "不能为负数"),
        ("五百", "应为金额"),
        ("abc", "应为金额"),
        ("0", "应大于 0"),
        # not a number a clerk types: no internal error, no 1000 from "1e3"
        ("nan", "应为金额"),
        ("inf", "应为金额"),
        ("1e3", "应为金额"),
        ("99999999999999999", "金额过大"),
    ],
)
def test_a_bad_assistance_amount_is_refused(
    db: Database, people: dict[str, str], amount: str, message: str
) -> None:
    case = _open(db, people["张三"])
    before = writes(db)
    with pytest.raises(ValidationError, match=message) as exc:
        assistance.assist(
            db,
            case,
            given_on="2026-02-01",
            kind="生活救助",
            amount=amount,
            fund_source="本级工会经费",
            today=TODAY,
        )
    assert "救助金额" in exc.value.message and exc.value.field == "amount"
    assert writes(db) == before


def test_a_review_sets_the_next_due_date_and_may_change_the_level(
    db: Database, people: dict[str, str]
) -> None:
    case = _open(db, people["张三"], opened="2025-11-01")
    r = reviews.review(
        db,
        case,
        reviewed_on="2026-11-05",
        result="调整困难类别",
        level="相对困难",
        reviewer="李主席",
        today=TODAY,
    )
    assert r.next_due_on == date(2027, 11, 5)
    f = files.get_file(db, case, today=TODAY)
    assert (f.review_due_on, f.level, f.state) == (date(2027, 11, 5), "relative", "ok")
    assert [x.result_label for x in f.reviews] == ["调整困难类别"]
    assert hardship.list_files(db, today=TODAY, due_within=30) == []


def test_a_review_dated_before_the_opening_is_refused(db: Database, people: dict[str, str]) -> None:
    case = _open(db, people["张三"], opened="2026-01-10")
    before = writes(db)
    with pytest.raises(ValidationError, match="早于档案的建档日期 2026-01-10") as exc:
        reviews.review(
            db, case, reviewed_on="2026-01-09", result="继续帮扶", reviewer="李主席", today=TODAY
        )
    assert exc.value.field == "reviewed_on"
    assert writes(db) == before


def test_closing_records_the_exit_and_a_review_can_close(
    db: Database, people: dict[str, str]
) -> None:
    a = _open(db, people["张三"])
    with pytest.raises(ValidationError, match="脱困原因不能为空"):
        hardship.close_file(db, a, "2026-10-01", "", today=TODAY)
    with pytest.raises(ValidationError, match="早于建档日期"):
        hardship.close_file(db, a, "2025-10-01", "再就业", today=TODAY)
    hardship.close_file(db, a, "2026-10-01", "再就业", today=TODAY)
    f = files.get_file(db, a, today=TODAY)
    assert (f.closed_on, f.close_reason, f.state) == (date(2026, 10, 1), "再就业", "closed")
    with pytest.raises(ValidationError, match="已于 2026-10-01 脱困退档"):
        assistance.assist(
            db, a, given_on="2026-10-02", kind="助学", amount=100, fund_source="社会捐助",
            today=TODAY,
        )  # fmt: skip
    b = _open(db, people["李四"])
    reviews.review(db, b, reviewed_on="2026-11-01", result="脱困退档", reviewer="李", today=TODAY)
    assert files.get_file(db, b, today=TODAY).closed_on == date(2026, 11, 1)
    assert hardship.list_files(db, today=TODAY) == []
    assert len(hardship.list_files(db, today=TODAY, include_closed=True)) == 2


def test_a_household_member_with_an_invalid_id_number_is_refused(
    db: Database, people: dict[str, str]
) -> None:
    before = writes(db)
    rows = family()
    rows[1]["id_number"] = BAD_ID
    with pytest.raises(ValidationError, match="家庭成员第 2 位：身份证号校验位错误") as exc:
        _open(db, people["张三"], household_members=rows)
    assert BAD_ID not in exc.value.message
    assert writes(db) == before
    case = _open(db, people["张三"])
    before = writes(db)
    with pytest.raises(ValidationError, match="家庭成员第 1 位：身份证号"):
        household.add_member(db, case, {"name": "张妻", "id_number": "12345"}, today=TODAY)
    assert writes(db) == before


def test_the_local_income_threshold_is_a_stored_setting(
    db: Database, people: dict[str, str]
) -> None:
    assert care_settings.income_threshold(db) is None
    assert office_settings.set_income_threshold(db, "1000") == 1000
    case = _open(db, people["张三"], monthly_income_per_capita=600, consent=a_consent())
    f = files.get_file(db, case, today=TODAY)
    assert f.income_threshold == 1000 and f.below_threshold is None  # hidden
    with pytest.raises(ValidationError, match="不能为负数"):
        office_settings.set_income_threshold(db, "-1")


def test_retention_keeps_a_closed_file_ten_years_then_purges_it_everywhere(
    db: Database, people: dict[str, str]
) -> None:
    case = _open(
        db,
        people["张三"],
        household_members=family(health="慢性病"),
        health_notes="糖尿病",
        consent=a_consent(),
    )
    assistance.assist(
        db, case, given_on="2026-02-01", kind="医疗救助", amount=800, fund_source="帮扶专项资金",
        handler="王干事", today=TODAY,
    )  # fmt: skip
    hardship.close_file(db, case, "2026-06-30", "病愈", today=TODAY)
    assert retention.purgeable(db, today=TODAY) == []
    with pytest.raises(ValidationError, match="须保存至 2036-06-30"):
        retention.purge(db, case, today=TODAY)
    day = date(2036, 6, 30)
    assert [p.id for p in retention.purgeable(db, today=day - timedelta(days=1))] == []
    assert [p.id for p in retention.purgeable(db, today=day)] == [case]
    retention.purge(db, case, today=day)
    assert retention.purgeable(db, today=day) == []
    with db.connect(write=False) as conn:
        left = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM hardship_cases WHERE deleted = 0) + "
                "(SELECT count(*) FROM hardship_household WHERE deleted = 0 OR name IS NOT NULL "
                " OR id_number IS NOT NULL OR health IS NOT NULL) + "
                "(SELECT count(*) FROM hardship_assistance WHERE deleted = 0) + "
                "(SELECT count(*) FROM hardship_consents WHERE deleted = 0) + "
                "(SELECT count(*) FROM hardship_cases WHERE health_notes IS NOT NULL)"
            )
        ).scalar_one()
        # the tombstones are captured, so sync carries the purge to every office
        captured = {
            str(r.tbl)
            for r in conn.execute(text("SELECT tbl, fields FROM sync_change"))
            if json.loads(r.fields).get("deleted") in (1, True)
        }
    assert left == 0
    assert {"hardship_cases", "hardship_household", "hardship_assistance"} <= captured


def test_a_purge_leaves_no_personal_value_in_the_change_log(
    db: Database, people: dict[str, str]
) -> None:
    """The log is what packages send: a purged file's health, income and household ID
    numbers must not stay in it to reach an office that had not had them yet."""
    case = _open(
        db,
        people["张三"],
        household_members=family(health="抑郁症", monthly_income=300),
        health_notes="尿毒症",
        monthly_income_per_capita=450,
        consent=a_consent(),
    )
    hardship.close_file(db, case, "2026-06-30", "病愈", today=TODAY)
    retention.purge(db, case, today=date(2036, 6, 30))
    with db.connect(write=False) as conn:
        logged = [
            str(r.fields)
            for r in conn.execute(text("SELECT fields FROM sync_change WHERE tbl LIKE 'hardship%'"))
        ]
    held = [f for f in logged if any(v in f for v in ("尿毒症", "抑郁症", CHILD_ID, "张妻"))]
    assert held == []
    assert not any('"monthly_income_per_capita":450' in f for f in logged)


def test_received_care_values_are_checked_like_local_input() -> None:
    """A package from another office cannot bring what the services refuse here."""
    from desktop.models import values

    assert values.check("hardship_assistance", {"amount_fen": -500})
    assert values.check("hardship_assistance", {"kind": "bribe"})
    assert not values.check("hardship_assistance", {"amount_fen": 500, "kind": "warmth"})
    assert values.check("hardship_household", {"id_number": BAD_ID})
    assert values.check("hardship_cases", {"level": "very_poor"})
    assert values.check("hardship_consents", {"form": "assumed"})
    assert values.table_label("hardship_household") == "困难职工家庭成员"


def test_the_dashboard_counts_the_due_list(db: Database, people: dict[str, str]) -> None:
    from desktop.services.figures import dashboard

    _open(db, people["张三"], opened="2025-11-01")
    _open(db, people["李四"], opened="2025-11-21")  # due today: due, not overdue
    with db.connect(write=False) as conn:
        figures = dashboard.hardship_figures(conn, TODAY)
    due = hardship.list_files(db, today=TODAY, due_within=dashboard.REVIEW_WINDOW_DAYS)
    assert (figures.overdue, figures.due_soon) == (1, 1)
    assert figures.overdue + figures.due_soon == len(due)


def test_a_file_is_opened_only_for_a_current_member(db: Database, people: dict[str, str]) -> None:
    """困难职工档案 are for this federation's members: not for one transferred out (QA B5);
    保留会籍 still counts as a member."""
    from desktop.services.members import registry as members
    from desktop.services.transfers import records as transfers

    transfers.transfer_out(db, people["张三"], to_union_name="外区总工会")
    before = writes(db)
    with pytest.raises(ValidationError) as caught:
        _open(db, people["张三"], opened=TODAY.isoformat())
    assert caught.value.message.startswith(
        f"该会员的会籍状态是「已转出」（{TODAY:%Y-%m-%d} 起），不能建立困难职工档案"
    )
    assert "张三" not in caught.value.message
    assert writes(db) == before
    assert hardship.file_of_member(db, people["张三"]) is None
    members.mark_left(db, people["李四"], "retained", reason="长期病休")
    assert _open(db, people["李四"], opened=TODAY.isoformat())


def test_a_household_member_added_later_is_counted_in_the_household_size(
    db: Database, people: dict[str, str]
) -> None:
    """家庭人口 never falls below the members listed plus the worker (as at opening): a
    newborn added later made a 「3 口之家」 list four people."""
    case = _open(db, people["张三"], household_members=family())
    assert files.get_file(db, case, today=TODAY).household_size == 3
    household.add_member(db, case, {"name": "张小妹", "relation": "子女"}, today=TODAY)
    assert files.get_file(db, case, today=TODAY).household_size == 4
    # a size typed larger than the list (someone not listed) is kept
    hardship.update_file(db, case, household_size=6)
    household.add_member(db, case, {"name": "张奶奶"}, today=TODAY)
    assert files.get_file(db, case, today=TODAY).household_size == 6


def test_removing_a_household_member_deletes_their_values_everywhere(
    db: Database, people: dict[str, str]
) -> None:
    """A person entered by mistake (or who left the household) is removed with their
    ID number, health and income blanked — in the log packages send too; an unknown
    row is refused with nothing written."""
    case = _open(db, people["张三"], household_members=family(health="抑郁症"), consent=a_consent())
    spouse = files.get_file(db, case, today=TODAY).household[0]
    before = writes(db)
    with pytest.raises(NotFoundError, match="家庭成员"):
        household.remove_member(db, case, "no-such-row")
    assert writes(db) == before
    household.remove_member(db, case, spouse.id)
    assert [p.name for p in files.get_file(db, case, today=TODAY).household] == ["张小"]
    with db.connect(write=False) as conn:
        row = conn.execute(
            text("SELECT name, id_number, health FROM hardship_household WHERE id = :i"),
            {"i": spouse.id},
        ).one()
        logged = [
            str(f)
            for f in conn.execute(
                text("SELECT fields FROM sync_change WHERE row_id = :i"), {"i": spouse.id}
            ).scalars()
        ]
    assert tuple(row) == (None, None, None)
    assert not [f for f in logged if "抑郁症" in f or spouse.id_number in f or "张妻" in f]


def test_an_exit_dated_before_the_last_assistance_or_review_is_refused(
    db: Database, people: dict[str, str]
) -> None:
    """脱困 on 2026-05-01 with aid given on 2026-10-01 put help after the exit on record
    (and started the 10-year retention before the last entry)."""
    case = _open(db, people["张三"], opened="2026-01-10")
    assistance.assist(
        db, case, given_on="2026-10-01", kind="生活救助", amount=500,
        fund_source="本级工会经费", today=TODAY,
    )  # fmt: skip
    reviews.review(
        db, case, reviewed_on="2026-11-01", result="继续帮扶", reviewer="李主席", today=TODAY
    )
    before = writes(db)
    with pytest.raises(
        ValidationError, match="早于本档案最后一次救助或复核的日期 2026-11-01"
    ) as exc:
        hardship.close_file(db, case, "2026-05-01", "再就业", today=TODAY)
    assert exc.value.field == "closed_on" and writes(db) == before
    hardship.close_file(db, case, "2026-11-01", "再就业", today=TODAY)
