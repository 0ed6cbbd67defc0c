"""What the print page and ``uniondesk print`` read (``desktop.printing.queries``)."""

from __future__ import annotations

import pytest

from desktop.errors import UnionDeskError
from desktop.printing import queries
from desktop.printing.forms.data import HardshipFormData, MemberFormData, TransferFormData
from desktop.storage.database import Database
from tests.unit.printing.conftest import seed


def test_union_names_cards_and_forms(db: Database) -> None:
    seeded = seed(db, 2, union_name="蛇口联合工会")
    assert queries.union_names(db) == ["蛇口联合工会"]
    batch = queries.card_batch(db, union_name="蛇口联合工会")
    assert sorted(r.name for r in batch.records) == ["测试会员0", "测试会员1"]
    first = str(seeded.members[0]["id"])
    only = queries.card_batch(db, member_ids=[first])
    assert [r.name for r in only.records] == ["测试会员0"]
    member = queries.form_values(db, "registration", first)
    assert isinstance(member, MemberFormData) and member.name == "测试会员0"
    assert "*" in member.id_number  # masked unless asked
    assert queries.form_values(db, "registration", first, unmasked=True).id_number == (
        "440304199001015415"
    )
    assert isinstance(queries.form_values(db, "transfer", first), TransferFormData)
    assert isinstance(queries.form_values(db, "hardship", first), HardshipFormData)
    with pytest.raises(UnionDeskError):
        queries.form_values(db, "attendance", first)  # a member id is no activity
