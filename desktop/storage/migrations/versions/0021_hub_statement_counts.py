"""the hub's dashboard counts kept per statement, not per row (issue #25, package intake)

On PostgreSQL, 0005 keeps ``dashboard_counts`` and ``dashboard_attendees`` with one
trigger call per written row. A package applied at the hub inserts thousands of rows in
one transaction that all add to the same few summary rows (the attendances of one year
and category, say); every addition is a new version of that row, and each next addition
first steps over every earlier version the transaction made. Measured with
``pg_stat_statements`` on an import of 1,000 members with 5,626 attendances into a hub
holding three such offices: the attendances' counting triggers took 2.2 s of the
package's 3.5 s, and the time per package grew with every office imported.

Here each of 0005's twelve PostgreSQL triggers becomes a statement-level trigger that
reads the statement's transition tables (``new_rows``, ``old_rows``) and adds each
summary row's total once. An update adds -old +new in one grouped statement, so a change
that moves nothing it counts writes nothing. What the tables hold afterwards is exactly
what 0005's triggers left (tests/unit/activities/test_dashboard_summary.py compares both
engines with a fresh count). The writers that apply many rows at the hub send them as one
statement (``storage.bulk_rows``), which is what makes this pay.

SQLite is unchanged: its triggers stay per row (it has no transition tables), and its
bulk paths already count set-based.

The SQL is frozen here (a migration never imports application code).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_CURRENT = "('active', 'retained')"
_LEFT = "('transferred_out', 'withdrawn', 'expelled')"
_KEYS = "fig, period, key1, key2, key3, key4"
_TABLES = ("members", "activities", "attendances", "service_records")


def _counts(rows: str) -> str:
    """Add ``rows`` (fig, period, key1..key4, n) to ``dashboard_counts``, one upsert per key."""
    return (
        f"INSERT INTO dashboard_counts ({_KEYS}, n) SELECT {_KEYS}, sum(n) FROM ({rows}) AS d "
        f"GROUP BY {_KEYS} HAVING sum(n) <> 0 "
        f"ON CONFLICT ({_KEYS}) DO UPDATE SET n = dashboard_counts.n + excluded.n;"
    )


def _attendees(rows: str) -> str:
    """Add ``rows`` (year, member_id, visits, current, joined_on) to ``dashboard_attendees``:
    the flag and date come from the member, the same on every row of one member."""
    return (
        "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
        "SELECT year, member_id, sum(visits), max(current), max(joined_on) "
        f"FROM ({rows}) AS d GROUP BY year, member_id HAVING sum(visits) <> 0 "
        "ON CONFLICT (year, member_id) DO UPDATE "
        "SET visits = dashboard_attendees.visits + excluded.visits;"
    )


def _member_rows(rows: str, d: int) -> str:
    live = "r.deleted = 0"
    return (
        "SELECT 'members' AS fig, '' AS period, r.union_id AS key1, "
        "r.membership_status AS key2, coalesce(r.gender, '') AS key3, "
        f"CAST(r.is_migrant_worker AS integer) AS key4, {d} AS n FROM {rows} r WHERE {live} "
        f"UNION ALL SELECT 'born', CAST(r.birth_date AS text), '', '', '', 0, {d} "
        f"FROM {rows} r WHERE {live} AND r.membership_status IN {_CURRENT} "
        "AND r.birth_date IS NOT NULL "
        f"UNION ALL SELECT 'joined', CAST(r.joined_on AS text), r.union_id, '', '', 0, {d} "
        f"FROM {rows} r WHERE {live} AND r.membership_status <> 'applicant' "
        "AND r.joined_on IS NOT NULL "
        f"UNION ALL SELECT 'left', CAST(r.left_on AS text), r.union_id, '', '', 0, {d} "
        f"FROM {rows} r WHERE {live} AND r.membership_status IN {_LEFT} "
        "AND r.left_on IS NOT NULL"
    )


def _member_current(rows: str) -> str:
    """The attendee rows of the members in ``rows`` take their current flag and join date
    (only where either differs: an unchanged row is not written again)."""
    current = f"CAST((r.deleted = 0 AND r.membership_status IN {_CURRENT}) AS integer)"
    return (
        f"UPDATE dashboard_attendees a SET current = {current}, joined_on = r.joined_on "
        f"FROM {rows} r WHERE a.member_id = r.id "
        f"AND (a.current IS DISTINCT FROM {current} OR a.joined_on IS DISTINCT FROM r.joined_on);"
    )


def _year(column: str) -> str:
    return f"substr(CAST({column} AS text), 1, 4)"


_MEMBER_FLAG = (
    f"coalesce(CAST((m.deleted = 0 AND m.membership_status IN {_CURRENT}) AS integer), 0)"
)


# Each transition row looks its parent (or its attendances) up by key: ``OFFSET 0`` keeps
# the lookup a subquery the planner cannot turn into a join. A transaction that has just
# inserted thousands of rows has no statistics for them (nor for the transition table),
# and the join the planner then chose scanned the whole transition table once per
# activity: 300 ms for 5,600 attendances, against a few ms by key. An activity's
# ``deleted`` is tested outside its lookup: inside, the planner took the (deleted, …)
# index of the dashboard for it and filtered every live activity by id.


def _activity_by_key(key: str) -> str:
    return f"SELECT starts_at, category, deleted FROM activities WHERE id = {key} OFFSET 0"


def _member_by_key(key: str) -> str:
    return f"SELECT deleted, membership_status, joined_on FROM members WHERE id = {key} OFFSET 0"


def _attendances_of(key: str) -> str:
    return f"SELECT member_id FROM attendances WHERE activity_id = {key} AND deleted = 0 OFFSET 0"


def _activity_rows(rows: str, d: int) -> str:
    return (
        f"SELECT 'activities' AS fig, {_year('r.starts_at')} AS period, r.category AS key1, "
        f"'' AS key2, '' AS key3, 0 AS key4, {d} AS n FROM {rows} r WHERE r.deleted = 0 "
        f"UNION ALL SELECT 'attendances', {_year('r.starts_at')}, r.category, '', '', 0, {d} "
        f"FROM {rows} r CROSS JOIN LATERAL ({_attendances_of('r.id')}) t WHERE r.deleted = 0"
    )


def _activity_attendees(rows: str, d: int) -> str:
    return (
        f"SELECT {_year('r.starts_at')} AS year, t.member_id AS member_id, {d} AS visits, "
        f"{_MEMBER_FLAG} AS current, m.joined_on AS joined_on FROM {rows} r "
        f"CROSS JOIN LATERAL ({_attendances_of('r.id')}) t "
        f"LEFT JOIN LATERAL ({_member_by_key('t.member_id')}) m ON true "
        "WHERE r.deleted = 0 AND t.member_id IS NOT NULL"
    )


def _attendance_rows(rows: str, d: int) -> str:
    return (
        f"SELECT 'attendances' AS fig, {_year('a.starts_at')} AS period, a.category AS key1, "
        f"'' AS key2, '' AS key3, 0 AS key4, {d} AS n FROM {rows} r "
        f"CROSS JOIN LATERAL ({_activity_by_key('r.activity_id')}) a "
        "WHERE r.deleted = 0 AND a.deleted = 0"
    )


def _attendance_attendees(rows: str, d: int) -> str:
    return (
        f"SELECT {_year('a.starts_at')} AS year, r.member_id AS member_id, {d} AS visits, "
        f"{_MEMBER_FLAG} AS current, m.joined_on AS joined_on FROM {rows} r "
        f"CROSS JOIN LATERAL ({_activity_by_key('r.activity_id')}) a "
        f"LEFT JOIN LATERAL ({_member_by_key('r.member_id')}) m ON true "
        "WHERE r.deleted = 0 AND a.deleted = 0 AND r.member_id IS NOT NULL"
    )


def _service_rows(rows: str, d: int) -> str:
    return (
        f"SELECT 'service' AS fig, {_year('r.served_on')} AS period, r.category AS key1, "
        f"r.site_id AS key2, '' AS key3, 0 AS key4, {d} * r.people AS n "
        f"FROM {rows} r WHERE r.deleted = 0"
    )


def _both(part: object, *args: object) -> str:
    """-old then +new of one kind of rows, as one set (an update's rows)."""
    assert callable(part)
    return f"{part('old_rows', -1, *args)} UNION ALL {part('new_rows', 1, *args)}"


def _bodies() -> dict[tuple[str, str], str]:
    """(table, kind) → the function body of 0005's trigger, per statement."""
    bodies: dict[tuple[str, str], str] = {}
    for kind, rows, sign in (("ins", "new_rows", 1), ("del", "old_rows", -1)):
        bodies["members", kind] = _counts(_member_rows(rows, sign)) + (
            _member_current("new_rows")
            if kind == "ins"
            else "UPDATE dashboard_attendees a SET current = 0 FROM old_rows r "
            "WHERE a.member_id = r.id AND a.current <> 0;"
        )
        bodies["activities", kind] = _counts(_activity_rows(rows, sign)) + _attendees(
            _activity_attendees(rows, sign)
        )
        bodies["attendances", kind] = _counts(_attendance_rows(rows, sign)) + _attendees(
            _attendance_attendees(rows, sign)
        )
        bodies["service_records", kind] = _counts(_service_rows(rows, sign))
    bodies["members", "upd"] = _counts(_both(_member_rows)) + _member_current("new_rows")
    bodies["activities", "upd"] = _counts(_both(_activity_rows)) + _attendees(
        _both(_activity_attendees)
    )
    bodies["attendances", "upd"] = _counts(_both(_attendance_rows)) + _attendees(
        _both(_attendance_attendees)
    )
    bodies["service_records", "upd"] = _counts(_both(_service_rows))
    return bodies


_EVENTS = {
    "ins": ("INSERT", "NEW TABLE AS new_rows"),
    "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "del": ("DELETE", "OLD TABLE AS old_rows"),
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for (table, kind), body in _bodies().items():
        name = f"dashboard_{kind}_{table}"
        event, referencing = _EVENTS[kind]
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table in _TABLES:
        for kind in _EVENTS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS dashboard_{kind}_{table}() CASCADE")
    # 0005's row triggers again, from its own frozen text
    dashboard = op.get_context().script.get_revision("0005").module  # type: ignore[union-attr]
    for statement in dashboard.TRIGGERS:
        for translated in dashboard._postgres_trigger(statement):
            conn.exec_driver_sql(translated)
