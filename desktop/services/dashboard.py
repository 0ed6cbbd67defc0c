"""首页 figures by SQL aggregates — the one source for the dashboard and the upward reports.

Every figure is a GROUP BY or a range count answered from a covering index (see
``desktop.models.stats_indexes``), never a Python loop over rows, so a million members
stay well under a second. The monthly and annual report tables call these same
functions, so a figure on paper always equals the one on screen.

Definitions (shared by the dashboard and the reports):
- current member: not deleted, status active or retained, joined on or before ``as_of``
  (or join date unknown);
- new in a period: joined within the period (to ``as_of``), any status but applicant;
- left in a period: ``left_on`` within the period, status transferred_out/withdrawn/expelled;
- age: whole years at ``as_of``; 16–34 is the 新生代 band;
- 人次 by category: service-log people plus activity attendances, by calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, text

from desktop.db import Database
from desktop.models.codes import AGE_BANDS, MEMBERS_STATUS_ORDER, SITE_KIND
from desktop.services import categories
from desktop.services.activities import Coverage, coverage_in

CURRENT = ("active", "retained")
LEFT = ("transferred_out", "withdrawn", "expelled")
NEW_GENERATION_BAND = "under_35"
REVIEW_WINDOW_DAYS = 30


def years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class UnionRow:
    union_id: str
    union_name: str
    total: int = 0
    female: int = 0
    male: int = 0
    migrant: int = 0
    new_in_month: int = 0
    new_in_year: int = 0
    left_in_month: int = 0
    left_in_year: int = 0


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    low: int
    high: int
    count: int
    new_generation: bool


@dataclass(frozen=True)
class MemberFigures:
    as_of: date
    total: int
    female: int
    male: int
    gender_unknown: int
    migrant: int
    new_in_month: int
    new_in_year: int
    left_in_month: int
    left_in_year: int
    statuses: dict[str, int]
    age_bands: tuple[AgeBand, ...]
    age_other: int
    by_union: tuple[UnionRow, ...]

    @property
    def migrant_share(self) -> float:
        return self.migrant / self.total if self.total else 0.0

    @property
    def new_generation(self) -> int:
        return sum(b.count for b in self.age_bands if b.new_generation)


@dataclass(frozen=True)
class CategoryRow:
    code: str
    label: str
    fixed: bool
    activities: int = 0
    activities_last: int = 0
    attendance: int = 0
    attendance_last: int = 0
    service_people: int = 0
    service_people_last: int = 0

    @property
    def people(self) -> int:
        return self.attendance + self.service_people

    @property
    def people_last(self) -> int:
        return self.attendance_last + self.service_people_last


@dataclass(frozen=True)
class ActivityFigures:
    year: int
    rows: tuple[CategoryRow, ...]
    coverage: Coverage

    def total(self, attr: str) -> int:
        return sum(int(getattr(r, attr)) for r in self.rows)


@dataclass(frozen=True)
class HardshipFigures:
    as_of: date
    open_cases: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class SiteKindRow:
    kind: str
    label: str
    sites: int
    area_m2: float
    seats: int
    stars: dict[int, int]
    workers: int
    service_people: int


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    members: MemberFigures
    activities: ActivityFigures
    hardship: HardshipFigures
    sites: tuple[SiteKindRow, ...]


def member_figures(conn: Connection, as_of: date, month_start: date | None = None) -> MemberFigures:
    """Member figures at ``as_of``; "month" runs from ``month_start`` (default: the 1st)."""
    m0 = (month_start or as_of.replace(day=1)).isoformat()
    y0 = as_of.replace(month=1, day=1).isoformat()
    cut = as_of.isoformat()
    unions = {
        str(r[0]): str(r[1])
        for r in conn.execute(
            text("SELECT id, name FROM unions WHERE deleted = 0 ORDER BY sort_key")
        )
    }
    per_union: dict[str, dict[str, int]] = {u: {} for u in unions}
    statuses: dict[str, int] = {}
    # One pass over ix_members_stats_groups: status × union × gender × migrant.
    groups = conn.execute(
        text(
            "SELECT membership_status, union_id, gender, is_migrant_worker, count(*) "
            "FROM members WHERE deleted = 0 AND (joined_on IS NULL OR joined_on <= :cut) "
            "GROUP BY membership_status, union_id, gender, is_migrant_worker"
        ),
        {"cut": cut},
    ).all()
    for status, union_id, gender, migrant, n in groups:
        statuses[status] = statuses.get(status, 0) + n
        if status not in CURRENT:
            continue
        row = per_union.setdefault(str(union_id), {})
        row["total"] = row.get("total", 0) + n
        if gender == "F":
            row["female"] = row.get("female", 0) + n
        elif gender == "M":
            row["male"] = row.get("male", 0) + n
        if migrant:
            row["migrant"] = row.get("migrant", 0) + n
    for union_id, in_month, in_year in conn.execute(
        text(
            "SELECT union_id, sum(joined_on >= :m0), count(*) FROM members "
            "WHERE deleted = 0 AND joined_on >= :y0 AND joined_on <= :cut "
            "AND membership_status <> 'applicant' GROUP BY union_id"
        ),
        {"m0": m0, "y0": y0, "cut": cut},
    ):
        row = per_union.setdefault(str(union_id), {})
        row["new_in_month"] = int(in_month or 0)
        row["new_in_year"] = int(in_year)
    for union_id, in_month, in_year in conn.execute(
        text(
            "SELECT union_id, sum(left_on >= :m0), count(*) FROM members "
            "WHERE deleted = 0 AND left_on >= :y0 AND left_on <= :cut "
            "AND membership_status IN ('transferred_out', 'withdrawn', 'expelled') "
            "GROUP BY union_id"
        ),
        {"m0": m0, "y0": y0, "cut": cut},
    ):
        row = per_union.setdefault(str(union_id), {})
        row["left_in_month"] = int(in_month or 0)
        row["left_in_year"] = int(in_year)
    bands: list[AgeBand] = []
    for code, label, low, high in AGE_BANDS:
        n = conn.execute(
            text(
                "SELECT count(*) FROM members WHERE deleted = 0 "
                "AND membership_status IN ('active', 'retained') "
                "AND birth_date > :after AND birth_date <= :by "
                "AND (joined_on IS NULL OR joined_on <= :cut)"
            ),
            {
                "after": years_ago(as_of, high + 1).isoformat(),
                "by": years_ago(as_of, low).isoformat(),
                "cut": cut,
            },
        ).scalar_one()
        bands.append(AgeBand(code, label, low, high, int(n), code == NEW_GENERATION_BAND))
    rows = tuple(
        UnionRow(union_id, unions.get(union_id, "（已删除的工会）"), **values)
        for union_id, values in per_union.items()
    )
    total = sum(r.total for r in rows)
    female = sum(r.female for r in rows)
    male = sum(r.male for r in rows)
    return MemberFigures(
        as_of=as_of,
        total=total,
        female=female,
        male=male,
        gender_unknown=total - female - male,
        migrant=sum(r.migrant for r in rows),
        new_in_month=sum(r.new_in_month for r in rows),
        new_in_year=sum(r.new_in_year for r in rows),
        left_in_month=sum(r.left_in_month for r in rows),
        left_in_year=sum(r.left_in_year for r in rows),
        statuses={s: statuses.get(s, 0) for s in MEMBERS_STATUS_ORDER},
        age_bands=tuple(bands),
        age_other=total - sum(b.count for b in bands),
        by_union=rows,
    )


def _by_category(conn: Connection, sql: str, year: int) -> dict[str, tuple[int, int]]:
    params = {
        "last": f"{year - 1:04d}-01-01",
        "this": f"{year:04d}-01-01",
        "next": f"{year + 1:04d}-01-01",
    }
    return {str(r[0]): (int(r[1] or 0), int(r[2] or 0)) for r in conn.execute(text(sql), params)}


def activity_figures(conn: Connection, year: int, as_of: date | None = None) -> ActivityFigures:
    """Activities, attendances and service-log 人次 by category, ``year`` vs the year before."""
    acts = _by_category(
        conn,
        "SELECT category, sum(starts_at >= :this), sum(starts_at < :this) FROM activities "
        "WHERE deleted = 0 AND starts_at >= :last AND starts_at < :next GROUP BY category",
        year,
    )
    att = _by_category(
        conn,
        "SELECT a.category, sum(a.starts_at >= :this), sum(a.starts_at < :this) "
        "FROM activities a JOIN attendances t ON t.activity_id = a.id AND t.deleted = 0 "
        "WHERE a.deleted = 0 AND a.starts_at >= :last AND a.starts_at < :next "
        "GROUP BY a.category",
        year,
    )
    # One index seek per category and year (ix_service_records_stats_category) rather than
    # sorting two years of rows by category. A record's category is checked against
    # service_categories when entered, so every code in use is listed there.
    svc = _by_category(
        conn,
        "SELECT c.code, "
        "(SELECT sum(people) FROM service_records WHERE deleted = 0 AND category = c.code "
        "AND served_on >= :this AND served_on < :next), "
        "(SELECT sum(people) FROM service_records WHERE deleted = 0 AND category = c.code "
        "AND served_on >= :last AND served_on < :this) "
        "FROM (SELECT DISTINCT code FROM service_categories) c",
        year,
    )
    known = categories.list_in(conn, include_inactive=True)
    codes = [c.code for c in known]
    extra = sorted((set(acts) | set(att) | set(svc)) - set(codes))
    labels = {c.code: c.name for c in known}
    fixed = {c.code for c in known if c.fixed}
    active = {c.code for c in known if c.active}
    rows = []
    for code in [*codes, *extra]:
        a, t, s = acts.get(code, (0, 0)), att.get(code, (0, 0)), svc.get(code, (0, 0))
        if code not in active and not any((*a, *t, *s)):
            continue  # a retired category with nothing in either year
        rows.append(
            CategoryRow(
                code, labels.get(code, code), code in fixed, a[0], a[1], t[0], t[1], s[0], s[1]
            )
        )
    return ActivityFigures(year, tuple(rows), coverage_in(conn, year, as_of))


def hardship_figures(conn: Connection, as_of: date) -> HardshipFigures:
    row = conn.execute(
        text(
            "SELECT count(*), coalesce(sum(review_due_on < :today), 0), "
            "coalesce(sum(review_due_on >= :today AND review_due_on <= :soon), 0) "
            "FROM hardship_cases WHERE deleted = 0 AND closed_on IS NULL"
        ),
        {
            "today": as_of.isoformat(),
            "soon": (as_of + timedelta(days=REVIEW_WINDOW_DAYS)).isoformat(),
        },
    ).one()
    return HardshipFigures(as_of, int(row[0]), int(row[1]), int(row[2]))


def site_figures(conn: Connection, year: int) -> tuple[SiteKindRow, ...]:
    base: dict[str, dict[str, Any]] = {
        k: {"sites": 0, "area": 0.0, "seats": 0, "stars": {}, "workers": 0, "people": 0}
        for k in SITE_KIND.codes
    }
    for kind, star, n, area, seats in conn.execute(
        text(
            "SELECT kind, star_level, count(*), coalesce(sum(area_m2), 0), coalesce(sum(seats), 0) "
            "FROM sites WHERE deleted = 0 GROUP BY kind, star_level"
        )
    ):
        b = base.setdefault(
            kind, {"sites": 0, "area": 0.0, "seats": 0, "stars": {}, "workers": 0, "people": 0}
        )
        b["sites"] += n
        b["area"] += float(area)
        b["seats"] += int(seats)
        if star:
            b["stars"][int(star)] = b["stars"].get(int(star), 0) + n
    for kind, n in conn.execute(
        text(
            "SELECT s.kind, count(*) FROM union_workers w JOIN sites s ON s.id = w.site_id "
            "WHERE w.deleted = 0 AND w.status = 'active' AND s.deleted = 0 GROUP BY s.kind"
        )
    ):
        base[kind]["workers"] = int(n)
    for kind, people in conn.execute(
        # Per site, one seek into ix_service_records_stats_site; then by kind.
        text(
            "SELECT s.kind, sum((SELECT sum(r.people) FROM service_records r "
            "WHERE r.deleted = 0 AND r.site_id = s.id "
            "AND r.served_on >= :y0 AND r.served_on < :y1)) FROM sites s GROUP BY s.kind"
        ),
        {"y0": f"{year:04d}-01-01", "y1": f"{year + 1:04d}-01-01"},
    ):
        base[kind]["people"] = int(people or 0)
    return tuple(
        SiteKindRow(
            kind,
            SITE_KIND.label(kind),
            b["sites"],
            round(b["area"], 2),
            b["seats"],
            dict(sorted(b["stars"].items())),
            b["workers"],
            b["people"],
        )
        for kind, b in base.items()
    )


def dashboard_in(conn: Connection, as_of: date) -> Dashboard:
    return Dashboard(
        as_of=as_of,
        members=member_figures(conn, as_of),
        activities=activity_figures(conn, as_of.year, as_of),
        hardship=hardship_figures(conn, as_of),
        sites=site_figures(conn, as_of.year),
    )


def dashboard(db: Database, as_of: date | None = None) -> Dashboard:
    """Every 首页 figure, read in one transaction (a consistent snapshot)."""
    with db.connect(write=False) as conn:
        return dashboard_in(conn, as_of or date.today())
