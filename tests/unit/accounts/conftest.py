"""Account fixtures: a cheap argon2 profile (the real one costs ~50 ms a hash) and a
process that is signed out again after every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, profiles

from desktop import acting
from desktop.services.accounts import passwords, records
from desktop.storage.database import Database

ADMIN_PASSWORD = "Admin-pass-1"
STAFF_PASSWORD = "Staff-pass-1"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", None)
    yield
    acting.sign_out()


@pytest.fixture
def admin(db: Database) -> acting.Actor:
    """The first administrator, signed in."""
    record = records.create_first_admin(db, "admin", "王管理", ADMIN_PASSWORD)
    actor = record.actor()
    acting.sign_in(actor)
    return actor
