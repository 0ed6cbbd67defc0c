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
    rest = member_queries.read_page(db, flt, after=first[-1].key(), limit=100)
    with db.connect(write=False) as conn:
        whole = member_queries.fetch_page(conn, flt, limit=100)
        assert member_queries.count_matching(db, flt) == member_queries.count(conn, flt)
    assert [r.id for r in first + rest] == [r.id for r in whole]
    assert len(first) == 4 and len(whole) == len(people) == 10
    assert {r.name for r in member_queries.search_members(db, "张")} == {"张三", "张三丰"}
    assert len(member_queries.search_members(db, "张", limit=1)) == 1
    union_id = unions.id_by_name(db, "一号工会")
    assert member_queries.count_matching(db, MemberFilter(union_id=union_id)) == 10


@pytest.mark.parametrize("order", ["name", "joined_on"])
@pytest.mark.parametrize("descending", [False, True])
def test_every_order_pages_through_every_member_once(
    db: Database,
    people: dict[str, str],  # noqa: F811
    order: str,
    descending: bool,
) -> None:
    """A header click reads the list in that column's order, a page at a time: members
    without a value (no join date yet) come after those with one, and paging
    three at a time gives the whole list once, in the same order as one read."""
    from datetime import date

    from desktop.services.members import registry as members

    ids = list(people.values())
    joined = [date(2020, 1, 1), date(2018, 6, 1), date(2018, 6, 1), date(2024, 3, 9)]
    for member_id, day in zip(ids, joined, strict=False):
        members.update(db, member_id, {"joined_on": day})
    with db.connect() as conn:  # two without a join date (as applicants have none)
        conn.exec_driver_sql(
            "UPDATE members SET joined_on = NULL WHERE id IN (?, ?)", (ids[4], ids[5])
        )
    flt = MemberFilter(order=order, descending=descending)
    paged: list[member_queries.MemberRow] = []
    after = None
    while True:
        page = member_queries.read_page(db, flt, after=after, limit=3)
        paged += page
        if len(page) < 3:
            break
        after = page[-1].key(order)
    with db.connect(write=False) as conn:
        whole = member_queries.fetch_page(conn, flt, limit=100)
    assert [r.id for r in paged] == [r.id for r in whole]
    assert sorted(r.id for r in paged) == sorted(ids)  # each member once

    def value(row: member_queries.MemberRow) -> str | None:
        return row.key(order)[0]

    given = [r for r in paged if value(r) is not None]
    assert paged[: len(given)] == given  # those without a value last
    assert [value(r) for r in given] == sorted((value(r) for r in given), reverse=descending)
