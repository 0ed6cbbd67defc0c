"""首页 figures by SQL aggregates — the one source for the dashboard and the upward reports.

Every figure is added up from the small summary tables that triggers keep exact in the
same transaction as each write (``desktop.services.figures.summary``): at most a few rows
per date or year instead of a million members, so the whole page stays within its goal
at a million members (docs/benchmarks.md, "Figures behind design choices"). The only reads of
``members`` itself are those who joined after the cut-off date (a range on
``ix_members_stats_joined``). The monthly and annual report tables call these same
functions, so a figure on paper always equals the one on screen.

Definitions (shared by the dashboard and the reports):
- current member: not deleted, status active or retained, joined on or before ``as_of``
  (or join date unknown); for a past ``as_of``, also who left after it, and in the union
  they were in on that day (a move inside the federation after it is undone);
- new in a period: joined within the period (to ``as_of``), any status but applicant;
- left in a period: ``left_on`` within the period, status transferred_out/withdrawn/expelled;
- age: whole years at ``as_of``; 16–34 is the 新生代 band;
- 人次 by category: service-log people plus activity attendances, by calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, text

from desktop.models.codes import AGE_BANDS, MEMBERS_STATUS_ORDER, SITE_KIND
from desktop.services.activities import categories
from desktop.services.activities.attendance import Coverage, coverage_in
from desktop.services.figures import summary as stats
from desktop.storage.database import Database

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
    applications_pending: int = 0  # 入会申请待审核 (issue #21)
    # 社会化工会工作者 in post with no live site (not yet assigned, or their site deleted):
    # in no site kind's row, still in the whole office's count.
    unassigned_workers: int = 0
    # The federation the figures are narrowed to (None: every federation held here).
    federation_id: str | None = None

    @property
    def activities_scoped(self) -> bool:
        """Whether the activity figures follow the federation filter: they never do (an
        activity and a service-log entry carry no union), so a filtered page says so."""
        return self.federation_id is None


def _in_federation(column: str, federation_id: str | None) -> str:
    """`` AND column IN (that federation's unions)``, or nothing for every federation."""
    if federation_id is None:
        return ""
    return f" AND {column} IN (SELECT id FROM unions WHERE federation_id = :federation_id)"


def member_figures(
    conn: Connection,
    as_of: date,
    month_start: date | None = None,
    federation_id: str | None = None,
) -> MemberFigures:
    """Member figures at ``as_of``; "month" runs from ``month_start`` (default: the 1st).

    ``federation_id`` narrows them to one federation's unions (an upper office holds its
    sub-federations' too; None: every federation held). The age bands then come from that
    federation's members themselves (the summary's birth-date rows carry no union): one
    read of its current members, not of the registry.

    Read from the summary counts (``desktop.services.figures.summary``): all live members by union,
    status, gender and migrant flag, by birth date, join date and leave date. Members who
    joined after ``as_of`` are in the summary but not current yet; they are few (none
    when ``as_of`` is today, a month's joins for last month's report), so they are read
    from the join-date index and taken off again.
    """
    m0 = (month_start or as_of.replace(day=1)).isoformat()
    y0 = as_of.replace(month=1, day=1).isoformat()
    cut = as_of.isoformat()
    scoped = {"federation_id": federation_id} if federation_id is not None else {}
    unions = {
        str(r.id): str(r.name)
        for r in conn.execute(
            text(
                "SELECT id, name FROM unions WHERE deleted = 0"
                + ("" if federation_id is None else " AND federation_id = :federation_id")
                + " ORDER BY sort_key"
            ),
            scoped,
        )
    }
    per_union: dict[str, dict[str, int]] = {u: {} for u in unions}
    statuses: dict[str, int] = {}
    band_limits = [
        (years_ago(as_of, high + 1).isoformat(), years_ago(as_of, low).isoformat())
        for _code, _label, low, high in AGE_BANDS
    ]

    def add_group(status: str, union_id: str, gender: str, migrant: int, n: int) -> None:
        statuses[status] = statuses.get(status, 0) + n
        if status in CURRENT:
            _count_current(per_union.setdefault(union_id, {}), gender, migrant, n)

    for g in conn.execute(
        text(
            "SELECT key1 AS union_id, key2 AS status, key3 AS gender, key4 AS migrant, n "
            "FROM dashboard_counts WHERE fig = 'members' AND n <> 0"
            + _in_federation("key1", federation_id)
        ),
        scoped,
    ):
        add_group(str(g.status), str(g.union_id), str(g.gender), int(g.migrant), int(g.n))
    bands_sql = ", ".join(
        f"coalesce(sum(CASE WHEN period > :a{i} AND period <= :b{i} THEN n END), 0)"
        for i in range(len(AGE_BANDS))
    )
    limits = {f"a{i}": a for i, (a, _b) in enumerate(band_limits)} | {
        f"b{i}": b for i, (_a, b) in enumerate(band_limits)
    }
    if federation_id is None:
        born = text(f"SELECT {bands_sql} FROM dashboard_counts WHERE fig = 'born'")
    else:  # the 'born' rows of this federation's members, read from them
        born = text(
            f"SELECT {bands_sql} FROM (SELECT birth_date AS period, 1 AS n FROM members "
            f"WHERE deleted = 0 AND membership_status IN {stats.CURRENT_SQL} "
            "AND birth_date IS NOT NULL" + _in_federation("union_id", federation_id) + ") b"
        )
    band_counts = [int(v) for v in conn.execute(born, {**limits, **scoped}).one()]
    # Take off who joined after the cut, grouped the same way (and by age band).
    late_bands = _band_sums(f"membership_status IN {stats.CURRENT_SQL} AND ")
    for late in conn.execute(
        text(
            stats.late_joiners_sql(
                "membership_status, union_id, coalesce(gender, '') AS gender, "
                f"is_migrant_worker, count(*) AS n, {late_bands}"
            )
            + _in_federation("union_id", federation_id)
            + " GROUP BY 1, 2, 3, 4"
        ),
        {"cut": cut, **limits, **scoped},
    ):
        add_group(
            str(late.membership_status),
            str(late.union_id),
            str(late.gender),
            int(late.is_migrant_worker),
            -int(late.n),
        )
        for i in range(len(AGE_BANDS)):
            band_counts[i] -= int(late._mapping[f"band{i}"] or 0)
    _as_of_then(conn, cut, federation_id, scoped, limits, per_union, band_counts)
    for fig, first, last in (
        ("joined", "new_in_month", "new_in_year"),
        ("left", "left_in_month", "left_in_year"),
    ):
        for union_id, in_month, in_year in conn.execute(
            text(
                "SELECT key1, sum(CASE WHEN period >= :m0 THEN n ELSE 0 END), sum(n) "
                "FROM dashboard_counts WHERE fig = :fig AND period >= :y0 AND period <= :cut"
                + _in_federation("key1", federation_id)
                + " GROUP BY key1"
            ),
            {"fig": fig, "m0": m0, "y0": y0, "cut": cut, **scoped},
        ):
            values = per_union.setdefault(str(union_id), {})
            values[first] = int(in_month or 0)
            values[last] = int(in_year or 0)
    bands = [
        AgeBand(code, label, low, high, band_counts[i], code == NEW_GENERATION_BAND)
        for i, (code, label, low, high) in enumerate(AGE_BANDS)
    ]
    rows = tuple(
        UnionRow(union_id, unions.get(union_id, "（已删除的工会）"), **values)
        for union_id, values in per_union.items()
        if union_id in unions or any(values.values())
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


def _band_sums(condition: str = "") -> str:
    """``band0, band1, …``: how many of the rows (and ``condition``, which ends in AND)
    fall in each age band, its birth dates bound as ``:a{i}``/``:b{i}``."""
    return ", ".join(
        f"sum(CASE WHEN {condition}birth_date > :a{i} AND birth_date <= :b{i} "
        f"THEN 1 ELSE 0 END) AS band{i}"
        for i in range(len(AGE_BANDS))
    )


def _count_current(row: dict[str, int], gender: str, migrant: int, n: int) -> None:
    row["total"] = row.get("total", 0) + n
    if gender == "F":
        row["female"] = row.get("female", 0) + n
    elif gender == "M":
        row["male"] = row.get("male", 0) + n
    if migrant:
        row["migrant"] = row.get("migrant", 0) + n


def _as_of_then(
    conn: Connection,
    cut: str,
    federation_id: str | None,
    scoped: dict[str, Any],
    limits: dict[str, str],
    per_union: dict[str, dict[str, int]],
    band_counts: list[int],
) -> None:
    """A past date's members as they were then: who left after ``cut`` is counted back
    (they were members on that day), and who moved between unions of the federation
    after it is counted in the union they were in. Nothing to do for today's figures:
    the summary says whether anyone left after the cut, so the dashboard never reads
    ``members`` here."""
    later_leavers = conn.execute(
        text(
            "SELECT coalesce(sum(n), 0) FROM dashboard_counts WHERE fig = 'left' "
            "AND period > :cut" + _in_federation("key1", federation_id)
        ),
        {"cut": cut, **scoped},
    ).scalar_one()
    if int(later_leavers or 0) > 0:
        bands = _band_sums()
        for back in conn.execute(
            text(
                "SELECT union_id, coalesce(gender, '') AS gender, is_migrant_worker, "
                f"count(*) AS n, {bands} FROM members WHERE deleted = 0 "
                f"AND membership_status IN {stats.LEFT_SQL} AND left_on > :cut "
                "AND (joined_on IS NULL OR joined_on <= :cut)"
                + _in_federation("union_id", federation_id)
                + " GROUP BY 1, 2, 3"
            ),
            {"cut": cut, **limits, **scoped},
        ):
            row = per_union.setdefault(str(back.union_id), {})
            _count_current(row, str(back.gender), int(back.is_migrant_worker), int(back.n))
            for i in range(len(AGE_BANDS)):
                band_counts[i] += int(back._mapping[f"band{i}"] or 0)
    # Moves inside the federation after the cut: the union of the earliest one's origin.
    moves = conn.execute(
        text(
            "SELECT t.member_id, t.from_union_id, t.transferred_on, m.union_id, "
            "coalesce(m.gender, '') AS gender, m.is_migrant_worker FROM transfers t "
            "JOIN members m ON m.id = t.member_id WHERE t.deleted = 0 "
            "AND t.transferred_on > :cut AND t.from_union_id IS NOT NULL "
            "AND t.to_union_id IS NOT NULL AND m.deleted = 0 "
            "AND (m.joined_on IS NULL OR m.joined_on <= :cut) "
            f"AND (m.membership_status IN {stats.CURRENT_SQL} OR "
            f"(m.membership_status IN {stats.LEFT_SQL} AND m.left_on > :cut)) "
            "ORDER BY t.member_id, t.transferred_on, t.id"
        ),
        {"cut": cut},
    ).all()
    seen: set[str] = set()
    for mv in moves:
        if mv.member_id in seen:
            continue
        seen.add(str(mv.member_id))
        then, now = str(mv.from_union_id), str(mv.union_id)
        if then == now:
            continue
        for union_id, n in ((now, -1), (then, 1)):
            if union_id in per_union or federation_id is None:
                row = per_union.setdefault(union_id, {})
                _count_current(row, str(mv.gender), int(mv.is_migrant_worker), n)


class _YearPair(NamedTuple):
    this_year: int
    last_year: int


def activity_figures(conn: Connection, year: int, as_of: date | None = None) -> ActivityFigures:
    """Activities, attendances and service-log 人次 by category, ``year`` vs the year before.

    Each is a handful of summary rows per category and year (``dashboard_counts``).
    """

    def by_category(fig: str) -> dict[str, _YearPair]:
        return {
            str(r.category): _YearPair(int(r.this_year or 0), int(r.last_year or 0))
            for r in conn.execute(
                text(
                    "SELECT key1 AS category, "
                    "sum(CASE WHEN period = :this THEN n ELSE 0 END) AS this_year, "
                    "sum(CASE WHEN period = :last THEN n ELSE 0 END) AS last_year "
                    "FROM dashboard_counts "
                    "WHERE fig = :fig AND period IN (:this, :last) GROUP BY key1 "
                    "HAVING sum(CASE WHEN n <> 0 THEN 1 ELSE 0 END) > 0"
                ),
                {"fig": fig, "this": f"{year:04d}", "last": f"{year - 1:04d}"},
            )
        }

    acts = by_category("activities")
    att = by_category("attendances")
    svc = by_category("service")
    known = categories.list_in(conn, include_inactive=True)
    codes = [c.code for c in known]
    extra = sorted((set(acts) | set(att) | set(svc)) - set(codes))
    labels = {c.code: c.name for c in known}
    fixed = {c.code for c in known if c.fixed}
    active = {c.code for c in known if c.active}
    rows = []
    none = _YearPair(0, 0)
    for code in [*codes, *extra]:
        a, t, s = acts.get(code, none), att.get(code, none), svc.get(code, none)
        if code not in active and not any((*a, *t, *s)):
            continue  # a retired category with nothing in either year
        rows.append(
            CategoryRow(
                code,
                labels.get(code, code),
                code in fixed,
                a.this_year,
                a.last_year,
                t.this_year,
                t.last_year,
                s.this_year,
                s.last_year,
            )
        )
    return ActivityFigures(year, tuple(rows), coverage_in(conn, year, as_of))


def hardship_figures(
    conn: Connection, as_of: date, federation_id: str | None = None
) -> HardshipFigures:
    """困难职工 files open on ``as_of`` (opened by then, not closed by then: a past
    month's report is not changed by later files); with ``federation_id``, those of its
    unions' members."""
    scoped = (
        ""
        if federation_id is None
        else " AND member_id IN (SELECT id FROM members WHERE 1 = 1"
        + _in_federation("union_id", federation_id)
        + ")"
    )
    row = conn.execute(
        text(
            "SELECT count(*) AS open_cases, "
            "coalesce(sum(CASE WHEN review_due_on < :today THEN 1 ELSE 0 END), 0) AS overdue, "
            "coalesce(sum(CASE WHEN review_due_on >= :today AND review_due_on <= :soon "
            "THEN 1 ELSE 0 END), 0) AS due_soon "
            "FROM hardship_cases WHERE deleted = 0 AND opened_on <= :today "
            "AND (closed_on IS NULL OR closed_on > :today)" + scoped
        ),
        {
            "today": as_of.isoformat(),
            "soon": (as_of + timedelta(days=REVIEW_WINDOW_DAYS)).isoformat(),
            "federation_id": federation_id,
        },
    ).one()
    return HardshipFigures(as_of, int(row.open_cases), int(row.overdue), int(row.due_soon))


def site_figures(
    conn: Connection, year: int, federation_id: str | None = None
) -> tuple[SiteKindRow, ...]:
    """会站家 sites by kind; with ``federation_id``, the sites of its unions (a site
    without a union belongs to no federation's roll-up, only to the whole)."""
    in_fed = _in_federation("s.union_id", federation_id)
    scoped = {"federation_id": federation_id}
    base: dict[str, dict[str, Any]] = {
        k: {"sites": 0, "area": 0.0, "seats": 0, "stars": {}, "workers": 0, "people": 0}
        for k in SITE_KIND.codes
    }
    for r in conn.execute(
        text(
            "SELECT kind, star_level, count(*) AS n, coalesce(sum(area_m2), 0) AS area, "
            "coalesce(sum(seats), 0) AS seats FROM sites s WHERE deleted = 0"
            + in_fed
            + " GROUP BY kind, star_level"
        ),
        scoped,
    ):
        b = base.setdefault(
            r.kind, {"sites": 0, "area": 0.0, "seats": 0, "stars": {}, "workers": 0, "people": 0}
        )
        b["sites"] += r.n
        b["area"] += float(r.area)
        b["seats"] += int(r.seats)
        if r.star_level:
            star = int(r.star_level)
            b["stars"][star] = b["stars"].get(star, 0) + r.n
    for kind, n in conn.execute(
        text(
            "SELECT s.kind, count(*) FROM union_workers w JOIN sites s ON s.id = w.site_id "
            "WHERE w.deleted = 0 AND w.status = 'active' AND s.deleted = 0"
            + in_fed
            + " GROUP BY s.kind"
        ),
        scoped,
    ):
        base[kind]["workers"] = int(n)
    for kind, people in conn.execute(
        # The year's service-log summary rows (category × site), added up by site kind.
        text(
            "SELECT s.kind, sum(c.n) FROM dashboard_counts c JOIN sites s ON s.id = c.key2 "
            "WHERE c.fig = 'service' AND c.period = :y" + in_fed + " GROUP BY s.kind"
        ),
        {"y": f"{year:04d}", **scoped},
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


def unassigned_workers(conn: Connection, federation_id: str | None = None) -> int:
    """Workers in post without a live site. A worker carries no union, so only the whole
    office's figures hold them (0 when narrowed to one federation, like a site without a
    union)."""
    if federation_id is not None:
        return 0
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM union_workers w WHERE w.deleted = 0 "
                "AND w.status = 'active' AND NOT EXISTS (SELECT 1 FROM sites s "
                "WHERE s.id = w.site_id AND s.deleted = 0)"
            )
        ).scalar_one()
    )


def dashboard_in(conn: Connection, as_of: date, federation_id: str | None = None) -> Dashboard:
    """Every 首页 figure; ``federation_id`` narrows members, 困难职工, 会站家 and 入会申请
    to one federation. Activities and the service log carry no union: they stay the
    whole registry's (``Dashboard.activities_scoped`` is False then, and the page says so)."""
    return Dashboard(
        as_of=as_of,
        members=member_figures(conn, as_of, federation_id=federation_id),
        activities=activity_figures(conn, as_of.year, as_of),
        hardship=hardship_figures(conn, as_of, federation_id),
        sites=site_figures(conn, as_of.year, federation_id),
        applications_pending=pending_applications(conn, federation_id),
        unassigned_workers=unassigned_workers(conn, federation_id),
        federation_id=federation_id,
    )


def pending_applications(conn: Connection, federation_id: str | None = None) -> int:
    """入会申请 awaiting review (the 首页 card that opens the queue)."""
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM applications WHERE deleted = 0 AND status = 'submitted'"
                + _in_federation("union_id", federation_id)
            ),
            {"federation_id": federation_id} if federation_id is not None else {},
        ).scalar_one()
    )


def dashboard(
    db: Database, as_of: date | None = None, federation_id: str | None = None
) -> Dashboard:
    """Every 首页 figure, read in one transaction (a consistent snapshot); one
    federation's with ``federation_id`` (None: every federation held here)."""
    with db.connect(write=False) as conn:
        return dashboard_in(conn, as_of or db.clock.today(), federation_id)
