"""Seed rows for the activity tests with plain Core inserts (no member service needed)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from desktop.services import sites
from desktop.storage.database import Database

UNIONS = (("u1", "甲工会"), ("u2", "乙工会"))
# card, union, status, gender, birth, joined, migrant, left_on
MEMBERS = (
    ("C001", "u1", "active", "F", date(2000, 5, 1), date(2026, 11, 3), 1, None),
    ("C002", "u1", "active", "M", date(1990, 1, 1), date(2026, 2, 1), 0, None),
    ("C003", "u1", "withdrawn", "M", date(1985, 1, 1), date(2020, 1, 1), 0, date(2026, 11, 5)),
    ("C004", "u2", "retained", "F", date(1960, 6, 30), date(2010, 1, 1), 0, None),
    ("C005", "u2", "active", "M", date(1992, 11, 22), date(2025, 6, 1), 1, None),
    ("C006", "u2", "applicant", "F", date(1999, 1, 1), None, 0, None),
    ("C007", "u2", "active", None, None, None, 0, None),
    ("C008", "u1", "active", "F", date(2010, 1, 1), date(2026, 12, 1), 0, None),  # future join
)


def _id_number(i: int) -> str:
    """A valid ID number (``check`` flags stored values the member rules refuse)."""
    body = f"11010119900101{i:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def seed_members(db: Database) -> dict[str, str]:
    """Insert the federation, unions and members; returns card number → member id."""
    ids: dict[str, str] = {}
    with db.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO federations (id, name, card_prefix) VALUES ('f1', '测试联合会', 'GH')"
            )
        )
        for uid, name in UNIONS:
            conn.execute(
                text(
                    "INSERT INTO unions (id, federation_id, name, sort_key) "
                    "VALUES (:id, 'f1', :n, :n)"
                ),
                {"id": uid, "n": name},
            )
        for i, (card, uid, status, gender, birth, joined, migrant, left) in enumerate(MEMBERS):
            mid = f"m{i + 1}"
            ids[card] = mid
            conn.execute(
                text(
                    "INSERT INTO members (id, union_id, name, id_number, gender, birth_date, "
                    "is_migrant_worker, card_no, joined_on, membership_status, left_on, sort_key) "
                    "VALUES (:id, :u, :name, :idn, :g, :b, :mig, :card, :j, :s, :l, :name)"
                ),
                {
                    "id": mid,
                    "u": uid,
                    "name": f"会员{i + 1}",
                    "idn": _id_number(i),
                    "g": gender,
                    "b": birth,
                    "mig": migrant,
                    "card": card,
                    "j": joined,
                    "s": status,
                    "l": left,
                },
            )
    return ids


@pytest.fixture
def members(db: Database) -> dict[str, str]:
    return seed_members(db)


@pytest.fixture
def station(db: Database) -> str:
    return sites.add_site(db, "station", "幸福路职工服务站", area_m2="120", seats=40).id
