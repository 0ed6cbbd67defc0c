"""``uniondesk check``: is the database sound, and do its derived parts agree with the data?

Read-only by default, and the one command that opens a damaged file (for reading):
SQLite's own check runs first, and when it finds damage that is the whole report — the
message names the last good backup and how to restore it — because every later query
would only trip over the damaged pages. Each finding names the member records concerned
by their UUIDs — never by ID number or phone, which must not end up in logs or support
e-mails. The
search index and the dashboard summary counts are derived data: ``rebuild_search``
recreates both (one transaction) before the checks run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, inspect, text

from desktop.models import values
from desktop.models.base import synced_tables
from desktop.services.figures import summary as stats
from desktop.storage import capture, engines, pg_search, search_index
from desktop.storage import health as db_health
from desktop.storage.database import Database
from desktop.storage.health import CorruptDatabaseError

LISTED = 20  # member ids shown per finding; the count is always complete


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    member_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IntegrityReport:
    problems: list[Problem]
    members: int
    search_documents: int
    own_changes: int
    rebuilt_search: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _corrupt(db: Database, findings: list[str]) -> IntegrityReport:
    message = db_health.report(db.paths.database, db.paths.backups, findings)
    return IntegrityReport([Problem("integrity_check", message)], 0, 0, 0)


def _damage(conn: Connection) -> list[str]:
    if engines.is_postgres(conn):
        # the hub's server checks its own pages (WAL, checksums when the cluster has
        # them); its administrator has pg_amcheck for more: nothing to read page by page
        return []
    rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check(10)").all()]
    return [] if rows == ["ok"] else rows


def _foreign_keys(conn: Connection, problems: list[Problem]) -> None:
    if engines.is_postgres(conn):
        return  # the hub's server enforces every foreign key at each write
    fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if fk:
        tables = sorted({str(r[0]) for r in fk})
        problems.append(
            Problem(
                "foreign_key_check",
                f"有 {len(fk)} 条记录引用了不存在的上级记录（表：{'、'.join(tables)}）",
            )
        )


def _search(conn: Connection, problems: list[Problem]) -> tuple[int, int]:
    # each member's search document, keyed by the member's rowid: SQLite's FTS table, or
    # the hub's documents table (``pg_search``)
    docs_table, key = (
        ("member_search_docs", "member_id")
        if engines.is_postgres(conn)
        else ("member_search", "rowid")
    )
    live = int(conn.execute(text("SELECT count(*) FROM members WHERE deleted = 0")).scalar_one())
    docs = int(conn.exec_driver_sql(f"SELECT count(*) FROM {docs_table}").scalar_one())
    missing = [
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT id FROM members WHERE deleted = 0 AND rowid NOT IN "
            f"(SELECT {key} FROM {docs_table})"
        )
    ]
    stale = int(
        conn.exec_driver_sql(
            f"SELECT count(*) FROM {docs_table} WHERE {key} NOT IN "
            "(SELECT rowid FROM members WHERE deleted = 0)"
        ).scalar_one()
    )
    if missing:
        problems.append(
            Problem(
                "search_missing",
                f"搜索索引缺少 {len(missing)} 名会员（可用 check --rebuild-search 重建）",
                missing[:LISTED],
            )
        )
    if stale:
        problems.append(
            Problem(
                "search_stale",
                f"搜索索引中有 {stale} 条记录对应的会员已删除或不存在"
                "（可用 check --rebuild-search 重建）",
            )
        )
    return live, docs


def _sync_counters(conn: Connection, problems: list[Problem]) -> int:
    node_id, counter = conn.execute(
        text("SELECT node_id, counter FROM sync_clock WHERE id = 1")
    ).one()
    count, low, high = conn.execute(
        text("SELECT count(*), min(counter), max(counter) FROM sync_change WHERE node_id = :n"),
        {"n": node_id},
    ).one()
    count = int(count)
    gap = bool(count) and (int(low) != 1 or int(high) != count)
    if gap or int(counter) != int(high or 0):
        problems.append(
            Problem(
                "sync_counters",
                f"本机修改记录编号不连续：共 {count} 条，编号 {low or 0}–{high or 0}，"
                f"时钟计数 {counter}。同步可能遗漏修改，请联系技术支持",
            )
        )
    return count


def _duplicates(conn: Connection, column: str, label: str, problems: list[Problem]) -> None:
    groups = conn.exec_driver_sql(
        f"SELECT {engines.group_concat(conn, 'id', ' ')} FROM members "
        f"WHERE deleted = 0 AND {column} IS NOT NULL "
        f"AND {column} <> '' GROUP BY {column} HAVING count(*) > 1"
    ).all()
    if groups:
        ids = [member for g in groups for member in str(g[0]).split()]
        problems.append(
            Problem(
                f"duplicate_{column}",
                f"有 {len(groups)} 个{label}被多名会员共用"
                f"（涉及 {len(ids)} 名会员，按会员编号列出）",
                ids[:LISTED],
            )
        )


def _deleted_unions(conn: Connection, problems: list[Problem]) -> None:
    ids = [
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT m.id FROM members m JOIN unions u ON u.id = m.union_id "
            "WHERE m.deleted = 0 AND u.deleted = 1"
        )
    ]
    if ids:
        problems.append(
            Problem(
                "deleted_union",
                f"有 {len(ids)} 名会员所属的工会已被删除，请把他们转到其他工会",
                ids[:LISTED],
            )
        )


def _values(conn: Connection, problems: list[Problem]) -> None:
    """Stored values that the rules of local input refuse (written by an older version,
    or received before sync checked values): the same rules sync quarantines by."""
    count, ids, where = _flagged_values(conn, LISTED)
    if count:
        problems.append(
            Problem(
                "invalid_values",
                f"有 {count} 条记录的字段值不合规则（{'、'.join(where[:10])}），"
                "请在对应记录中改正（按记录编号列出）",
                ids,
            )
        )


def _summary(conn: Connection, problems: list[Problem]) -> None:
    wrong = stats.summary_differences(conn)
    if wrong:
        problems.append(
            Problem(
                "dashboard_summary",
                f"首页统计汇总有 {wrong} 行与实际数据不符（可用 check --rebuild-search 重建）",
            )
        )


def check(db: Database, *, rebuild_search: bool = False) -> IntegrityReport:
    """Run every check; ``rebuild_search`` first recreates the member search index and
    the dashboard summary counts."""
    if db.health.corrupt:  # found on open: nothing else can be read reliably
        return _corrupt(db, db.health.findings or [])
    try:
        with db.connect(write=False) as conn:
            damage = _damage(conn)
    except CorruptDatabaseError as exc:
        return _corrupt(db, exc.findings)
    if damage:
        db.health.record(damage)
        return _corrupt(db, damage)
    rebuilt = None
    if rebuild_search:
        with db.connect() as conn:
            if engines.is_postgres(conn):
                rebuilt = pg_search.rebuild(conn)
            else:
                rebuilt = search_index.rebuild(conn)
            stats.rebuild_summary(conn)
    problems: list[Problem] = []
    with db.connect(write=False) as conn:
        _foreign_keys(conn, problems)
        live, docs = _search(conn, problems)
        own = _sync_counters(conn, problems)
        _duplicates(conn, "id_number", "身份证号", problems)
        _duplicates(conn, "card_no", "会员证号", problems)
        _deleted_unions(conn, problems)
        _values(conn, problems)
        _summary(conn, problems)
    return IntegrityReport(problems, live, docs, own, rebuilt)


_CHUNK = 50_000


def _flagged_values(conn: Connection, limit: int = 20) -> tuple[int, list[str], list[str]]:
    """Stored rows of synced tables holding a value the rules refuse, for ``check``:
    (how many rows, up to ``limit`` of their ids, the tables and fields concerned).

    Read a chunk of rows at a time and judged column by column (each distinct value of
    a field once), so a million members take seconds, not a Python loop per field.
    """
    count = 0
    ids: list[str] = []
    where: set[str] = set()
    present = set(inspect(conn).get_table_names())
    hub = engines.is_postgres(conn)
    for table, local in sorted(synced_tables().items()):
        if table not in present:
            continue
        synced = capture.synced_columns(conn, table, local)
        cols = ["id", *synced]
        select = ", ".join(f'"{c}"' for c in cols)
        last = 0
        while True:
            rows = conn.exec_driver_sql(
                f'SELECT rowid, {select} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
                (last, _CHUNK),
            ).all()
            if not rows:
                break
            last = int(rows[-1][0])
            bad_rows: set[int] = set()
            for at, name in enumerate(synced, start=2):
                column = [r[at] for r in rows]
                if hub:
                    column = [_as_received(v) for v in column]
                found = values.check_column(table, name, column)
                if found:
                    bad_rows.update(found)
                    where.add(f"{values.table_label(table)}.{values.field_label(table, name)}")
            for index in sorted(bad_rows):
                count += 1
                if len(ids) < limit:
                    ids.append(str(rows[index][1]))
    return count, ids, sorted(where)


def _as_received(value: object) -> object:
    """A value the hub's driver returns typed, as a package carries it (and SQLite keeps
    it): the rules judge dates and times in their ISO text."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
