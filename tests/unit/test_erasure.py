"""个人信息删除 on one office: every personal field blanked (read back per table), the
search index and the change log purged, the permission, a second erasure refused, and
the backups that still hold the person."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop import acting
from desktop.clock import FixedClock
from desktop.errors import PermissionDeniedError, UnionDeskError, ValidationError
from desktop.models.erasure import ERASED_NAME, PERSONAL
from desktop.services.erasure import backups
from desktop.services.erasure import records as erasure
from desktop.services.members import writer as member_writer
from desktop.storage import backups as storage_backups
from desktop.storage import engines, pg_search, search_index
from desktop.storage.database import Database
from tests.unit.sync.test_erasure_sync import ID_NUMBER, NAME, PHONE, SECRETS, _person

pytestmark = pytest.mark.both_engines


def _row(db: Database, table: str, row_id: str) -> dict[str, object]:
    with db.connect(write=False) as conn:
        row = conn.exec_driver_sql(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,)).one()
    return dict(row._mapping)


def _hits(db: Database, query: str) -> list[int]:
    with db.connect(write=False) as conn:
        if engines.is_postgres(conn):
            return pg_search.search(conn, query, 50)
        return search_index.find_rowids(conn, query, 50)


def test_erase_blanks_every_personal_field(db: Database) -> None:
    rows = _person(db)
    result = erasure.erase(db, rows["member"], "request")
    assert result.reason == "request"
    member = _row(db, "members", rows["member"])
    assert member["name"] == ERASED_NAME and member["id_number"] == "" and member["deleted"]
    for field, blank in PERSONAL["members"].items():
        assert member[field] == blank, field
    for table, key in (
        ("applications", "application"),
        ("hardship_cases", "case"),
        ("hardship_household", "household"),
        ("legal_cases", "legal"),
        ("attendances", "guest"),
    ):
        stored = _row(db, table, rows[key])
        for field, blank in PERSONAL[table].items():
            assert stored[field] == blank, f"{table}.{field}"
    assert _row(db, "hardship_cases", rows["case"])["deleted"]
    other = _row(db, "members", rows["other"])
    assert other["name"] == "王小二" and not other["deleted"]
    with db.connect(write=False) as conn:
        entries = conn.exec_driver_sql(
            "SELECT member_id, reason FROM erasures WHERE deleted = 0"
        ).all()
        audit_rows = (
            conn.exec_driver_sql("SELECT detail FROM audit_log WHERE action = 'erasure'")
            .scalars()
            .all()
        )
    assert [(e.member_id, e.reason) for e in entries] == [(rows["member"], "request")]
    assert len(audit_rows) == 1 and rows["member"] in audit_rows[0]
    assert not any(s in audit_rows[0] for s in SECRETS)


def test_search_no_longer_finds_the_person(db: Database) -> None:
    rows = _person(db)
    with db.connect() as conn:  # the helper writes rows as SQL: index them as the writer does
        member_writer.refresh_documents(conn, [rows["member"], rows["other"]])
    for query in (NAME, ID_NUMBER[-6:], PHONE[-4:], PHONE):
        assert _hits(db, query), query
    erasure.erase(db, rows["member"], "request")
    for query in (NAME, ID_NUMBER[-6:], PHONE[-4:], PHONE):
        assert _hits(db, query) == [], query
    assert _hits(db, "王小二")


def test_change_log_keeps_the_dots_but_no_value(db: Database) -> None:
    rows = _person(db)
    with db.connect(write=False) as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM sync_change").scalar_one()
    erasure.erase(db, rows["member"], "request")
    with db.connect(write=False) as conn:
        logged = conn.exec_driver_sql("SELECT fields FROM sync_change").scalars().all()
        conflicts = (
            conn.exec_driver_sql("SELECT win_value || lose_value FROM sync_conflict")
            .scalars()
            .all()
        )
    assert len(logged) > before  # nothing removed; the erasure's own writes added
    text = "\n".join([*logged, *conflicts])
    assert not [s for s in SECRETS if s in text]
    assert any(json.loads(f).get("name") == ERASED_NAME for f in logged)


def test_staff_account_is_refused(db: Database) -> None:
    rows = _person(db)
    staff = acting.Actor("clerk", "办事员", acting.STAFF, account_id=2)
    with acting.acting_as(staff), pytest.raises(PermissionDeniedError):
        erasure.erase(db, rows["member"], "request")
    assert _row(db, "members", rows["member"])["name"] == NAME
    admin = acting.Actor("boss", "管理员", acting.ADMIN, account_id=1)
    with acting.acting_as(admin):
        erasure.erase(db, rows["member"], "request")
    assert _row(db, "members", rows["member"])["name"] == ERASED_NAME


def test_second_erasure_is_a_clear_message(db: Database) -> None:
    rows = _person(db)
    erasure.erase(db, rows["member"], "其他")
    with pytest.raises(UnionDeskError, match="已经删除过"):
        erasure.erase(db, rows["member"], "request")
    with pytest.raises(ValidationError, match="删除原因"):
        erasure.erase(db, rows["other"], "不喜欢")
    with db.connect(write=False) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM erasures").scalar_one() == 1


@pytest.mark.sqlite_only("an office's own backup files; a hub's are its administrator's pg_dump")
def test_backups_made_before_are_listed_with_their_removal_date(db: Database) -> None:
    rows = _person(db)
    older = db.backup("manual")
    result = erasure.erase(db, rows["member"], "request")
    assert [b.name for b in result.backups] == [older.name]
    held = result.backups[0]
    assert held.removed_by == storage_backups.removed_by(held.made_at)


@pytest.mark.sqlite_only("an office's own backup files; a hub's are its administrator's pg_dump")
def test_a_backup_made_while_the_clock_was_ahead_is_listed_as_holding_the_person(
    db: Database, fixed_clock: FixedClock
) -> None:
    """Its name is later than the erasure, yet it was made before it (the erasure reads
    the same clock): it holds the person, and the note must say so."""
    rows = _person(db)
    fixed_clock.advance(timedelta(days=365))
    ahead = db.backup("manual")
    fixed_clock.advance(-timedelta(days=365))
    result = erasure.erase(db, rows["member"], "request")
    assert [b.name for b in result.backups] == [ahead.name]
    assert "可能仍含有此人的信息" in "\n".join(backups.describe(result.backups))


def test_removal_date_is_the_month_a_year_on(tmp_path: Path) -> None:
    (tmp_path / "uniondesk-20260131-093000-123456-before-sync-import.db").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    [held] = backups.held(tmp_path, datetime(2026, 12, 1))
    assert held.made_at == datetime(2026, 1, 31, 9, 30, 0, 123456)
    assert held.removed_by == date(2027, 1, 1)  # January's copy is kept through December


def test_records_merged_as_the_same_person_are_erased_together(db: Database) -> None:
    from desktop.services.duplicates import merging

    rows = _person(db)
    from tests.unit.sync.helpers import add_member

    twin = add_member(db, rows["union"], "欧阳娜", "twin-record")
    merging.merge(db, twin, rows["member"], take=["name"], confirm_different_ids=True)
    assert _row(db, "members", twin)["name"] == NAME  # the survivor holds the person now
    erasure.erase(db, rows["member"], "request")
    for record in (twin, rows["member"]):
        stored = _row(db, "members", record)
        assert stored["name"] == ERASED_NAME and stored["deleted"], record
    assert _row(db, "members", rows["other"])["name"] == "王小二"
