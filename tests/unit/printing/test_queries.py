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


def test_cards_only_for_current_members_named_when_refused(db: Database) -> None:
    """A card printed for someone who left would verify as 已失效 the day it is handed
    over: refused, naming who and why; 保留会籍 is still a member (QA report B6)."""
    from datetime import date

    from desktop.services.members import registry as members

    seeded = seed(db, 3)
    gone, kept, resting = (str(m["id"]) for m in seeded.members)
    members.mark_left(db, gone, "withdrawn", on=date(2026, 10, 1), reason="辞职")
    members.mark_left(db, resting, "retained", on=date(2026, 10, 1), reason="长期病休")
    with pytest.raises(UnionDeskError) as caught:
        queries.card_batch(db, member_ids=[kept, gone, resting])
    assert caught.value.message == (
        "以下会员不在会，不能制作会员卡：「测试会员0」（已退会，2026-10-01 起）。"
        "请只选择在会或保留会籍的会员。"
    )
    batch = queries.card_batch(db, member_ids=[kept, resting])
    assert [r.name for r in batch.records] == ["测试会员1", "测试会员2"]
    whole = queries.card_batch(db, union_name="蛇口联合工会")
    assert [r.name for r in whole.records] == ["测试会员1", "测试会员2"]
