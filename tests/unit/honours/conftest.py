"""A federation, a union and two members made through the real services."""

from __future__ import annotations

import pytest

from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.unit.sync.helpers import valid_id


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    """Name → member id."""
    federations.create(db, "测试联合会", card_prefix="T")
    union = unions.add(db, "曾氏科技工会")
    found = {}
    for i, (name, phone) in enumerate((("李娟", "13812345678"), ("王强", None))):
        rec, _ = members.add(
            db, {"name": name, "id_number": valid_id(i + 1), "union_id": union.id, "phone": phone}
        )
        found[name] = rec.id
    return found
