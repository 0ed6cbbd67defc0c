"""A member batch written set-based (triggers suspended) leaves what the triggers would.

``members.writer.insert_rows`` captures changes and counts dashboard figures with one statement
each from ``SET_BASED_FROM`` rows on. The same rows are written both ways into the same
database (the trigger way rolled back after it is read), and every derived row compared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, text

from desktop.services.figures import summary as stats
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


class _Rollback(Exception):
    pass


def _id_number(i: int, born: date) -> str:
    from stdnum.cn import ric

    body = f"440304{born:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _rows(union_ids: list[str]) -> list[dict[str, Any]]:
    """Every combination the summary distinguishes: status, gender, migrant, dates."""
    statuses = ["active", "retained", "applicant", "withdrawn", "transferred_out", "expelled"]
    rows = []
    for i in range(60):
        status = statuses[i % len(statuses)]
        born = date(1960 + i % 30, 1 + i % 12, 1 + i % 28)
        rows.append(
            {
                "id": f"bulk-{i:03d}",
                "name": f"测试{i}",
                "id_number": _id_number(i, born),
                "union_id": union_ids[i % len(union_ids)],
                "gender": (None, "M", "F")[i % 3],
                "birth_date": None if i % 7 == 0 else born,
                "is_migrant_worker": i % 2 == 0,
                "joined_on": None if i % 5 == 0 else date(2020 + i % 6, 3, 1 + i % 4),
                "membership_status": status,
                "left_on": date(2025, 6, 1 + i % 3) if i % 4 else None,
                "phone": f"138{i:08d}",
                "card_no": f"GH{i:05d}",
            }
        )
    return rows


def _derived(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(text(sql))]

    return {
        "counts": rows("SELECT * FROM dashboard_counts ORDER BY 1, 2, 3, 4, 5, 6"),
        "attendees": rows("SELECT * FROM dashboard_attendees ORDER BY 1, 2"),
        "changes": rows(
            "SELECT node_id, counter, ctx, tbl, row_id, fields FROM sync_change ORDER BY counter"
        ),
        "clock": rows("SELECT node_id, counter, capturing FROM sync_clock"),
        "search": rows("SELECT rowid, * FROM member_search ORDER BY rowid"),
        "triggers": rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"),
    }


def _insert(db: Database, rows: list[dict[str, Any]], *, keep: bool) -> dict[str, Any]:
    """Insert ``rows`` in one transaction and read what it derived; roll back unless kept."""
    try:
        with db.connect() as conn:
            member_writer.insert_rows(conn, rows)
            derived = _derived(conn)
            hlcs = [r[0] for r in conn.execute(text("SELECT hlc FROM sync_change ORDER BY 1"))]
            if not keep:
                raise _Rollback
    except _Rollback:
        pass
    assert hlcs == sorted(set(hlcs))  # increasing, never shared
    return derived


@pytest.fixture
def union_ids(db: Database) -> list[str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    return [unions.add(db, name).id for name in ("甲公司工会", "乙公司工会", "丙公司工会")]


@pytest.mark.sqlite_only("SQLite's set-based count and FTS documents; the hub counts per statement")
def test_set_based_batch_equals_the_triggers(
    db: Database, union_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(union_ids)
    with db.connect() as conn:
        # Attendance known before the member arrived (e.g. by sync): the insert updates it.
        conn.execute(
            text(
                "INSERT INTO dashboard_attendees (year, member_id, visits, current, joined_on) "
                "VALUES ('2026', 'bulk-006', 2, 0, NULL), ('2026', 'bulk-009', 1, 1, NULL), "
                "('2025', 'someone-else', 1, 1, '2020-01-01')"
            )
        )
        # Earlier members and counts, so the upsert adds to existing rows too.
        member_writer.insert_rows(conn, rows[:5])
    rest = rows[5:]
    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 10**9)
    by_trigger = _insert(db, rest, keep=False)
    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 1)
    set_based = _insert(db, rest, keep=True)
    assert len(by_trigger["changes"]) > len(rest)
    attendees = {r[1]: r for r in by_trigger["attendees"]}
    assert attendees["bulk-006"] == ("2026", "bulk-006", 2, 1, "2020-03-03")  # active now
    assert attendees["bulk-009"] == ("2026", "bulk-009", 1, 0, "2023-03-02")  # withdrawn
    for key in by_trigger:
        assert set_based[key] == by_trigger[key], key


def test_set_based_batch_records_nothing_while_capture_is_off(
    db: Database, union_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the trigger would not (e.g. inside a sync apply); the flag stays as it was."""
    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 1)
    with db.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one()
        conn.execute(text("UPDATE sync_clock SET capturing = 0"))
        member_writer.insert_rows(conn, _rows(union_ids)[:3])
        after = conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one()
        capturing = conn.execute(text("SELECT capturing FROM sync_clock")).scalar_one()
        conn.execute(text("UPDATE sync_clock SET capturing = 1"))
    assert after == before and capturing == 0
    with db.connect(write=False) as conn:
        assert stats.summary_differences(conn) == 0


@pytest.mark.sqlite_only("SQLite's suspended triggers; the hub suspends none")
def test_failed_batch_restores_the_suspended_triggers(
    db: Database, union_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    monkeypatch.setattr(member_writer, "SET_BASED_FROM", 1)
    rows = _rows(union_ids)[:3]
    with db.connect(write=False) as conn:
        triggers = _derived(conn)["triggers"]
    with pytest.raises(_Rollback), db.connect() as conn:
        with pytest.raises(IntegrityError):
            member_writer.insert_rows(conn, [rows[0], {**rows[1], "id": rows[0]["id"]}])
        # A caller that catches the error still has every trigger in its transaction.
        assert _derived(conn)["triggers"] == triggers
        raise _Rollback
    with db.connect(write=False) as conn:
        assert _derived(conn)["triggers"] == triggers
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == 0


def test_python_figures_equal_a_recount_of_the_data(db: Database, union_ids: list[str]) -> None:
    """``stats.member_figures`` (rows counted as prepared) against the SQL recount."""
    rows = _rows(union_ids)
    with db.connect() as conn:
        prepared = member_writer.prepare_rows(rows, member_writer.next_rowid(conn))
        assert sum(n for k, n in prepared.figures.items() if k[0] == "members") == len(rows)
        with member_writer.appending(conn) as append:
            append(prepared)
        assert stats.summary_differences(conn) == 0


def test_status_sql_names_the_code_sets() -> None:
    from desktop.models.codes import CURRENT_STATUSES, LEFT_STATUSES

    def codes(sql: str) -> set[str]:
        return {part.strip(" '") for part in sql.strip("()").split(",")}

    assert codes(stats.CURRENT_SQL) == CURRENT_STATUSES
    assert codes(stats.LEFT_SQL) == LEFT_STATUSES
