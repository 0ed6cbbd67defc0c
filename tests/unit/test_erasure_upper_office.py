"""An erasure at an upper office (a district, the hub) that holds other offices' records:
what is matched by name alone stays within the office that recorded the person.

A guest sign-in or a legal-aid applicant carries a name and nothing else that says who
it is. On an office that is enough (its own guests, its own member); at a district or
a city hub holding many offices it is not: erasing one office's 会员a1 blanked every
guest of that name at every office's activities, and the district's change then went
down to those offices."""

from __future__ import annotations

from desktop.services.erasure import records as erasure
from desktop.storage.database import Database
from tests.hub_offices import hub_db, hub_offices
from tests.unit.sync.test_erasure_sync import _insert

__all__ = ["hub_db", "hub_offices"]


def _guest(db: Database, name: str) -> str:
    activity = _insert(
        db,
        "activities",
        {
            "title": "冬季慰问",
            "category": "culture",
            "starts_at": "2026-11-01 09:00:00",
            "ends_at": "2026-11-01 11:00:00",
            "deleted": 0,
        },
    )
    return _insert(
        db,
        "attendances",
        {
            "activity_id": activity,
            "guest_name": name,
            "method": "manual",
            "checked_in_at": "2026-11-01 09:10:00",
            "deleted": 0,
        },
    )


def _applicant(db: Database, name: str) -> str:
    return _insert(
        db,
        "legal_cases",
        {
            "intake_on": "2026-10-01",
            "applicant_name": name,
            "case_type": "wage_arrears",
            "status": "accepted",
            "deleted": 0,
        },
    )


def _member_id(db: Database, name: str) -> str:
    with db.connect(write=False) as conn:
        return str(conn.exec_driver_sql("SELECT id FROM members WHERE name = ?", (name,)).scalar())


def _value(db: Database, table: str, column: str, row_id: str) -> object:
    with db.connect(write=False) as conn:
        return conn.exec_driver_sql(
            f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)
        ).scalar()


def test_a_park_members_erasure_leaves_the_districts_namesakes(hub_db: Database) -> None:
    park_member = _member_id(hub_db, "会员a1")  # received from 甲园区
    guest = _guest(hub_db, "会员a1")  # the district's own activity: someone of that name
    applicant = _applicant(hub_db, "会员a1")
    erasure.erase(hub_db, park_member, "request")
    assert _value(hub_db, "attendances", "guest_name", guest) == "会员a1"
    assert _value(hub_db, "legal_cases", "applicant_name", applicant) == "会员a1"


def test_the_districts_own_members_erasure_still_reaches_its_guests(hub_db: Database) -> None:
    own_member = _member_id(hub_db, "会员d1")  # the district's own 区机关工会
    guest = _guest(hub_db, "会员d1")
    applicant = _applicant(hub_db, "会员d1")
    erasure.erase(hub_db, own_member, "request")
    assert _value(hub_db, "attendances", "guest_name", guest) is None
    assert _value(hub_db, "legal_cases", "applicant_name", applicant) != "会员d1"
