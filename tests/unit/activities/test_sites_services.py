"""会站家 registers, the service log and evaluations on real SQLite."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services import sites
from desktop.services.sites import evaluations, service_log
from desktop.services.sites.evaluations import ItemSpec, LevelSpec
from desktop.services.sites.service_log import DayEntry
from desktop.storage.database import Database


def _count(db: Database, sql: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_sites_facilities_workers(db: Database, station: str) -> None:
    sites.set_facility(db, station, "AED", "良好")
    sites.set_facility(db, station, "母婴室", "fair", 2)
    sites.set_facility(db, station, "aed", "poor")  # update, not a second row
    facs = sites.list_facilities(db, station)
    assert [(f.facility, f.condition) for f in facs] == [("nursing_room", "fair"), ("aed", "poor")]
    worker = sites.add_worker(
        db, "李社工", site_id=station, contract_start="2025-01-01", contract_end="2027-12-31"
    )
    assert worker.site_name == "幸福路职工服务站"
    assert [w.id for w in sites.list_workers(db, station)] == [worker.id]
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        sites.update_worker(db, worker.id, contract_end="2024-01-01")
    with pytest.raises(ValidationError, match="不在代码表"):
        sites.set_facility(db, station, "游泳池")
    with pytest.raises(ValidationError, match="负数"):
        sites.add_site(db, "home", "某职工之家", seats=-3)
    assert [s.kind for s in sites.list_sites(db)] == ["station"]


def test_service_log_day_entry_and_negative_people(db: Database, station: str) -> None:
    ids = service_log.add_day(
        db,
        "2026-11-20",
        station,
        [DayEntry("困难帮扶", 3), DayEntry("法律援助", "0"), DayEntry("心理咨询", 5, "团体辅导")],
    )
    assert len(ids) == 2  # the empty legal-aid row is skipped
    assert sum(r.people for r in service_log.list_records(db, site_id=station)) == 8
    before = _count(db, "SELECT count(*) FROM sync_change")
    with pytest.raises(ValidationError, match="第 2 行：服务人次不能为负数") as info:
        service_log.add_day(
            db, "2026-11-21", station, [DayEntry("困难帮扶", 4), DayEntry("法律援助", -1)]
        )
    assert info.value.field == "people"
    assert _count(db, "SELECT count(*) FROM service_records") == 2
    assert _count(db, "SELECT count(*) FROM sync_change") == before
    with pytest.raises(ValidationError, match="未知的服务类别"):
        service_log.add_record(db, "2026-11-21", station, "钓鱼", 1)


def _template(db: Database) -> evaluations.TemplateRecord:
    return evaluations.create_template(
        db,
        "服务站星级评定（测试）",
        [ItemSpec("场所", 50), ItemSpec("台账", 50), ItemSpec("表彰", 10, is_bonus=True)],
        [
            LevelSpec(1, 60),
            LevelSpec(3, 80, min_area_m2=100),
            LevelSpec(4, 90, required_facilities=("aed",)),
        ],
        site_kind="station",
    )


def test_scoring_gives_points_star_and_history(db: Database, station: str) -> None:
    tpl = _template(db)
    a, b, bonus = (i.id or "" for i in tpl.items)
    first = evaluations.score_site(
        db, station, tpl.id, {a: 45, b: 40, bonus: 10}, evaluated_on=date(2026, 3, 1)
    )
    # 95 points and 120 m², but no usable AED → stops at 3 stars and says why.
    assert first.total_points == 95 and first.star_level == 3
    assert any("AED" in s for s in first.shortfalls)
    sites.set_facility(db, station, "aed", "good")
    second = evaluations.score_site(
        db,
        station,
        tpl.id,
        {a: 45, b: 40, bonus: 10},
        evaluated_on=date(2026, 11, 1),
        assessor="区总工会",
    )
    assert second.star_level == 4
    assert sites.get_site(db, station).star_level == 4
    assert [e.star_level for e in evaluations.history(db, station)] == [4, 3]
    # Editing the template keeps the old scores readable as they were scored.
    evaluations.update_template(
        db, tpl.id, tpl.name, [ItemSpec("场所与标识", 60, id=a)], list(tpl.levels), "station"
    )
    assert [s[0] for s in evaluations.scores_of(db, first.id)] == ["场所", "台账", "表彰"]
    assert [i.title for i in evaluations.get_template(db, tpl.id).items] == ["场所与标识"]


def test_score_over_item_maximum_refused(db: Database, station: str) -> None:
    tpl = _template(db)
    a = tpl.items[0].id or ""
    with pytest.raises(ValidationError, match="得分 51 超过该项满分 50"):
        evaluations.score_site(db, station, tpl.id, {a: 51}, evaluated_on="2026-11-21")
    for bad in ("nan", "inf"):  # NaN passed every check, then failed as an internal error
        with pytest.raises(ValidationError, match="得分应为数字"):
            evaluations.score_site(db, station, tpl.id, {a: bad}, evaluated_on="2026-11-21")
    assert _count(db, "SELECT count(*) FROM evaluations") == 0
    assert _count(db, "SELECT count(*) FROM evaluation_scores") == 0
    assert sites.get_site(db, station).star_level is None


def test_demo_fill_is_reproducible_and_consistent(db: Database) -> None:
    import random

    from desktop.demo.activities import fill_activities
    from desktop.services.figures import dashboard
    from tests.unit.activities.conftest import seed_members

    seed_members(db)
    with db.connect() as conn:
        summary = fill_activities(conn, random.Random(7), today=date(2026, 11, 21))
    assert summary.sites == 21 and summary.activities > 100 and summary.evaluations == 16
    assert _count(db, "SELECT count(*) FROM service_records") == summary.service_records
    d = dashboard.dashboard(db, date(2026, 11, 21))
    assert d.activities.total("activities") + d.activities.total("activities_last") == (
        summary.activities
    )
    assert sum(s.sites for s in d.sites) == 21


def test_preview_level_matches_scoring_and_writes_nothing(db: Database, station: str) -> None:
    tpl = _template(db)
    a, b, bonus = (i.id or "" for i in tpl.items)
    assert evaluations.preview_level(db, station, tpl.id, 59) == (
        None,
        ("1 星：得分需达到 60 分（当前 59 分）",),
    )
    star, shortfalls = evaluations.preview_level(db, station, tpl.id, 95)
    assert star == 3 and any("AED" in s for s in shortfalls)
    assert _count(db, "SELECT count(*) FROM evaluations") == 0
    scored = evaluations.score_site(
        db, station, tpl.id, {a: 45, b: 40, bonus: 10}, evaluated_on="2026-11-21"
    )
    assert (scored.star_level, scored.shortfalls) == (star, shortfalls)


def test_backdated_evaluation_keeps_the_latest_star_level(db: Database, station: str) -> None:
    """A clerk typing in last year's paper evaluation after this year's: the site keeps
    the star level of its latest evaluation by date, not of the one typed last."""
    tpl = _template(db)
    a, b, bonus = (i.id or "" for i in tpl.items)
    latest = evaluations.score_site(
        db, station, tpl.id, {a: 45, b: 40, bonus: 0}, evaluated_on=date(2026, 11, 1)
    )
    assert latest.star_level == 3
    older = evaluations.score_site(
        db, station, tpl.id, {a: 30, b: 31}, evaluated_on=date(2025, 10, 1)
    )
    assert older.star_level == 1
    assert sites.get_site(db, station).star_level == 3
    assert [e.star_level for e in evaluations.history(db, station)] == [3, 1]
    # A newer evaluation still replaces it, even a lower one.
    evaluations.score_site(db, station, tpl.id, {a: 10}, evaluated_on=date(2026, 11, 20))
    assert sites.get_site(db, station).star_level is None


def test_evaluation_and_service_log_dated_after_today_refused(db: Database, station: str) -> None:
    """An evaluation or a service delivered in the future is a typing slip (2062 for
    2026): refused with the date in the message, nothing written."""
    tpl = _template(db)
    a = tpl.items[0].id or ""
    with pytest.raises(ValidationError, match="评定日期 2062-11-21 晚于今天"):
        evaluations.score_site(db, station, tpl.id, {a: 50}, evaluated_on="2062-11-21")
    with pytest.raises(ValidationError, match="服务日期 2026-11-22 晚于今天"):
        service_log.add_day(db, "2026-11-22", station, [DayEntry("困难帮扶", 3)])
    assert _count(db, "SELECT count(*) FROM evaluations") == 0
    assert _count(db, "SELECT count(*) FROM service_records") == 0
    # today itself is fine
    assert service_log.add_day(db, "2026-11-21", station, [DayEntry("困难帮扶", 3)])


def test_deleting_a_site_leaves_its_workers_unassigned(db: Database, station: str) -> None:
    """The workers of a deleted site are listed as 未分配 (not as still at the site that
    is gone), ready to be assigned to another."""
    worker = sites.add_worker(db, "李社工", site_id=station)
    sites.delete_site(db, station)
    again = next(w for w in sites.list_workers(db) if w.id == worker.id)
    assert (again.site_id, again.site_name, again.status) == (None, None, "active")


def test_template_levels_out_of_order_are_refused(db: Database) -> None:
    """A star level needing fewer points than the one below it would stop every site at
    the lower one: a typing slip, refused with the levels named."""
    items = [ItemSpec("场所", 50), ItemSpec("台账", 50), ItemSpec("表彰", 10, is_bonus=True)]
    with pytest.raises(ValidationError, match="3 星的最低得分 75 不能低于 2 星的 80"):
        evaluations.create_template(db, "模板", items, [LevelSpec(2, 80), LevelSpec(3, 75)])
    assert evaluations.list_templates(db) == []
    assert evaluations.create_template(db, "模板", items, [LevelSpec(1, 60), LevelSpec(5, 110)])


@pytest.mark.parametrize(
    "typed", ["120", "120㎡", "120 m²", "120平方米", "120平米", "１２０ 平方米"]
)
def test_area_typed_with_its_unit_is_read(db: Database, typed: str) -> None:
    assert sites.add_site(db, "home", f"职工之家{typed}", area_m2=typed).area_m2 == 120


def test_absurd_numbers_are_refused_with_a_message(db: Database, station: str) -> None:
    """A card number scanned into the 人次 box, 1e30 in 预算, "nan" in 面积: each refused
    with a Chinese message naming the field (not an internal error), nothing written."""
    from desktop.services import activities

    with pytest.raises(ValidationError, match="服务人次.*过大"):
        service_log.add_day(
            db, "2026-11-20", station, [DayEntry("困难帮扶", "44190019900101001234")]
        )
    with pytest.raises(ValidationError, match="预算.*过大"):
        activities.add(
            db,
            {"title": "讲座", "category": "法律援助", "starts_at": "2026-11-20", "budget": "1e30"},
        )
    for bad in ("nan", "inf", "1e400", "99999999999"):
        with pytest.raises(ValidationError, match="面积"):
            sites.add_site(db, "home", "某职工之家", area_m2=bad)
    with pytest.raises(ValidationError, match="座位数.*过大"):
        sites.add_site(db, "home", "某职工之家", seats="12345678901234567890")
    assert _count(db, "SELECT count(*) FROM service_records") == 0
    assert _count(db, "SELECT count(*) FROM activities") == 0
    assert [s.id for s in sites.list_sites(db)] == [station]
