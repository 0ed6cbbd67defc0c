"""Judging a segment's column at once equals judging each change's value on its own."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from desktop.models import values

POOL: list[Any] = [
    None, 0, 1, True, False, 1.0, 7, "", " ", "张三", "1" * 220, "13800000001",
    "110101199003070011", "123", "yesterday", "2026-02-30", "2026-02-28", "A\x07",
]  # fmt: skip
FIELDS = ["deleted", "name", "phone", "id_number", "birth_date", "is_migrant_worker", "notes"]


@given(st.sampled_from(FIELDS), st.lists(st.sampled_from(POOL), max_size=30))
@example("deleted", [1, 1.0, True, 7])  # equal in a set, not to the rules
def test_column_judgement_equals_per_change_judgement(field: str, column: list[Any]) -> None:
    by_change = {
        at: found[0]
        for at, value in enumerate(column)
        if (found := values.check("members", {field: value}))
    }
    assert values.check_column("members", field, column) == by_change


def test_the_cases_of_the_issue_are_invalid() -> None:
    for field, value in (
        ("name", None), ("union_id", None), ("phone", "1" * 220), ("id_number", "123"),
        ("birth_date", "yesterday"), ("deleted", 7),
    ):  # fmt: skip
        assert values.check("members", {field: value}), (field, value)
    assert values.check("members", {"name": "张三", "deleted": 0, "phone": None}) == []
