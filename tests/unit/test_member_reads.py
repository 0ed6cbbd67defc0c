"""The member reads the views and the CLI call (each its own read transaction) give
what the shared-transaction reads give: pages in order, counts, search hits."""

from __future__ import annotations

import pytest

from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberFilter
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.unit.test_search import people  # noqa: F401  (the fixture)

pytestmark = pytest.mark.both_engines


def test_pages_count_and_search(db: Database, people: dict[str, str]) -> None:  # noqa: F811
    flt = MemberFilter()
    first = member_queries.read_page(db, flt, limit=4)
    rest = member_queries.read_page(db, flt, after=first[-1].key, limit=100)
    with db.connect(write=False) as conn:
        whole = member_queries.fetch_page(conn, flt, limit=100)
        assert member_queries.count_matching(db, flt) == member_queries.count(conn, flt)
    assert [r.id for r in first + rest] == [r.id for r in whole]
    assert len(first) == 4 and len(whole) == len(people) == 10
    assert {r.name for r in member_queries.search_members(db, "张")} == {"张三", "张三丰"}
    assert len(member_queries.search_members(db, "张", limit=1)) == 1
    union_id = unions.id_by_name(db, "一号工会")
    assert member_queries.count_matching(db, MemberFilter(union_id=union_id)) == 10
