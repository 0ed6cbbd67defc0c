"""Dashboard figures and the .xlsx reports, every figure checked by an independent count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.services import activities
from desktop.services.figures import dashboard
from desktop.services.figures import report_book as reports
from desktop.services.sites import service_log
from desktop.services.sites.service_log import DayEntry
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


AS_OF = date(2026, 11, 30)


def _n(db: Database, sql: str, **params: object) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(sql), params).scalar_one() or 0)


CUR = (
    "deleted = 0 AND membership_status IN ('active','retained') "
    "AND (joined_on IS NULL OR joined_on <= '2026-11-30')"
)


@pytest.fixture
def filled(db: Database, members: dict[str, str], station: str) -> Database:
    for start, cat in (
        ("2026-03-01 09:00", "legal_aid"),
        ("2025-05-01 09:00", "legal_aid"),
        ("2026-07-01 09:00", "festival"),
    ):
        act = activities.add(
            db, {"title": "活动", "category": cat, "starts_at": start, "site_id": station}
        ).id
        activities.attend_by_card(db, act, "C001")
        activities.attend_guest(db, act, "访客")
    service_log.add_day(
        db, "2026-11-02", station, [DayEntry("hardship_help", 7), DayEntry("legal_aid", 2)]
    )
    service_log.add_day(db, "2025-11-02", station, [DayEntry("hardship_help", 4)])
    with db.connect() as conn:
        for i, due in enumerate(("2026-11-01", "2026-12-15", "2027-06-01")):
            conn.execute(
                text(
                    "INSERT INTO hardship_cases (id, member_id, level, opened_on, review_due_on) "
                    "VALUES (:id, 'm1', 'deep', '2025-01-01', :due)"
                ),
                {"id": f"h{i}", "due": due},
            )
    return db


def test_member_figures_match_independent_counts(filled: Database) -> None:
    db = filled
    m = dashboard.dashboard(db, AS_OF).members
    assert m.total == _n(db, f"SELECT count(*) FROM members WHERE {CUR}") == 5
    assert m.female == _n(db, f"SELECT count(*) FROM members WHERE {CUR} AND gender = 'F'")
    assert m.migrant == _n(
        db, f"SELECT count(*) FROM members WHERE {CUR} AND is_migrant_worker = 1"
    )
    assert m.new_in_month == 1 and m.new_in_year == 2  # C001 (Nov), C002 (Feb)
    assert m.left_in_month == 1  # C003 withdrew in November
    # C001 born 2000-05-01 → 26; C005 born 1992-11-22 → 34 on 2026-11-30: both 新生代.
    young = next(b for b in m.age_bands if b.new_generation)
    assert young.count == 2 and young.low == 16 and young.high == 34
    assert m.age_other == 1  # C007 has no birth date
    assert m.statuses["applicant"] == 1 and m.statuses["withdrawn"] == 1
    assert sum(u.total for u in m.by_union) == m.total
    assert {u.union_name: u.total for u in m.by_union} == {"甲工会": 2, "乙工会": 3}


def test_activity_and_hardship_figures(filled: Database) -> None:
    d = dashboard.dashboard(filled, AS_OF)
    rows = {r.code: r for r in d.activities.rows}
    assert (rows["legal_aid"].activities, rows["legal_aid"].activities_last) == (1, 1)
    assert rows["legal_aid"].attendance == 2 and rows["legal_aid"].service_people == 2
    assert rows["hardship_help"].service_people == 7 and rows["hardship_help"].people_last == 4
    assert rows["festival"].activities == 1 and not rows["festival"].fixed
    assert d.activities.coverage.reached == 1 and d.activities.coverage.members == 5
    assert (d.hardship.open_cases, d.hardship.overdue, d.hardship.due_soon) == (3, 1, 1)


def _sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_monthly_report_reconciles(filled: Database, tmp_path: Path) -> None:
    db = filled
    out = reports.write_monthly(db, 2026, 11, tmp_path / "月报.xlsx")
    wb = load_workbook(out)
    ws = wb["会员月报"]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert "B3:D3" in {str(r) for r in ws.merged_cells.ranges}  # 会员人数 group
    body = {r[0]: r[1:] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    for uid, name in (("u1", "甲工会"), ("u2", "乙工会")):
        expected = (
            _n(db, f"SELECT count(*) FROM members WHERE {CUR} AND union_id = :u", u=uid),
            _n(
                db,
                f"SELECT count(*) FROM members WHERE {CUR} AND union_id = :u AND gender='F'",
                u=uid,
            ),
            _n(
                db,
                f"SELECT count(*) FROM members WHERE {CUR} AND union_id = :u "
                "AND is_migrant_worker = 1",
                u=uid,
            ),
            _n(
                db,
                "SELECT count(*) FROM members WHERE deleted = 0 AND union_id = :u AND "
                "membership_status <> 'applicant' AND joined_on BETWEEN '2026-11-01' AND "
                "'2026-11-30'",
                u=uid,
            ),
            _n(
                db,
                "SELECT count(*) FROM members WHERE deleted = 0 AND union_id = :u AND "
                "membership_status <> 'applicant' AND joined_on BETWEEN '2026-01-01' AND "
                "'2026-11-30'",
                u=uid,
            ),
            _n(
                db,
                "SELECT count(*) FROM members WHERE deleted = 0 AND union_id = :u AND "
                "left_on BETWEEN '2026-11-01' AND '2026-11-30'",
                u=uid,
            ),
            _n(
                db,
                "SELECT count(*) FROM members WHERE deleted = 0 AND union_id = :u AND "
                "left_on BETWEEN '2026-01-01' AND '2026-11-30'",
                u=uid,
            ),
        )
        assert body[name] == expected
    assert body["合计"] == tuple(
        sum(col) for col in zip(body["甲工会"], body["乙工会"], strict=True)
    )
    m = dashboard.dashboard(db, AS_OF).members
    assert body["合计"][0] == m.total and body["合计"][3] == m.new_in_month
    structure = {r[0]: r[1] for r in _sheet_rows(out, "会员结构") if r[0]}
    assert structure["年龄：35岁以下（新生代）"] == _n(
        db,
        f"SELECT count(*) FROM members WHERE {CUR} AND birth_date > '1991-11-30' "
        "AND birth_date <= '2010-11-30'",
    )
    assert structure["农民工"] == m.migrant


def test_annual_report_reconciles(filled: Database, tmp_path: Path) -> None:
    db = filled
    out = reports.write_annual(db, 2026, tmp_path / "年报.xlsx", today=AS_OF)
    rows = {r[0]: r for r in _sheet_rows(out, "3+N服务") if r[0]}
    legal = rows["法律援助"]
    assert legal[2:4] == (
        _n(
            db,
            "SELECT count(*) FROM activities WHERE deleted = 0 AND category = 'legal_aid' "
            "AND starts_at >= '2026-01-01' AND starts_at < '2027-01-01'",
        ),
        _n(
            db,
            "SELECT count(*) FROM activities WHERE deleted = 0 AND category = 'legal_aid' "
            "AND starts_at >= '2025-01-01' AND starts_at < '2026-01-01'",
        ),
    )
    assert rows["困难帮扶"][6:8] == (
        _n(
            db,
            "SELECT sum(people) FROM service_records WHERE category = 'hardship_help' "
            "AND served_on >= '2026-01-01' AND served_on < '2027-01-01'",
        ),
        _n(
            db,
            "SELECT sum(people) FROM service_records WHERE category = 'hardship_help' "
            "AND served_on >= '2025-01-01' AND served_on < '2026-01-01'",
        ),
    )
    assert rows["合计"][4] == _n(
        db,
        "SELECT count(*) FROM attendances t JOIN activities a ON a.id = t.activity_id "
        "WHERE a.starts_at >= '2026-01-01' AND a.starts_at < '2027-01-01'",
    )
    site_rows = {r[0]: r for r in _sheet_rows(out, "会站家阵地") if r[0]}
    assert site_rows["职工服务站"][1] == 1 and site_rows["职工服务站"][2] == 120
    members = {r[0]: r for r in _sheet_rows(out, "会员情况") if r[0]}
    assert members["合计"][1] == 5


def test_bad_report_target_is_refused(filled: Database, tmp_path: Path) -> None:
    with pytest.raises(UnionDeskError, match=".xlsx"):
        reports.write_monthly(filled, 2026, 11, tmp_path / "月报.xls")
    with pytest.raises(UnionDeskError, match="月份"):
        reports.write_monthly(filled, 2026, 13, tmp_path / "月报.xlsx")
    assert list(tmp_path.glob("*.xls*")) == []


def test_monthly_report_of_the_running_month_stops_at_today(
    filled: Database, tmp_path: Path
) -> None:
    """November's report made on 10 November says 截至 10 November, and a review due on
    15 December is not yet within 30 days of it (it is of 30 November)."""
    out = reports.write_monthly(filled, 2026, 11, tmp_path / "月报.xlsx", today=date(2026, 11, 10))
    rows = _sheet_rows(out, "会员月报")
    assert "统计截至：2026年11月10日" in str(rows[1][0])
    hardship = next(str(r[0]) for r in rows if str(r[0]).startswith("困难职工档案"))
    assert "逾期未复核 1 户，30 天内到期 0 户" in hardship


def _monthly_notes(path: Path) -> tuple[str, str]:
    ws = load_workbook(path)["会员月报"]
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c]
    return str(ws["A2"].value), next(c for c in cells if c.startswith("困难职工档案"))


def test_the_current_month_is_counted_as_of_today_not_its_last_day(
    filled: Database, tmp_path: Path
) -> None:
    # On 1 November the file due on 1 November is due today, not overdue: the month's
    # end (30 November) lies in the future and no figure may be counted there.
    out = reports.write_monthly(filled, 2026, 11, tmp_path / "月报.xlsx", today=date(2026, 11, 1))
    subtitle, hardship = _monthly_notes(out)
    assert "统计截至：2026年11月01日" in subtitle
    assert "逾期未复核 0 户" in hardship and "30 天内到期 1 户" in hardship


def test_a_month_or_year_that_has_not_begun_is_refused(filled: Database, tmp_path: Path) -> None:
    today = date(2026, 11, 20)
    with pytest.raises(UnionDeskError, match="2026年12月还没有开始"):
        reports.write_monthly(filled, 2026, 12, tmp_path / "月报.xlsx", today=today)
    with pytest.raises(UnionDeskError, match="2027年还没有开始"):
        reports.write_annual(filled, 2027, tmp_path / "年报.xlsx", today=today)
    assert list(tmp_path.glob("*.xlsx")) == []


def test_a_past_month_counts_the_hardship_files_open_at_its_end(
    filled: Database, tmp_path: Path
) -> None:
    with filled.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO hardship_cases (id, member_id, level, opened_on, review_due_on, "
                "closed_on) VALUES ('late', 'm1', 'deep', '2026-12-01', '2027-12-01', NULL), "
                "('closed', 'm1', 'deep', '2025-06-01', '2026-12-20', '2026-12-05')"
            )
        )
    out = reports.write_monthly(filled, 2026, 11, tmp_path / "月报.xlsx", today=date(2026, 12, 7))
    _, hardship = _monthly_notes(out)
    # Open on 30 November: the three of the fixture and the one closed on 5 December;
    # not the one opened on 1 December.
    assert "在档 4 户" in hardship, hardship


@pytest.mark.parametrize("year", [0, -5, 1899])
def test_an_impossible_year_is_refused_in_words(
    filled: Database, tmp_path: Path, year: int
) -> None:
    today = date(2026, 11, 20)
    with pytest.raises(UnionDeskError, match="年份"):
        reports.write_monthly(filled, year, 1, tmp_path / "月报.xlsx", today=today)
    with pytest.raises(UnionDeskError, match="年份"):
        reports.write_annual(filled, year, tmp_path / "年报.xlsx", today=today)


def test_union_workers_without_a_site_are_counted(
    filled: Database, station: str, tmp_path: Path
) -> None:
    """社会化工会工作者 in post but not (or no longer) assigned to a site still count: the
    annual 会站家 table's 合计 is every worker in post, with a 未分配阵地 row for them."""
    from desktop.services import sites

    sites.add_worker(filled, "李社工", site_id=station)
    sites.add_worker(filled, "王社工")  # not assigned yet
    closed = sites.add_site(filled, "home", "临时职工之家").id
    sites.add_worker(filled, "赵社工", site_id=closed)
    sites.delete_site(filled, closed)
    gone = sites.add_worker(filled, "钱社工")
    sites.update_worker(filled, gone.id, status="left")
    in_post = _n(
        filled, "SELECT count(*) FROM union_workers WHERE deleted = 0 AND status = 'active'"
    )
    assert in_post == 3
    d = dashboard.dashboard(filled, AS_OF)
    assert sum(s.workers for s in d.sites) + d.unassigned_workers == in_post
    assert d.unassigned_workers == 2
    out = reports.write_annual(filled, 2026, tmp_path / "年报.xlsx", today=AS_OF)
    site_rows = {r[0]: r for r in _sheet_rows(out, "会站家阵地") if r[0]}
    assert site_rows["未分配阵地"][9] == 2
    assert site_rows["合计"][9] == in_post


def test_a_past_month_counts_who_was_a_member_then_and_in_which_union(
    filled: Database,
) -> None:
    """The October figures do not change when someone leaves or moves in November: C003
    (withdrew 5 November) was a member on 31 October, and C005 (moved from 甲 to 乙 on
    10 November) was 甲's."""
    with filled.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO transfers (id, member_id, from_union_id, to_union_id, "
                "transferred_on, kind) VALUES ('t1', 'm5', 'u1', 'u2', '2026-11-10', 'internal')"
            )
        )
    m = dashboard.dashboard(filled, date(2026, 10, 31)).members
    by_union = {u.union_name: u.total for u in m.by_union}
    assert by_union == {"甲工会": 3, "乙工会": 2}  # 甲: C002, C003, C005; 乙: C004, C007
    assert m.total == 5 and m.male == 3 and m.female == 1 and m.migrant == 1
    band = next(b for b in m.age_bands if b.low == 35)
    assert band.count == 2  # C002 (36) and C003 (41) on 31 October
    # Today's figures are today's: C003 gone, C005 in 乙.
    now = dashboard.dashboard(filled, AS_OF).members
    assert {u.union_name: u.total for u in now.by_union} == {"甲工会": 2, "乙工会": 3}


def test_a_folder_that_does_not_exist_is_named_in_chinese(filled: Database, tmp_path: Path) -> None:
    target = tmp_path / "无此文件夹" / "月报.xlsx"
    with pytest.raises(UnionDeskError) as err:
        reports.write_monthly(filled, 2026, 11, target, today=AS_OF)
    assert "找不到" in err.value.message and "No such file" not in err.value.message
