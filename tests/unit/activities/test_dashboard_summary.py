"""The dashboard summary counts (``desktop.services.figures.summary``) stay exact through
every write.

After each kind of write the held summary is compared with a fresh count of the data
(``summary_differences``), and the figures read from it with independent SQL counts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.config import Paths
from desktop.models.base import synced_tables
from desktop.opening import open_database, run_migrations
from desktop.services import activities
from desktop.services.figures import dashboard
from desktop.services.figures import summary as stats
from desktop.services.members import registry as member_service
from desktop.services.members import writer as member_writer
from desktop.services.sites import service_log
from desktop.services.sites.service_log import DayEntry
from desktop.services.upkeep import integrity
from desktop.storage import bulk_rows
from desktop.storage.database import Database, make_engine

pytestmark = pytest.mark.both_engines


AS_OF = date(2026, 11, 30)


def _differences(db: Database) -> int:
    with db.connect(write=False) as conn:
        return stats.summary_differences(conn)


def _scalar(db: Database, sql: str, **params: object) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(sql), params).scalar_one() or 0)


def _reached_by_join(db: Database, year: int) -> int:
    """Coverage the slow way: one member lookup per attendee."""
    return _scalar(
        db,
        "SELECT count(DISTINCT t.member_id) FROM activities a "
        "JOIN attendances t ON t.activity_id = a.id AND t.deleted = 0 "
        "JOIN members m ON m.id = t.member_id WHERE a.deleted = 0 "
        "AND substr(CAST(a.starts_at AS VARCHAR), 1, 4) = :y AND m.deleted = 0 "
        "AND m.membership_status IN ('active', 'retained') "
        "AND (m.joined_on IS NULL OR m.joined_on <= :cut)",
        y=str(year),
        cut=AS_OF.isoformat(),
    )


def test_summary_stays_exact_through_every_kind_of_write(
    db: Database, members: dict[str, str], station: str
) -> None:
    assert _differences(db) == 0
    act = activities.add(
        db, {"title": "普法", "category": "legal_aid", "starts_at": "2026-03-01 09:00",
             "site_id": station},
    ).id  # fmt: skip
    first = activities.attend_by_card(db, act, "C001")
    activities.attend_by_card(db, act, "C002")  # leaves later: then no longer covered
    activities.attend_guest(db, act, "访客")
    service_log.add_day(db, "2026-11-02", station, [DayEntry("hardship_help", 7)])
    assert _differences(db) == 0
    cov = dashboard.dashboard(db, AS_OF).activities.coverage
    assert cov.reached == _reached_by_join(db, 2026) == 2

    # A member leaves, another moves union and changes gender, one is deleted.
    member_service.mark_left(db, members["C002"], "withdrawn", on=date(2026, 11, 10), reason="离职")
    with db.connect() as conn:
        conn.execute(text("UPDATE members SET union_id = 'u2', gender = 'F' WHERE id = 'm5'"))
        conn.execute(text("UPDATE members SET deleted = 1 WHERE id = 'm4'"))
    assert _differences(db) == 0
    assert dashboard.dashboard(db, AS_OF).activities.coverage.reached == 1

    # The activity moves to last year and changes category; an attendance is removed.
    activities.update(db, act, {"starts_at": "2025-12-20 09:00", "category": "festival"})
    assert _differences(db) == 0
    assert dashboard.dashboard(db, AS_OF).activities.coverage.reached == _reached_by_join(db, 2026)
    activities.remove_attendance(db, first.id)
    assert _differences(db) == 0

    # The member of the removed attendance comes back: the attendee row follows.
    activities.attend_by_card(db, act, "C001")
    with db.connect() as conn:
        conn.execute(text("UPDATE members SET membership_status = 'withdrawn' WHERE id = 'm1'"))
    assert _differences(db) == 0
    with db.connect() as conn:
        conn.execute(text("UPDATE members SET membership_status = 'active' WHERE id = 'm1'"))

    # Service log: edit people, then delete the record; a deleted activity.
    with db.connect() as conn:
        rid = conn.execute(text("SELECT id FROM service_records LIMIT 1")).scalar_one()
        conn.execute(text("UPDATE service_records SET people = 3 WHERE id = :r"), {"r": rid})
    assert _differences(db) == 0
    service_log.delete_record(db, rid)
    activities.delete(db, act)
    assert _differences(db) == 0

    # Physical deletes happen only with capture off (e.g. a local repair): still exact.
    with db.connect() as conn:
        conn.execute(text("UPDATE sync_clock SET capturing = 0"))
        conn.execute(text("DELETE FROM attendances"))
        conn.execute(text("DELETE FROM activities"))
        conn.execute(text("DELETE FROM hardship_cases"))
        conn.execute(text("DELETE FROM member_status_changes"))  # m2 left: its history
        conn.execute(text("DELETE FROM members WHERE id = 'm2'"))
        conn.execute(text("UPDATE sync_clock SET capturing = 1"))
    assert _differences(db) == 0


def test_bulk_member_insert_is_counted(db: Database, members: dict[str, str]) -> None:
    with db.connect() as conn:
        members_service_rows = [
            {"union_id": "u1", "name": f"批量{i}", "id_number": f"B{i:017d}",
             "gender": "F", "birth_date": date(1995, 1, 1), "joined_on": date(2026, 5, 1)}
            for i in range(30)
        ]  # fmt: skip
        member_writer.insert_rows(conn, members_service_rows)
    assert _differences(db) == 0
    figures = dashboard.dashboard(db, AS_OF).members
    assert figures.total == _scalar(
        db,
        "SELECT count(*) FROM members WHERE deleted = 0 AND membership_status IN "
        "('active', 'retained') AND (joined_on IS NULL OR joined_on <= '2026-11-30')",
    )
    assert figures.new_in_year == 32  # C001, C002 and the 30 new members


def test_many_rows_in_one_statement_are_counted_once_each(
    db: Database, members: dict[str, str], station: str
) -> None:
    """The hub writes a package's rows as one statement each (``storage.bulk_rows``) and
    counts them with statement-level triggers (migration 0021): inserts, updates that
    move rows between activities, years and members' statuses, and deletions, each of
    many rows at once, leave the summary exactly as a fresh count."""
    many = bulk_rows.STAGED_FROM + 10
    with db.connect() as conn:
        people = member_writer.insert_rows(
            conn,
            [
                {"union_id": "u1", "name": f"同批{i}", "id_number": f"S{i:017d}",
                 "birth_date": date(1990, 1, 1), "joined_on": date(2025, 5, 1)}
                for i in range(many)
            ],
        )  # fmt: skip
        bulk_rows.insert_rows(
            conn,
            "activities",
            ("id", "title", "category", "starts_at", "ends_at", "site_id", "deleted"),
            [
                (f"a{i}", f"活动{i}", ("legal_aid", "festival", "hardship_help")[i % 3],
                 f"{2025 + i % 2}-03-01 09:00:00", f"{2025 + i % 2}-03-01 11:00:00",
                 station, i % 13 == 0)
                for i in range(many)
            ],
        )  # fmt: skip
        bulk_rows.insert_rows(
            conn,
            "attendances",
            ("id", "activity_id", "member_id", "guest_name", "method", "checked_in_at", "deleted"),
            [
                (f"t{i}", f"a{i % many}", None if i % 9 == 0 else people[i % many],
                 f"访客{i}" if i % 9 == 0 else None, "card", "2026-03-01 09:00:00",
                 i % 11 == 0)
                for i in range(3 * many)
            ],
        )  # fmt: skip
    assert _differences(db) == 0
    assert _scalar(db, "SELECT count(*) FROM dashboard_attendees") > many // 2

    with db.connect() as conn:
        # attendances move to the next activity (another year), some are deleted
        bulk_rows.update_rows(
            conn,
            "attendances",
            ("activity_id", "deleted"),
            [(f"a{(i + 1) % many}", i % 5 == 0, f"t{i}") for i in range(3 * many)],
        )
        # activities change year and category; deleted ones come back, others go
        bulk_rows.update_rows(
            conn,
            "activities",
            ("starts_at", "category", "deleted"),
            [(f"{2024 + i % 3}-06-01 09:00:00", "festival", i % 13 != 0 and i % 4 == 0,
              f"a{i}") for i in range(many)],
        )  # fmt: skip
    assert _differences(db) == 0

    with db.connect() as conn:
        # members leave, change union or are deleted, all in one statement
        bulk_rows.update_rows(
            conn,
            "members",
            ("membership_status", "union_id", "left_on", "deleted"),
            [(("withdrawn", "active", "retained")[i % 3], ("u1", "u2")[i % 2],
              "2026-10-01" if i % 3 == 0 else None, i % 7 == 0, m)
             for i, m in enumerate(people)],
        )  # fmt: skip
    assert _differences(db) == 0
    assert dashboard.dashboard(db, AS_OF).activities.coverage.reached == _reached_by_join(db, 2026)


def test_registry_stats_match_independent_counts(db: Database, members: dict[str, str]) -> None:
    s = stats.registry_stats(db)
    assert s.members_total == _scalar(db, "SELECT count(*) FROM members WHERE deleted = 0")
    assert s.by_status["withdrawn"] == 1 and s.by_status["active"] == 5
    assert s.migrant_workers == _scalar(
        db,
        "SELECT count(*) FROM members WHERE deleted = 0 AND is_migrant_worker = 1 "
        "AND membership_status IN ('active', 'retained')",
    )
    assert s.female == 3  # C001, C004 (retained), C008: gender F, current status


def test_summary_is_local_and_never_captured(db: Database, members: dict[str, str]) -> None:
    assert not {"dashboard_counts", "dashboard_attendees"} & set(synced_tables())
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM sync_change WHERE tbl IN "
            "('dashboard_counts', 'dashboard_attendees')",
        )
        == 0
    )
    assert _scalar(db, "SELECT count(*) FROM dashboard_counts WHERE fig = 'members'") > 0


def test_upgrade_fills_the_summary_from_existing_data(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "uniondesk.db")
    with engine.connect() as conn, conn.begin():
        run_migrations(conn, "0003")
    engine.dispose()
    engine = make_engine(tmp_path / "uniondesk.db")
    with engine.connect() as conn, conn.begin():
        conn.execute(
            text("INSERT INTO federations (id, name, card_prefix) VALUES ('f', 'f', 'GH')")
        )
        conn.execute(
            text(
                "INSERT INTO unions (id, federation_id, name, sort_key) "
                "VALUES ('u1', 'f', '甲', 'j')"
            )
        )
        for i, (status, joined) in enumerate(
            (("active", "2026-02-01"), ("retained", None), ("withdrawn", "2020-01-01"))
        ):
            conn.execute(
                text(
                    "INSERT INTO members (id, union_id, name, id_number, gender, birth_date, "
                    "joined_on, membership_status, left_on, sort_key) VALUES (:id, 'u1', '某', "
                    ":idn, 'F', '1990-01-01', :j, :s, :left, 'mou')"
                ),
                {"id": f"m{i + 1}", "idn": f"X{i:017d}", "j": joined, "s": status,
                 "left": "2026-03-01" if status == "withdrawn" else None},
            )  # fmt: skip
        conn.execute(
            text("INSERT INTO sites (id, kind, name, sort_key) VALUES ('s1', 'station', '站', 'z')")
        )
        conn.execute(
            text(
                "INSERT INTO activities (id, title, category, starts_at, ends_at, site_id) "
                "VALUES ('a1', '活动', 'career', '2026-05-01 09:00:00', "
                "'2026-05-01 11:00:00', 's1')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO attendances (id, activity_id, member_id, method, checked_in_at) "
                "VALUES ('t1', 'a1', 'm1', 'card', '2026-05-01 09:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO service_records (id, served_on, site_id, category, people) "
                "VALUES ('r1', '2026-05-02', 's1', 'career', 9)"
            )
        )
    engine.dispose()
    db = open_database(Paths(tmp_path))
    try:
        assert _differences(db) == 0
        d = dashboard.dashboard(db, AS_OF)
        rows = {r.code: r for r in d.activities.rows}
        assert (rows["career"].activities, rows["career"].attendance) == (1, 1)
        assert rows["career"].service_people == 9
        assert d.activities.coverage.reached == 1 and d.members.total == 2
        assert d.members.new_in_year == 1 and d.members.left_in_year == 1
    finally:
        db.close()


@pytest.mark.sqlite_only("`check` starts with PRAGMA integrity_check: not on the hub yet")
def test_check_finds_a_wrong_summary_and_rebuilds_it(db: Database, members: dict[str, str]) -> None:
    with db.connect() as conn:
        conn.execute(text("UPDATE dashboard_counts SET n = n + 1 WHERE fig = 'born'"))
    report = integrity.check(db)
    assert "dashboard_summary" in [p.kind for p in report.problems]
    assert integrity.check(db, rebuild_search=True).ok
    assert _differences(db) == 0


@pytest.mark.sqlite_only("reads the SQLite trigger text from sqlite_master")
def test_installed_triggers_are_the_ones_stats_describes(db: Database) -> None:
    """A change to the trigger SQL in ``stats`` needs a migration that installs it."""
    with db.connect(write=False) as conn:
        installed = {
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dashboard_%'"
            )
        }
    assert installed == set(stats.SUMMARY_TRIGGERS)
