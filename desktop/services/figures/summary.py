"""Registry figures and the local summary counts behind every 首页 figure.

Why a summary: at a million members any figure that reads each member (or each
attendee) once is too slow for a screen, however narrow the index (docs/benchmarks.md,
"Figures behind design choices"). So two small LOCAL tables (never
synced: derived data, like the search index) hold the counts the dashboard, the status
bar and the reports add up, and triggers keep them exact in the same transaction as every
write — ORM, Core bulk insert, sync apply, migration — the way change capture works:

* ``dashboard_counts`` — one row per figure and key with a count ``n``:
  ``members``  (union, status, gender, migrant) of live members;
  ``born``     birth date of live current (active/retained) members;
  ``joined``   (join date, union) of live members past the applicant stage;
  ``left``     (leave date, union) of live members who left;
  ``activities`` / ``attendances``  (year, category) of live activities / attendances;
  ``service``  (year, category, site) → 人次 of the live service log.
* ``dashboard_attendees`` — (year, member) with the member's visits that year, and the
  member's own current flag and join date copied in (kept up to date by the member
  triggers), so coverage is one range count instead of one member lookup per attendee.

Rows whose count falls to 0 stay (harmless, and removing them would cost every write).
``rebuild_summary`` recreates both tables from the data (migration 0005, ``check
--rebuild-search``); ``summary_problems`` compares them with a fresh count
(``uniondesk check``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from desktop.models.codes import CURRENT_STATUSES, LEFT_STATUSES
from desktop.storage.database import Database

# The code sets as SQL, spelled out: the summary triggers' text holds them (tests check
# that they name the same codes as the sets ``member_figures`` uses).
CURRENT_SQL = "('active', 'retained')"
LEFT_SQL = "('transferred_out', 'withdrawn', 'expelled')"

# ---- the tables and their triggers ---------------------------------------------------------

SUMMARY_TABLES = (
    "CREATE TABLE dashboard_counts ("
    "fig VARCHAR(16) NOT NULL, period VARCHAR(10) NOT NULL, key1 VARCHAR(40) NOT NULL, "
    "key2 VARCHAR(40) NOT NULL, key3 VARCHAR(4) NOT NULL, key4 INTEGER NOT NULL, "
    "n INTEGER NOT NULL, "
    "CONSTRAINT pk_dashboard_counts PRIMARY KEY (fig, period, key1, key2, key3, key4)"
    ") WITHOUT ROWID",
    "CREATE TABLE dashboard_attendees ("
    "year VARCHAR(4) NOT NULL, member_id VARCHAR(36) NOT NULL, visits INTEGER NOT NULL, "
    "current INTEGER NOT NULL, joined_on DATE, "
    "CONSTRAINT pk_dashboard_attendees PRIMARY KEY (year, member_id)"
    ") WITHOUT ROWID",
    "CREATE INDEX ix_dashboard_attendees_member ON dashboard_attendees (member_id)",
)

_UPSERT_COUNTS = (
    "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
    "SELECT * FROM ({rows}) WHERE n <> 0 "
    "ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + excluded.n;"
)


def _member_rows(r: str, d: str) -> str:
    """The summary rows one member row ``r`` (NEW/OLD) adds (``d`` = 1) or removes (-1)."""
    live = f"{r}.deleted = 0"
    return (
        f"SELECT 'members' AS fig, '' AS period, {r}.union_id AS key1, "
        f"{r}.membership_status AS key2, coalesce({r}.gender, '') AS key3, "
        f"{r}.is_migrant_worker AS key4, {d} AS n WHERE {live} "
        f"UNION ALL SELECT 'born', {r}.birth_date, '', '', '', 0, {d} WHERE {live} "
        f"AND {r}.membership_status IN {CURRENT_SQL} AND {r}.birth_date IS NOT NULL "
        f"UNION ALL SELECT 'joined', {r}.joined_on, {r}.union_id, '', '', 0, {d} WHERE {live} "
        f"AND {r}.membership_status <> 'applicant' AND {r}.joined_on IS NOT NULL "
        f"UNION ALL SELECT 'left', {r}.left_on, {r}.union_id, '', '', 0, {d} WHERE {live} "
        f"AND {r}.membership_status IN {LEFT_SQL} AND {r}.left_on IS NOT NULL"
    )


def _member_current(r: str) -> str:
    return (
        f"UPDATE dashboard_attendees SET current = ({r}.deleted = 0 AND "
        f"{r}.membership_status IN {CURRENT_SQL}), joined_on = {r}.joined_on "
        f"WHERE member_id = {r}.id;"
    )


def _activity_rows(r: str, d: str) -> str:
    return (
        f"SELECT 'activities' AS fig, substr({r}.starts_at, 1, 4) AS period, "
        f"{r}.category AS key1, '' AS key2, '' AS key3, 0 AS key4, {d} AS n "
        f"WHERE {r}.deleted = 0 "
        f"UNION ALL SELECT 'attendances', substr({r}.starts_at, 1, 4), {r}.category, '', '', 0, "
        f"{d} * count(*) FROM attendances t WHERE t.activity_id = {r}.id AND t.deleted = 0 "
        f"AND {r}.deleted = 0"
    )


def _activity_attendees(r: str, d: str) -> str:
    return (
        "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
        f"SELECT substr({r}.starts_at, 1, 4), t.member_id, {d} * count(*), "
        f"coalesce(m.deleted = 0 AND m.membership_status IN {CURRENT_SQL}, 0), m.joined_on "
        "FROM attendances t LEFT JOIN members m ON m.id = t.member_id "
        f"WHERE t.activity_id = {r}.id AND t.deleted = 0 AND t.member_id IS NOT NULL "
        f"AND {r}.deleted = 0 GROUP BY t.member_id "
        "ON CONFLICT (year, member_id) DO UPDATE SET visits = visits + excluded.visits;"
    )


def _attendance_rows(r: str, d: str) -> str:
    return (
        "SELECT 'attendances' AS fig, substr(a.starts_at, 1, 4) AS period, a.category AS key1, "
        f"'' AS key2, '' AS key3, 0 AS key4, {d} AS n FROM activities a "
        f"WHERE a.id = {r}.activity_id AND a.deleted = 0 AND {r}.deleted = 0"
    )


def _attendance_attendee(r: str, d: str) -> str:
    return (
        "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
        f"SELECT substr(a.starts_at, 1, 4), {r}.member_id, {d}, "
        f"coalesce(m.deleted = 0 AND m.membership_status IN {CURRENT_SQL}, 0), m.joined_on "
        f"FROM activities a LEFT JOIN members m ON m.id = {r}.member_id "
        f"WHERE a.id = {r}.activity_id AND a.deleted = 0 AND {r}.deleted = 0 "
        f"AND {r}.member_id IS NOT NULL "
        "ON CONFLICT (year, member_id) DO UPDATE SET visits = visits + excluded.visits;"
    )


def _service_rows(r: str, d: str) -> str:
    return (
        f"SELECT 'service' AS fig, substr({r}.served_on, 1, 4) AS period, {r}.category AS key1, "
        f"{r}.site_id AS key2, '' AS key3, 0 AS key4, {d} * {r}.people AS n "
        f"WHERE {r}.deleted = 0"
    )


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _triggers(
    table: str,
    columns: tuple[str, ...],
    body: dict[str, str],
) -> tuple[str, ...]:
    """Insert, update (only when a counted column changes) and delete triggers."""
    return (
        f"CREATE TRIGGER dashboard_ins_{table} AFTER INSERT ON {table} BEGIN {body['ins']} END",
        f"CREATE TRIGGER dashboard_upd_{table} AFTER UPDATE ON {table} "
        f"WHEN {_changed(columns)} BEGIN {body['upd']} END",
        f"CREATE TRIGGER dashboard_del_{table} AFTER DELETE ON {table} BEGIN {body['del']} END",
    )


def _upsert(rows: str) -> str:
    return _UPSERT_COUNTS.format(rows=rows)


MEMBER_COLUMNS = (
    "id",
    "union_id",
    "membership_status",
    "gender",
    "is_migrant_worker",
    "birth_date",
    "joined_on",
    "left_on",
    "deleted",
)
SUMMARY_TRIGGERS: tuple[str, ...] = (
    *_triggers(
        "members",
        MEMBER_COLUMNS,
        {
            "ins": _upsert(_member_rows("NEW", "1")) + " " + _member_current("NEW"),
            "upd": _upsert(_member_rows("OLD", "-1") + " UNION ALL " + _member_rows("NEW", "1"))
            + " "
            + _member_current("NEW"),
            "del": _upsert(_member_rows("OLD", "-1"))
            + " UPDATE dashboard_attendees SET current = 0 WHERE member_id = OLD.id;",
        },
    ),
    *_triggers(
        "activities",
        ("id", "starts_at", "category", "deleted"),
        {
            "ins": _upsert(_activity_rows("NEW", "1")) + " " + _activity_attendees("NEW", "1"),
            "upd": _upsert(_activity_rows("OLD", "-1"))
            + " "
            + _activity_attendees("OLD", "-1")
            + " "
            + _upsert(_activity_rows("NEW", "1"))
            + " "
            + _activity_attendees("NEW", "1"),
            "del": _upsert(_activity_rows("OLD", "-1")) + " " + _activity_attendees("OLD", "-1"),
        },
    ),
    *_triggers(
        "attendances",
        ("activity_id", "member_id", "deleted"),
        {
            "ins": _upsert(_attendance_rows("NEW", "1")) + " " + _attendance_attendee("NEW", "1"),
            "upd": _upsert(
                _attendance_rows("OLD", "-1") + " UNION ALL " + _attendance_rows("NEW", "1")
            )
            + " "
            + _attendance_attendee("OLD", "-1")
            + " "
            + _attendance_attendee("NEW", "1"),
            "del": _upsert(_attendance_rows("OLD", "-1")) + " " + _attendance_attendee("OLD", "-1"),
        },
    ),
    *_triggers(
        "service_records",
        ("served_on", "category", "site_id", "people", "deleted"),
        {
            "ins": _upsert(_service_rows("NEW", "1")),
            "upd": _upsert(_service_rows("OLD", "-1") + " UNION ALL " + _service_rows("NEW", "1")),
            "del": _upsert(_service_rows("OLD", "-1")),
        },
    ),
)

# ---- rebuild and check -----------------------------------------------------------------------

# Members are read once (a materialised narrow copy), not once per figure: at a million
# members each pass over the wide rows is slow (docs/benchmarks.md, "Figures behind
# design choices").
# The member figures of a narrow member CTE ``m`` (one pass each, grouped).
# Dates and timestamps are CAST to text: the summary's periods are text on both engines,
# and PostgreSQL will not unite a date with '' or take substr of a timestamp (on SQLite,
# where they are ISO text already, the casts change nothing).
_MEMBER_COUNTS_FROM_M = (
    "SELECT 'members' AS fig, '' AS period, union_id AS key1, membership_status AS key2, "
    "coalesce(gender, '') AS key3, is_migrant_worker AS key4, count(*) AS n FROM m "
    "GROUP BY 3, 4, 5, 6 "
    "UNION ALL SELECT 'born', CAST(birth_date AS VARCHAR), '', '', '', 0, count(*) FROM m "
    f"WHERE membership_status IN {CURRENT_SQL} AND birth_date IS NOT NULL GROUP BY 2 "
    "UNION ALL SELECT 'joined', CAST(joined_on AS VARCHAR), union_id, '', '', 0, count(*) FROM m "
    "WHERE membership_status <> 'applicant' AND joined_on IS NOT NULL GROUP BY 2, 3 "
    "UNION ALL SELECT 'left', CAST(left_on AS VARCHAR), union_id, '', '', 0, count(*) FROM m "
    f"WHERE membership_status IN {LEFT_SQL} AND left_on IS NOT NULL GROUP BY 2, 3"
)
_M_COLUMNS = (
    "union_id, membership_status, gender, is_migrant_worker, birth_date, joined_on, left_on"
)
COUNTS_FROM_DATA = (
    f"WITH m AS MATERIALIZED (SELECT {_M_COLUMNS} FROM members WHERE deleted = 0) "
    + _MEMBER_COUNTS_FROM_M
    + " UNION ALL SELECT 'activities', substr(CAST(starts_at AS VARCHAR), 1, 4), category, "
    "'', '', 0, count(*) "
    "FROM activities WHERE deleted = 0 GROUP BY 2, 3 "
    "UNION ALL SELECT 'attendances', substr(CAST(a.starts_at AS VARCHAR), 1, 4), a.category, "
    "'', '', 0, "
    "count(*) FROM attendances t JOIN activities a ON a.id = t.activity_id "
    "WHERE t.deleted = 0 AND a.deleted = 0 GROUP BY 2, 3 "
    "UNION ALL SELECT 'service', substr(CAST(served_on AS VARCHAR), 1, 4), category, site_id, "
    "'', 0, "
    "sum(people) FROM service_records WHERE deleted = 0 GROUP BY 2, 3, 4"
)
ATTENDEES_FROM_DATA = (
    "SELECT substr(CAST(a.starts_at AS VARCHAR), 1, 4) AS year, t.member_id AS member_id, "
    "count(*) AS visits, "
    f"CASE WHEN m.deleted = 0 AND m.membership_status IN {CURRENT_SQL} THEN 1 ELSE 0 END "
    "AS current, "
    "m.joined_on AS joined_on "
    "FROM attendances t JOIN activities a ON a.id = t.activity_id "
    "LEFT JOIN members m ON m.id = t.member_id "
    # m.id grouped too (one member or none per member_id): PostgreSQL takes m's columns
    # only when grouped by its key, where SQLite takes them bare
    "WHERE t.deleted = 0 AND a.deleted = 0 AND t.member_id IS NOT NULL GROUP BY 1, 2, m.id"
)
_COUNTS_HELD = "SELECT fig, period, key1, key2, key3, key4, n FROM dashboard_counts WHERE n <> 0"
_ATTENDEES_HELD = (
    "SELECT year, member_id, visits, current, joined_on FROM dashboard_attendees WHERE visits <> 0"
)


def rebuild_summary(conn: Connection) -> int:
    """Recount both summary tables from the data on the caller's transaction; rows written."""
    conn.exec_driver_sql("DELETE FROM dashboard_counts")
    conn.exec_driver_sql("DELETE FROM dashboard_attendees")
    n = conn.exec_driver_sql(
        "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
        f"SELECT * FROM ({COUNTS_FROM_DATA}) AS fresh WHERE n <> 0"
    ).rowcount
    n += conn.exec_driver_sql(
        "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
        + ATTENDEES_FROM_DATA
    ).rowcount
    return int(n)


MEMBER_INSERT_TRIGGER = "dashboard_ins_members"
_ADDED_MEMBER_COUNTS = (
    f"WITH m AS MATERIALIZED (SELECT {_M_COLUMNS} FROM members WHERE rowid > ? AND deleted = 0) "
    "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
    f"SELECT * FROM ({_MEMBER_COUNTS_FROM_M}) WHERE n <> 0 "
    "ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + excluded.n"
)
_ADDED_MEMBER_CURRENT = (
    "UPDATE dashboard_attendees SET "
    f"current = (m.deleted = 0 AND m.membership_status IN {CURRENT_SQL}), joined_on = m.joined_on "
    "FROM (SELECT id, deleted, membership_status, joined_on FROM members WHERE rowid > ?) AS m "
    "WHERE dashboard_attendees.member_id = m.id"
)


FigureKey = tuple[str, str, str, str, str, int]
# A new member row as ``member_figures`` reads it, each value as stored: (union_id,
# membership_status, gender, is_migrant_worker, birth_date, joined_on, left_on).
NewMember = tuple[str, str, str | None, int, str | None, str | None, str | None]
_UPSERT_FIGURES = (
    "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + excluded.n"
)


def member_figures(rows: Iterable[NewMember]) -> Counter[FigureKey]:
    """The summary rows that new live members add: the insert trigger's rows, in Python.

    Why a Python form of ``_member_rows``: at a million members the grouped SQL count
    sorts every row four times, a large share of the demo fill, while rows still in hand
    are counted in a fraction of that (docs/benchmarks.md, "Figures behind design
    choices"). Tests compare it with the trigger and with a recount of the data.
    """
    # key tuples made in comprehensions and counted by Counter's C loop: faster than a
    # ``counts[key] += 1`` per key (docs/benchmarks.md, "Figures behind design choices")
    table = list(rows)
    counts: Counter[FigureKey] = Counter(
        [("members", "", u, status, g or "", int(m)) for u, status, g, m, _, _, _ in table]
    )
    counts.update(
        [
            ("born", born, "", "", "", 0)
            for _, status, _, _, born, _, _ in table
            if born is not None and status in CURRENT_STATUSES
        ]
    )
    counts.update(
        [
            ("joined", joined, u, "", "", 0)
            for u, status, _, _, _, joined, _ in table
            if joined is not None and status != "applicant"
        ]
    )
    counts.update(
        [
            ("left", left, u, "", "", 0)
            for u, status, _, _, _, _, left in table
            if left is not None and status in LEFT_STATUSES
        ]
    )
    return counts


@contextmanager
def bulk_member_insert(
    conn: Connection, figures: Counter[FigureKey] | None = None
) -> Iterator[None]:
    """Count the members appended inside the block set-based, not by a trigger per row.

    The member insert trigger is suspended for the block (a trigger per row is a
    measurable share of a 100k-row import: docs/benchmarks.md, "Figures behind design
    choices"); afterwards the appended rows (rowid above the old maximum) are
    counted with the grouped form of the trigger's own rows and added with the same
    upsert, and attendee rows already waiting for those members get the same update —
    equal to what the trigger would have left (tests compare both ways). A caller that
    counted the rows it appends (``member_figures``, filled in while the block runs)
    passes ``figures`` and the rows are not read back. Only for inserts into
    ``members``, in the caller's transaction.
    """
    # Imported here: the status bar reads this module on the GUI's cold start, and
    # capture loads the ORM models that start must not pay for (docs/benchmarks.md,
    # "Figures behind design choices").
    from desktop.storage import capture

    start = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM members").scalar_one()
    with capture.suspended_triggers(conn, [MEMBER_INSERT_TRIGGER]):
        yield
    if figures is None:
        conn.exec_driver_sql(_ADDED_MEMBER_COUNTS, (start,))
    elif figures:
        conn.exec_driver_sql(_UPSERT_FIGURES, [(*k, n) for k, n in figures.items() if n])
    conn.exec_driver_sql(_ADDED_MEMBER_CURRENT, (start,))


def summary_differences(conn: Connection) -> int:
    """How many summary rows differ from a fresh count of the data (0 when exact).

    The fresh counts are made once into temp tables and compared both ways.
    """
    total = 0
    for name, held, fresh in (
        ("fresh_counts", _COUNTS_HELD, COUNTS_FROM_DATA),
        ("fresh_attendees", _ATTENDEES_HELD, ATTENDEES_FROM_DATA),
    ):
        # unqualified (a temp table comes first on both engines: SQLite's ``temp.`` is
        # ``pg_temp`` on PostgreSQL) and every subquery in FROM with an alias (PostgreSQL
        # refuses one without)
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {name} AS SELECT * FROM ({fresh}) AS fresh")
        cleaned = f"SELECT * FROM {name}" + (" WHERE n <> 0" if name == "fresh_counts" else "")
        for a, b in ((held, cleaned), (cleaned, held)):
            total += int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM (SELECT * FROM ({a}) AS a "
                    f"EXCEPT SELECT * FROM ({b}) AS b) AS d"
                ).scalar_one()
            )
        conn.exec_driver_sql(f"DROP TABLE {name}")
    return total


# ---- figures read from the summary -------------------------------------------------------------


def late_joiners_sql(columns: str) -> str:
    """Members the summary counts but a figure ``as of :cut`` must not: joined after it."""
    return f"SELECT {columns} FROM members WHERE deleted = 0 AND joined_on > :cut"


def current_members(conn: Connection, cut: date) -> int:
    """Live active/retained members who joined on or before ``cut`` (or on an unknown day)."""
    held = conn.execute(
        text(
            "SELECT coalesce(sum(n), 0) FROM dashboard_counts WHERE fig = 'members' "
            f"AND key2 IN {CURRENT_SQL}"
        )
    ).scalar_one()
    late = conn.execute(
        text(
            "SELECT count(*) FROM ("
            + late_joiners_sql("1")
            + f" AND membership_status IN {CURRENT_SQL}) AS late"
        ),
        {"cut": cut.isoformat()},
    ).scalar_one()
    return int(held) - int(late)


def reached_members(conn: Connection, year: int, cut: date) -> int:
    """Current members (as in ``current_members``) with an attendance in ``year``."""
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM dashboard_attendees WHERE year = :y AND visits > 0 "
                "AND current = 1 AND (joined_on IS NULL OR joined_on <= :cut)"
            ),
            {"y": f"{year:04d}", "cut": cut.isoformat()},
        ).scalar_one()
    )


@dataclass(frozen=True)
class RegistryStats:
    unions: int
    members_total: int
    members_current: int
    by_status: dict[str, int]
    migrant_workers: int
    female: int


def registry_stats(db: Database, federation_id: str | None = None) -> RegistryStats:
    """Status-bar figures: live members by status, migrant and female current members;
    one federation's (its unions' members) with ``federation_id``, else every one held."""
    unions_sql = "SELECT count(*) FROM unions WHERE deleted = 0"
    counts_sql = "SELECT key2, key3, key4, n FROM dashboard_counts WHERE fig = 'members' AND n <> 0"
    params: dict[str, str] = {}
    if federation_id is not None:
        unions_sql += " AND federation_id = :federation_id"
        counts_sql += " AND key1 IN (SELECT id FROM unions WHERE federation_id = :federation_id)"
        params["federation_id"] = federation_id
    with db.connect(write=False) as conn:
        unions = conn.execute(text(unions_sql), params).scalar_one()
        by_status: dict[str, int] = {}
        migrant = female = 0
        for status, gender, is_migrant, n in conn.execute(text(counts_sql), params):
            by_status[str(status)] = by_status.get(str(status), 0) + int(n)
            if status in ("active", "retained"):
                migrant += int(n) if is_migrant else 0
                female += int(n) if gender == "F" else 0
    current = by_status.get("active", 0) + by_status.get("retained", 0)
    return RegistryStats(
        unions=int(unions),
        members_total=sum(by_status.values()),
        members_current=current,
        by_status=by_status,
        migrant_workers=int(migrant),
        female=int(female),
    )


@dataclass(frozen=True)
class FederationCount:
    """One federation's share of the registry (an upper office's roll-up)."""

    federation_id: str
    unions: int
    members_current: int


def counts_by_federation(db: Database) -> dict[str, FederationCount]:
    """Live unions and current members of each federation held here, by federation id."""
    with db.connect(write=False) as conn:
        unions = {
            str(r.federation_id): int(r.n)
            for r in conn.execute(
                text(
                    "SELECT federation_id, count(*) AS n FROM unions WHERE deleted = 0 "
                    "GROUP BY federation_id"
                )
            )
        }
        members = {
            str(r.federation_id): int(r.n or 0)
            for r in conn.execute(
                text(
                    "SELECT u.federation_id AS federation_id, sum(c.n) AS n "
                    "FROM dashboard_counts c JOIN unions u ON u.id = c.key1 "
                    f"WHERE c.fig = 'members' AND c.key2 IN {CURRENT_SQL} "
                    "GROUP BY u.federation_id"
                )
            )
        }
    return {
        fed: FederationCount(fed, unions.get(fed, 0), members.get(fed, 0))
        for fed in sorted(set(unions) | set(members))
    }
