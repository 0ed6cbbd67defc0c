"""dashboard: local summary counts kept by triggers; three member covering indexes go

Every 首页 figure is read from two small LOCAL tables (never synced; derived data like the
search index): ``dashboard_counts`` and ``dashboard_attendees``, kept exact by triggers on
members, activities, attendances and service_records in the same transaction as each
write (see ``desktop.services.figures.summary``). The upgrade fills them from the data once.

The covering indexes that served the old member scans are dropped (the summary answers
those figures): ix_members_stats_groups, _age and _left, and the two service-log ones.
ix_members_stats_joined stays: it finds the members who joined after a report's cut-off.

The SQL below is a frozen copy of ``desktop.services.figures.summary`` at this revision.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

import re

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


TABLES = (
    (
        "CREATE TABLE dashboard_counts (fig VARCHAR(16) NOT NULL, period VARCHAR(10) NOT "
        "NULL, key1 VARCHAR(40) NOT NULL, key2 VARCHAR(40) NOT NULL, key3 VARCHAR(4) NOT "
        "NULL, key4 INTEGER NOT NULL, n INTEGER NOT NULL, CONSTRAINT pk_dashboard_counts "
        "PRIMARY KEY (fig, period, key1, key2, key3, key4)) WITHOUT ROWID"
    ),
    (
        "CREATE TABLE dashboard_attendees (year VARCHAR(4) NOT NULL, member_id "
        "VARCHAR(36) NOT NULL, visits INTEGER NOT NULL, current INTEGER NOT NULL, "
        "joined_on DATE, CONSTRAINT pk_dashboard_attendees PRIMARY KEY (year, member_id))"
        " WITHOUT ROWID"
    ),
    ("CREATE INDEX ix_dashboard_attendees_member ON dashboard_attendees (member_id)"),
)
TRIGGERS = (
    (
        "CREATE TRIGGER dashboard_ins_members AFTER INSERT ON members BEGIN INSERT INTO "
        "dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM (SELECT "
        "'members' AS fig, '' AS period, NEW.union_id AS key1, NEW.membership_status AS "
        "key2, coalesce(NEW.gender, '') AS key3, NEW.is_migrant_worker AS key4, 1 AS n "
        "WHERE NEW.deleted = 0 UNION ALL SELECT 'born', NEW.birth_date, '', '', '', 0, 1 "
        "WHERE NEW.deleted = 0 AND NEW.membership_status IN ('active', 'retained') AND "
        "NEW.birth_date IS NOT NULL UNION ALL SELECT 'joined', NEW.joined_on, "
        "NEW.union_id, '', '', 0, 1 WHERE NEW.deleted = 0 AND NEW.membership_status <> "
        "'applicant' AND NEW.joined_on IS NOT NULL UNION ALL SELECT 'left', NEW.left_on, "
        "NEW.union_id, '', '', 0, 1 WHERE NEW.deleted = 0 AND NEW.membership_status IN "
        "('transferred_out', 'withdrawn', 'expelled') AND NEW.left_on IS NOT NULL) WHERE "
        "n <> 0 ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; UPDATE dashboard_attendees SET current = (NEW.deleted = 0 AND "
        "NEW.membership_status IN ('active', 'retained')), joined_on = NEW.joined_on "
        "WHERE member_id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER dashboard_upd_members AFTER UPDATE ON members WHEN OLD.id IS NOT "
        "NEW.id OR OLD.union_id IS NOT NEW.union_id OR OLD.membership_status IS NOT "
        "NEW.membership_status OR OLD.gender IS NOT NEW.gender OR OLD.is_migrant_worker "
        "IS NOT NEW.is_migrant_worker OR OLD.birth_date IS NOT NEW.birth_date OR "
        "OLD.joined_on IS NOT NEW.joined_on OR OLD.left_on IS NOT NEW.left_on OR "
        "OLD.deleted IS NOT NEW.deleted BEGIN INSERT INTO dashboard_counts (fig, period, "
        "key1, key2, key3, key4, n) SELECT * FROM (SELECT 'members' AS fig, '' AS period,"
        " OLD.union_id AS key1, OLD.membership_status AS key2, coalesce(OLD.gender, '') "
        "AS key3, OLD.is_migrant_worker AS key4, -1 AS n WHERE OLD.deleted = 0 UNION ALL "
        "SELECT 'born', OLD.birth_date, '', '', '', 0, -1 WHERE OLD.deleted = 0 AND "
        "OLD.membership_status IN ('active', 'retained') AND OLD.birth_date IS NOT NULL "
        "UNION ALL SELECT 'joined', OLD.joined_on, OLD.union_id, '', '', 0, -1 WHERE "
        "OLD.deleted = 0 AND OLD.membership_status <> 'applicant' AND OLD.joined_on IS "
        "NOT NULL UNION ALL SELECT 'left', OLD.left_on, OLD.union_id, '', '', 0, -1 WHERE"
        " OLD.deleted = 0 AND OLD.membership_status IN ('transferred_out', 'withdrawn', "
        "'expelled') AND OLD.left_on IS NOT NULL UNION ALL SELECT 'members' AS fig, '' AS"
        " period, NEW.union_id AS key1, NEW.membership_status AS key2, "
        "coalesce(NEW.gender, '') AS key3, NEW.is_migrant_worker AS key4, 1 AS n WHERE "
        "NEW.deleted = 0 UNION ALL SELECT 'born', NEW.birth_date, '', '', '', 0, 1 WHERE "
        "NEW.deleted = 0 AND NEW.membership_status IN ('active', 'retained') AND "
        "NEW.birth_date IS NOT NULL UNION ALL SELECT 'joined', NEW.joined_on, "
        "NEW.union_id, '', '', 0, 1 WHERE NEW.deleted = 0 AND NEW.membership_status <> "
        "'applicant' AND NEW.joined_on IS NOT NULL UNION ALL SELECT 'left', NEW.left_on, "
        "NEW.union_id, '', '', 0, 1 WHERE NEW.deleted = 0 AND NEW.membership_status IN "
        "('transferred_out', 'withdrawn', 'expelled') AND NEW.left_on IS NOT NULL) WHERE "
        "n <> 0 ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; UPDATE dashboard_attendees SET current = (NEW.deleted = 0 AND "
        "NEW.membership_status IN ('active', 'retained')), joined_on = NEW.joined_on "
        "WHERE member_id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER dashboard_del_members AFTER DELETE ON members BEGIN INSERT INTO "
        "dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM (SELECT "
        "'members' AS fig, '' AS period, OLD.union_id AS key1, OLD.membership_status AS "
        "key2, coalesce(OLD.gender, '') AS key3, OLD.is_migrant_worker AS key4, -1 AS n "
        "WHERE OLD.deleted = 0 UNION ALL SELECT 'born', OLD.birth_date, '', '', '', 0, -1"
        " WHERE OLD.deleted = 0 AND OLD.membership_status IN ('active', 'retained') AND "
        "OLD.birth_date IS NOT NULL UNION ALL SELECT 'joined', OLD.joined_on, "
        "OLD.union_id, '', '', 0, -1 WHERE OLD.deleted = 0 AND OLD.membership_status <> "
        "'applicant' AND OLD.joined_on IS NOT NULL UNION ALL SELECT 'left', OLD.left_on, "
        "OLD.union_id, '', '', 0, -1 WHERE OLD.deleted = 0 AND OLD.membership_status IN "
        "('transferred_out', 'withdrawn', 'expelled') AND OLD.left_on IS NOT NULL) WHERE "
        "n <> 0 ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; UPDATE dashboard_attendees SET current = 0 WHERE member_id = OLD.id;"
        " END"
    ),
    (
        "CREATE TRIGGER dashboard_ins_activities AFTER INSERT ON activities BEGIN INSERT "
        "INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM "
        "(SELECT 'activities' AS fig, substr(NEW.starts_at, 1, 4) AS period, NEW.category"
        " AS key1, '' AS key2, '' AS key3, 0 AS key4, 1 AS n WHERE NEW.deleted = 0 UNION "
        "ALL SELECT 'attendances', substr(NEW.starts_at, 1, 4), NEW.category, '', '', 0, "
        "1 * count(*) FROM attendances t WHERE t.activity_id = NEW.id AND t.deleted = 0 "
        "AND NEW.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, key3, "
        "key4) DO UPDATE SET n = n + excluded.n; INSERT INTO dashboard_attendees (year, "
        "member_id, visits, current, joined_on) SELECT substr(NEW.starts_at, 1, 4), "
        "t.member_id, 1 * count(*), coalesce(m.deleted = 0 AND m.membership_status IN "
        "('active', 'retained'), 0), m.joined_on FROM attendances t LEFT JOIN members m "
        "ON m.id = t.member_id WHERE t.activity_id = NEW.id AND t.deleted = 0 AND "
        "t.member_id IS NOT NULL AND NEW.deleted = 0 GROUP BY t.member_id ON CONFLICT "
        "(year, member_id) DO UPDATE SET visits = visits + excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_upd_activities AFTER UPDATE ON activities WHEN OLD.id "
        "IS NOT NEW.id OR OLD.starts_at IS NOT NEW.starts_at OR OLD.category IS NOT "
        "NEW.category OR OLD.deleted IS NOT NEW.deleted BEGIN INSERT INTO "
        "dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM (SELECT "
        "'activities' AS fig, substr(OLD.starts_at, 1, 4) AS period, OLD.category AS "
        "key1, '' AS key2, '' AS key3, 0 AS key4, -1 AS n WHERE OLD.deleted = 0 UNION ALL"
        " SELECT 'attendances', substr(OLD.starts_at, 1, 4), OLD.category, '', '', 0, -1 "
        "* count(*) FROM attendances t WHERE t.activity_id = OLD.id AND t.deleted = 0 AND"
        " OLD.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, key3, key4)"
        " DO UPDATE SET n = n + excluded.n; INSERT INTO dashboard_attendees (year, "
        "member_id, visits, current, joined_on) SELECT substr(OLD.starts_at, 1, 4), "
        "t.member_id, -1 * count(*), coalesce(m.deleted = 0 AND m.membership_status IN "
        "('active', 'retained'), 0), m.joined_on FROM attendances t LEFT JOIN members m "
        "ON m.id = t.member_id WHERE t.activity_id = OLD.id AND t.deleted = 0 AND "
        "t.member_id IS NOT NULL AND OLD.deleted = 0 GROUP BY t.member_id ON CONFLICT "
        "(year, member_id) DO UPDATE SET visits = visits + excluded.visits; INSERT INTO "
        "dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM (SELECT "
        "'activities' AS fig, substr(NEW.starts_at, 1, 4) AS period, NEW.category AS "
        "key1, '' AS key2, '' AS key3, 0 AS key4, 1 AS n WHERE NEW.deleted = 0 UNION ALL "
        "SELECT 'attendances', substr(NEW.starts_at, 1, 4), NEW.category, '', '', 0, 1 * "
        "count(*) FROM attendances t WHERE t.activity_id = NEW.id AND t.deleted = 0 AND "
        "NEW.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, key3, key4) "
        "DO UPDATE SET n = n + excluded.n; INSERT INTO dashboard_attendees (year, "
        "member_id, visits, current, joined_on) SELECT substr(NEW.starts_at, 1, 4), "
        "t.member_id, 1 * count(*), coalesce(m.deleted = 0 AND m.membership_status IN "
        "('active', 'retained'), 0), m.joined_on FROM attendances t LEFT JOIN members m "
        "ON m.id = t.member_id WHERE t.activity_id = NEW.id AND t.deleted = 0 AND "
        "t.member_id IS NOT NULL AND NEW.deleted = 0 GROUP BY t.member_id ON CONFLICT "
        "(year, member_id) DO UPDATE SET visits = visits + excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_del_activities AFTER DELETE ON activities BEGIN INSERT "
        "INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * FROM "
        "(SELECT 'activities' AS fig, substr(OLD.starts_at, 1, 4) AS period, OLD.category"
        " AS key1, '' AS key2, '' AS key3, 0 AS key4, -1 AS n WHERE OLD.deleted = 0 UNION"
        " ALL SELECT 'attendances', substr(OLD.starts_at, 1, 4), OLD.category, '', '', 0,"
        " -1 * count(*) FROM attendances t WHERE t.activity_id = OLD.id AND t.deleted = 0"
        " AND OLD.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, key3, "
        "key4) DO UPDATE SET n = n + excluded.n; INSERT INTO dashboard_attendees (year, "
        "member_id, visits, current, joined_on) SELECT substr(OLD.starts_at, 1, 4), "
        "t.member_id, -1 * count(*), coalesce(m.deleted = 0 AND m.membership_status IN "
        "('active', 'retained'), 0), m.joined_on FROM attendances t LEFT JOIN members m "
        "ON m.id = t.member_id WHERE t.activity_id = OLD.id AND t.deleted = 0 AND "
        "t.member_id IS NOT NULL AND OLD.deleted = 0 GROUP BY t.member_id ON CONFLICT "
        "(year, member_id) DO UPDATE SET visits = visits + excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_ins_attendances AFTER INSERT ON attendances BEGIN "
        "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * "
        "FROM (SELECT 'attendances' AS fig, substr(a.starts_at, 1, 4) AS period, "
        "a.category AS key1, '' AS key2, '' AS key3, 0 AS key4, 1 AS n FROM activities a "
        "WHERE a.id = NEW.activity_id AND a.deleted = 0 AND NEW.deleted = 0) WHERE n <> 0"
        " ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; INSERT INTO dashboard_attendees (year, member_id, visits, current, "
        "joined_on) SELECT substr(a.starts_at, 1, 4), NEW.member_id, 1, "
        "coalesce(m.deleted = 0 AND m.membership_status IN ('active', 'retained'), 0), "
        "m.joined_on FROM activities a LEFT JOIN members m ON m.id = NEW.member_id WHERE "
        "a.id = NEW.activity_id AND a.deleted = 0 AND NEW.deleted = 0 AND NEW.member_id "
        "IS NOT NULL ON CONFLICT (year, member_id) DO UPDATE SET visits = visits + "
        "excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_upd_attendances AFTER UPDATE ON attendances WHEN "
        "OLD.activity_id IS NOT NEW.activity_id OR OLD.member_id IS NOT NEW.member_id OR "
        "OLD.deleted IS NOT NEW.deleted BEGIN INSERT INTO dashboard_counts (fig, period, "
        "key1, key2, key3, key4, n) SELECT * FROM (SELECT 'attendances' AS fig, "
        "substr(a.starts_at, 1, 4) AS period, a.category AS key1, '' AS key2, '' AS key3,"
        " 0 AS key4, -1 AS n FROM activities a WHERE a.id = OLD.activity_id AND a.deleted"
        " = 0 AND OLD.deleted = 0 UNION ALL SELECT 'attendances' AS fig, "
        "substr(a.starts_at, 1, 4) AS period, a.category AS key1, '' AS key2, '' AS key3,"
        " 0 AS key4, 1 AS n FROM activities a WHERE a.id = NEW.activity_id AND a.deleted "
        "= 0 AND NEW.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, "
        "key3, key4) DO UPDATE SET n = n + excluded.n; INSERT INTO dashboard_attendees "
        "(year, member_id, visits, current, joined_on) SELECT substr(a.starts_at, 1, 4), "
        "OLD.member_id, -1, coalesce(m.deleted = 0 AND m.membership_status IN ('active', "
        "'retained'), 0), m.joined_on FROM activities a LEFT JOIN members m ON m.id = "
        "OLD.member_id WHERE a.id = OLD.activity_id AND a.deleted = 0 AND OLD.deleted = 0"
        " AND OLD.member_id IS NOT NULL ON CONFLICT (year, member_id) DO UPDATE SET "
        "visits = visits + excluded.visits; INSERT INTO dashboard_attendees (year, "
        "member_id, visits, current, joined_on) SELECT substr(a.starts_at, 1, 4), "
        "NEW.member_id, 1, coalesce(m.deleted = 0 AND m.membership_status IN ('active', "
        "'retained'), 0), m.joined_on FROM activities a LEFT JOIN members m ON m.id = "
        "NEW.member_id WHERE a.id = NEW.activity_id AND a.deleted = 0 AND NEW.deleted = 0"
        " AND NEW.member_id IS NOT NULL ON CONFLICT (year, member_id) DO UPDATE SET "
        "visits = visits + excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_del_attendances AFTER DELETE ON attendances BEGIN "
        "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) SELECT * "
        "FROM (SELECT 'attendances' AS fig, substr(a.starts_at, 1, 4) AS period, "
        "a.category AS key1, '' AS key2, '' AS key3, 0 AS key4, -1 AS n FROM activities a"
        " WHERE a.id = OLD.activity_id AND a.deleted = 0 AND OLD.deleted = 0) WHERE n <> "
        "0 ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; INSERT INTO dashboard_attendees (year, member_id, visits, current, "
        "joined_on) SELECT substr(a.starts_at, 1, 4), OLD.member_id, -1, "
        "coalesce(m.deleted = 0 AND m.membership_status IN ('active', 'retained'), 0), "
        "m.joined_on FROM activities a LEFT JOIN members m ON m.id = OLD.member_id WHERE "
        "a.id = OLD.activity_id AND a.deleted = 0 AND OLD.deleted = 0 AND OLD.member_id "
        "IS NOT NULL ON CONFLICT (year, member_id) DO UPDATE SET visits = visits + "
        "excluded.visits; END"
    ),
    (
        "CREATE TRIGGER dashboard_ins_service_records AFTER INSERT ON service_records "
        "BEGIN INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
        "SELECT * FROM (SELECT 'service' AS fig, substr(NEW.served_on, 1, 4) AS period, "
        "NEW.category AS key1, NEW.site_id AS key2, '' AS key3, 0 AS key4, 1 * NEW.people"
        " AS n WHERE NEW.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, key1, key2, "
        "key3, key4) DO UPDATE SET n = n + excluded.n; END"
    ),
    (
        "CREATE TRIGGER dashboard_upd_service_records AFTER UPDATE ON service_records "
        "WHEN OLD.served_on IS NOT NEW.served_on OR OLD.category IS NOT NEW.category OR "
        "OLD.site_id IS NOT NEW.site_id OR OLD.people IS NOT NEW.people OR OLD.deleted IS"
        " NOT NEW.deleted BEGIN INSERT INTO dashboard_counts (fig, period, key1, key2, "
        "key3, key4, n) SELECT * FROM (SELECT 'service' AS fig, substr(OLD.served_on, 1, "
        "4) AS period, OLD.category AS key1, OLD.site_id AS key2, '' AS key3, 0 AS key4, "
        "-1 * OLD.people AS n WHERE OLD.deleted = 0 UNION ALL SELECT 'service' AS fig, "
        "substr(NEW.served_on, 1, 4) AS period, NEW.category AS key1, NEW.site_id AS "
        "key2, '' AS key3, 0 AS key4, 1 * NEW.people AS n WHERE NEW.deleted = 0) WHERE n "
        "<> 0 ON CONFLICT (fig, period, key1, key2, key3, key4) DO UPDATE SET n = n + "
        "excluded.n; END"
    ),
    (
        "CREATE TRIGGER dashboard_del_service_records AFTER DELETE ON service_records "
        "BEGIN INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
        "SELECT * FROM (SELECT 'service' AS fig, substr(OLD.served_on, 1, 4) AS period, "
        "OLD.category AS key1, OLD.site_id AS key2, '' AS key3, 0 AS key4, -1 * "
        "OLD.people AS n WHERE OLD.deleted = 0) WHERE n <> 0 ON CONFLICT (fig, period, "
        "key1, key2, key3, key4) DO UPDATE SET n = n + excluded.n; END"
    ),
)
COUNTS_FROM_DATA = (
    "WITH m AS MATERIALIZED (SELECT union_id, membership_status, gender, "
    "is_migrant_worker, birth_date, joined_on, left_on FROM members WHERE deleted = "
    "0) SELECT 'members' AS fig, '' AS period, union_id AS key1, membership_status AS"
    " key2, coalesce(gender, '') AS key3, is_migrant_worker AS key4, count(*) AS n "
    "FROM m GROUP BY 3, 4, 5, 6 UNION ALL SELECT 'born', birth_date, '', '', '', 0, "
    "count(*) FROM m WHERE membership_status IN ('active', 'retained') AND birth_date"
    " IS NOT NULL GROUP BY 2 UNION ALL SELECT 'joined', joined_on, union_id, '', '', "
    "0, count(*) FROM m WHERE membership_status <> 'applicant' AND joined_on IS NOT "
    "NULL GROUP BY 2, 3 UNION ALL SELECT 'left', left_on, union_id, '', '', 0, "
    "count(*) FROM m WHERE membership_status IN ('transferred_out', 'withdrawn', "
    "'expelled') AND left_on IS NOT NULL GROUP BY 2, 3 UNION ALL SELECT 'activities',"
    " substr(starts_at, 1, 4), category, '', '', 0, count(*) FROM activities WHERE "
    "deleted = 0 GROUP BY 2, 3 UNION ALL SELECT 'attendances', substr(a.starts_at, 1,"
    " 4), a.category, '', '', 0, count(*) FROM attendances t JOIN activities a ON "
    "a.id = t.activity_id WHERE t.deleted = 0 AND a.deleted = 0 GROUP BY 2, 3 UNION "
    "ALL SELECT 'service', substr(served_on, 1, 4), category, site_id, '', 0, "
    "sum(people) FROM service_records WHERE deleted = 0 GROUP BY 2, 3, 4"
)
ATTENDEES_FROM_DATA = (
    "SELECT substr(a.starts_at, 1, 4) AS year, t.member_id AS member_id, count(*) AS "
    "visits, coalesce(m.deleted = 0 AND m.membership_status IN ('active', "
    "'retained'), 0) AS current, m.joined_on AS joined_on FROM attendances t JOIN "
    "activities a ON a.id = t.activity_id LEFT JOIN members m ON m.id = t.member_id "
    "WHERE t.deleted = 0 AND a.deleted = 0 AND t.member_id IS NOT NULL GROUP BY 1, 2"
)
DROPPED_INDEXES = (
    (
        "members",
        "ix_members_stats_groups",
        "deleted, membership_status, union_id, gender, is_migrant_worker, joined_on",
    ),
    ("members", "ix_members_stats_age", "deleted, membership_status, birth_date, joined_on"),
    ("members", "ix_members_stats_left", "deleted, left_on, union_id"),
    (
        "service_records",
        "ix_service_records_stats_category",
        "deleted, category, served_on, people",
    ),
    ("service_records", "ix_service_records_stats_site", "deleted, site_id, served_on, people"),
)
TRIGGER_NAMES = tuple(
    f"dashboard_{kind}_{table}"
    for table in ("members", "activities", "attendances", "service_records")
    for kind in ("ins", "upd", "del")
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # the hub: the tables (a new hub is empty: nothing to count yet) and the same
        # triggers as PL/pgSQL functions, translated from the frozen text above
        for statement in TABLES:
            conn.exec_driver_sql(statement.replace(" WITHOUT ROWID", ""))
        for statement in TRIGGERS:
            for translated in _postgres_trigger(statement):
                conn.exec_driver_sql(translated)
        return
    for _table, name, _columns in DROPPED_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in TABLES:
        op.execute(statement)
    op.execute(
        "INSERT INTO dashboard_counts (fig, period, key1, key2, key3, key4, n) "
        f"SELECT * FROM ({COUNTS_FROM_DATA}) WHERE n <> 0"
    )
    op.execute(
        "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
        + ATTENDEES_FROM_DATA
    )
    for statement in TRIGGERS:
        op.execute(statement)


_SQLITE_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) (AFTER \w+) ON (\w+)(?: WHEN (.*?))? BEGIN (.*) END$", re.S
)
_AS_TEXT = re.compile(r"substr\(([\w.]+), 1, 4\)")
_PERIOD = re.compile(r"SELECT '(born|joined|left)', ((?:NEW|OLD)\.\w+),")
_FLAG = "m.deleted = 0 AND m.membership_status IN ('active', 'retained')"


def _pg_body(body: str) -> str:
    for who in ("NEW", "OLD"):
        flag = f"({who}.deleted = 0 AND {who}.membership_status IN ('active', 'retained'))"
        body = body.replace(f"current = {flag}", f"current = CAST({flag} AS integer)")
    body = body.replace(f"coalesce({_FLAG}, 0)", f"coalesce(CAST({_FLAG} AS integer), 0)")
    # one row per key: PostgreSQL's upsert may not touch a row twice in one statement
    # (SQLite's adds -1 then +1 to the same key when an update changes nothing it counts)
    keys = "fig, period, key1, key2, key3, key4"
    body = body.replace(
        f"dashboard_counts ({keys}, n) SELECT * FROM (",
        f"dashboard_counts ({keys}, n) SELECT {keys}, sum(n) FROM (",
    )
    body = body.replace(
        ") WHERE n <> 0 ON CONFLICT", f") AS d GROUP BY {keys} HAVING sum(n) <> 0 ON CONFLICT"
    )
    body = body.replace("SET n = n + excluded.n", "SET n = dashboard_counts.n + excluded.n")
    body = body.replace(
        "SET visits = visits + excluded.visits",
        "SET visits = dashboard_attendees.visits + excluded.visits",
    )
    body = body.replace(
        "GROUP BY t.member_id ON CONFLICT",
        "GROUP BY t.member_id, m.deleted, m.membership_status, m.joined_on ON CONFLICT",
    )
    body = _AS_TEXT.sub(r"substr(CAST(\1 AS text), 1, 4)", body)
    return _PERIOD.sub(r"SELECT '\1', CAST(\2 AS text),", body)


def _postgres_trigger(statement: str) -> list[str]:
    """One of TRIGGERS as a PL/pgSQL function and its row trigger (the same statements:
    an alias for the derived table, IS DISTINCT FROM, dates and flags cast)."""
    match = _SQLITE_TRIGGER.match(statement)
    assert match is not None, statement[:60]
    name, when_, table, condition, body = match.groups()
    condition_sql = ""
    if condition:
        condition_sql = " WHEN (" + condition.replace(" IS NOT ", " IS DISTINCT FROM ") + ")"
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_pg_body(body)} RETURN NULL; END $$",
        f"CREATE TRIGGER {name} {when_} ON {table} FOR EACH ROW{condition_sql} "
        f"EXECUTE FUNCTION {name}()",
    ]


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in TRIGGER_NAMES:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
        conn.exec_driver_sql("DROP TABLE dashboard_attendees")
        conn.exec_driver_sql("DROP TABLE dashboard_counts")
        return
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE dashboard_attendees")
    op.execute("DROP TABLE dashboard_counts")
    for table, name, columns in DROPPED_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
