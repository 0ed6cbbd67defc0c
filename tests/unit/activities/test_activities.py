"""Activities and attendance on a real SQLite file, including the refused inputs."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services import activities
from desktop.services.activities import categories
from desktop.storage.database import Database


def _count(db: Database, sql: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _activity(db: Database, station: str) -> str:
    return activities.add(
        db,
        {
            "title": "职工趣味运动会",
            "category": "文体健康",
            "starts_at": "2026-11-21 09:00",
            "ends_at": "2026-11-21 11:30",
            "site_id": station,
            "budget": "2000",
            "spent": "1850.50",
        },
    ).id


def test_categories_are_3_fixed_plus_editable_n(db: Database) -> None:
    cats = categories.list_categories(db)
    assert [c.code for c in cats if c.fixed] == [
        "hardship_help",
        "legal_aid",
        "culture_sport_health",
    ]
    assert "public_services" in [c.code for c in cats]
    new = categories.add_category(db, "职工技能竞赛")
    categories.rename_category(db, new.code, "技能竞赛")
    categories.set_active(db, "festival", False)
    names = [c.name for c in categories.list_categories(db)]
    assert "技能竞赛" in names and "节日喜庆" not in names
    with pytest.raises(ValidationError, match="固定"):
        categories.set_active(db, "legal_aid", False)


def test_add_activity_and_attend_by_card(
    db: Database, members: dict[str, str], station: str
) -> None:
    act = _activity(db, station)
    rec = activities.get(db, act)
    assert rec.category == "culture_sport_health" and rec.spent_fen == 185050
    att = activities.attend_by_card(db, act, " c001\n")  # scanner case and whitespace
    assert att.member_id == members["C001"] and att.method == "card"
    activities.attend_by_card(db, act, "https://card.example/q?no=C004")  # retained: allowed
    activities.attend_guest(db, act, "王阿姨")
    assert activities.get(db, act).attendance == 3
    cov = activities.coverage(db, 2026, date(2026, 11, 21))
    # current at 2026-11-21: C001 C002 C004 C005 C007 (C008 joins in December)
    assert (cov.reached, cov.members) == (2, 5)


@pytest.mark.parametrize(
    ("card", "message"),
    [("C999", "未找到该会员"), ("C003", "已退会"), ("", "请输入")],
)
def test_bad_card_numbers_are_refused_and_nothing_written(
    db: Database, members: dict[str, str], station: str, card: str, message: str
) -> None:
    act = _activity(db, station)
    before = _count(db, "SELECT count(*) FROM sync_change")
    with pytest.raises(ValidationError, match=message) as info:
        activities.attend_by_card(db, act, card)
    assert info.value.field == "card_no"
    assert _count(db, "SELECT count(*) FROM attendances") == 0
    assert _count(db, "SELECT count(*) FROM sync_change") == before


def test_duplicate_attendance_refused(db: Database, members: dict[str, str], station: str) -> None:
    act = _activity(db, station)
    activities.attend_by_card(db, act, "C002")
    with pytest.raises(ValidationError, match="已签到"):
        activities.attend_member(db, act, members["C002"])
    assert _count(db, "SELECT count(*) FROM attendances") == 1


def test_activity_ending_before_start_refused(db: Database, station: str) -> None:
    with pytest.raises(ValidationError, match="不能早于开始时间") as info:
        activities.add(
            db,
            {
                "title": "讲座",
                "category": "legal_aid",
                "starts_at": "2026-11-21 14:00",
                "ends_at": "2026-11-21 13:00",
            },
        )
    assert info.value.field == "ends_at"
    act = _activity(db, station)
    with pytest.raises(ValidationError, match="不能早于"):
        activities.update(db, act, {"ends_at": datetime(2026, 11, 20, 8, 0)})
    assert _count(db, "SELECT count(*) FROM activities") == 1
    assert activities.get(db, act).ends_at == datetime(2026, 11, 21, 11, 30)


def test_writes_are_captured_for_sync(db: Database, members: dict[str, str], station: str) -> None:
    act = _activity(db, station)
    activities.attend_by_card(db, act, "C001")
    activities.add_photo(db, act, b"\xff\xd8fakejpeg")
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT tbl, fields FROM sync_change WHERE tbl IN "
                "('activities', 'attendances', 'activity_photos', 'sites')"
            )
        ).all()
    tables = {r[0] for r in rows}
    assert tables == {"activities", "attendances", "activity_photos", "sites"}
    act_change = next(json.loads(r[1]) for r in rows if r[0] == "activities")
    assert act_change["title"] == "职工趣味运动会" and act_change["budget_fen"] == 200000
    activities.delete(db, act)
    assert _count(db, "SELECT count(*) FROM activities WHERE deleted = 1") == 1
    assert _count(db, "SELECT count(*) FROM attendances WHERE deleted = 0") == 0


def test_member_who_left_later_can_be_signed_in_to_an_earlier_activity(
    db: Database, members: dict[str, str], station: str
) -> None:
    """Typing in October's paper sign-in sheet in late November: C003 left on 5 November
    but was a member on 15 October, so the card (or a search) signs him in; at an
    activity on or after his leaving day he is still refused."""
    october = activities.add(
        db, {"title": "秋季健步走", "category": "文体健康", "starts_at": "2026-10-15 09:00"}
    ).id
    att = activities.attend_by_card(db, october, "C003")
    assert att.member_id == members["C003"]
    activities.remove_attendance(db, att.id)
    assert activities.attend_member(db, october, members["C003"]).member_id == members["C003"]
    on_the_day = activities.add(
        db, {"title": "讲座", "category": "法律援助", "starts_at": "2026-11-05 09:00"}
    ).id
    with pytest.raises(ValidationError, match="已退会"):
        activities.attend_by_card(db, on_the_day, "C003")
    assert activities.get(db, on_the_day).attendance == 0


def test_sign_in_sheet_is_headed_with_this_offices_federation(db: Database) -> None:
    """An upper office holds its sub-federations' rows too: the 活动签到表 is headed with
    the office's own federation, not whichever federation row comes first."""
    from desktop.printing.forms.data import load_attendance
    from desktop.services.unions import federations

    with db.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO federations (id, name, card_prefix) VALUES ('sub', '某下级联合会', '')"
            )
        )
    federations.create(db, "某区总工会", card_prefix="QZ")
    act = activities.add(
        db, {"title": "普法讲座", "category": "法律援助", "starts_at": "2026-11-20 09:00"}
    ).id
    with db.connect(write=False) as conn:
        assert load_attendance(conn, act).federation_name == "某区总工会"


def test_attendance_lists_in_the_order_scanned_within_one_second(
    db: Database, members: dict[str, str], station: str
) -> None:
    """A scanner at a busy door signs several people in within one second (the clock
    does not move in tests): the list keeps the order they were scanned, so the panel's
    newest-first list has the card just scanned on top."""
    act = _activity(db, station)
    cards = ["C005", "C001", "C007", "C002", "C004"]
    for card in cards:
        activities.attend_by_card(db, act, card)
    assert [a.member_id for a in activities.list_attendance(db, act)] == [members[c] for c in cards]


@pytest.mark.parametrize(
    "typed",
    ["2026-12-08 14:30", "2026/12/8 14:30", "2026.12.08 14:30", "2026年12月8日 14:30",
     "2026年12月8日14:30", "２０２６年１２月８日 １４：３０"],
)  # fmt: skip
def test_start_time_typed_the_chinese_way_is_read(db: Database, typed: str) -> None:
    rec = activities.add(db, {"title": "讲座", "category": "法律援助", "starts_at": typed})
    assert rec.starts_at == datetime(2026, 12, 8, 14, 30)


def test_an_activity_year_far_out_is_refused_as_a_slip(db: Database, station: str) -> None:
    """QA: 9999-01-01 was accepted as an activity's start (and 0026 for 2026 would be)."""
    act = _activity(db, station)
    for when in ("9999-01-01 09:00", "2029-01-01 09:00", "0026-11-21 09:00"):
        with pytest.raises(ValidationError, match="不在可登记的年份内"):
            activities.update(db, act, {"starts_at": when})
    planned = {"starts_at": "2028-12-31 09:00", "ends_at": "2028-12-31 11:00"}
    assert activities.update(db, act, planned).starts_at.year == 2028  # two years ahead
