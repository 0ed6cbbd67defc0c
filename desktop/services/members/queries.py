"""Member lists for tables and exports: filters plus keyset paging, never OFFSET.

A page is fetched by "rows after this (sort_key, rowid)", which costs the same for the
first and the millionth row, so a table over a million members only ever reads what is
on screen. Rows carry masked ID numbers and phones: a list cannot leak them. A row's
``birth_date`` is there for the age column and the age filter; shown beside the masked
number it would give the number back, so lists show the age and outputs the year
(``desktop.services.masking``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop import clock
from desktop.models.codes import AGE_BANDS, CURRENT_STATUSES
from desktop.models.masking import mask_id_number, mask_phone
from desktop.storage import search_index
from desktop.storage.database import Database

PageKey = tuple[str, int]


@dataclass(frozen=True)
class MemberFilter:
    union_id: str | None = None
    # A status code, "current" (active + retained) or None for all.
    status: str | None = None
    migrant: bool | None = None
    age_band: str | None = None
    search: str | None = None
    today: date | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MemberRow:
    rowid: int
    id: str
    name: str
    gender: str | None
    birth_date: date | None
    union_name: str
    id_number_masked: str
    phone_masked: str
    card_no: str | None
    membership_status: str
    joined_on: date | None
    is_migrant_worker: bool
    sort_key: str

    @property
    def key(self) -> PageKey:
        return (self.sort_key, self.rowid)

    def age(self, today: date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        t = today or clock.current().today()
        b = self.birth_date
        return t.year - b.year - ((t.month, t.day) < (b.month, b.day))


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def where_clause(flt: MemberFilter) -> tuple[str, dict[str, Any]]:
    """SQL conditions on ``m`` (members) for a filter; shared with counts and exports."""
    parts = ["m.deleted = 0"]
    params: dict[str, Any] = {}
    if flt.union_id:
        parts.append("m.union_id = :union_id")
        params["union_id"] = flt.union_id
    if flt.status == "current":
        parts.append("m.membership_status IN ('active', 'retained')")
    elif flt.status:
        parts.append("m.membership_status = :status")
        params["status"] = flt.status
    if flt.migrant is not None:
        parts.append("m.is_migrant_worker = :migrant")
        params["migrant"] = int(flt.migrant)
    if flt.age_band:
        band = next((b for b in AGE_BANDS if b[0] == flt.age_band), None)
        if band is not None:
            today = flt.today or clock.current().today()
            # Age between lo and hi inclusive ⇔ born after (today − (hi+1) years) and
            # on or before (today − lo years).
            parts.append("m.birth_date > :born_after AND m.birth_date <= :born_by")
            params["born_after"] = _years_ago(today, band[3] + 1).isoformat()
            params["born_by"] = _years_ago(today, band[2]).isoformat()
    if flt.search and flt.search.strip():
        found = search_index.rowids_sql(flt.search)
        if found is None:
            parts.append("0")
        else:
            parts.append(f"m.rowid IN ({' UNION ALL '.join(found[0])})")
            params.update(found[1])
    return " AND ".join(parts), params


_COLUMNS = (
    "SELECT m.rowid, m.id, m.name, m.gender, m.birth_date, u.name, m.id_number, m.phone, "
    "m.card_no, m.membership_status, m.joined_on, m.is_migrant_worker, m.sort_key "
    "FROM members m JOIN unions u ON u.id = m.union_id "
)


def _row(r: Any) -> MemberRow:
    return MemberRow(
        rowid=int(r[0]),
        id=r[1],
        name=r[2],
        gender=r[3],
        birth_date=date.fromisoformat(r[4]) if r[4] else None,
        union_name=r[5],
        id_number_masked=mask_id_number(r[6]),
        phone_masked=mask_phone(r[7]),
        card_no=r[8],
        membership_status=r[9],
        joined_on=date.fromisoformat(r[10]) if r[10] else None,
        is_migrant_worker=bool(r[11]),
        sort_key=r[12],
    )


def fetch_page(
    conn: Connection, flt: MemberFilter, after: PageKey | None = None, limit: int = 200
) -> list[MemberRow]:
    where, params = where_clause(flt)
    if after is not None:
        where += " AND (m.sort_key, m.rowid) > (:after_key, :after_rowid)"
        params.update(after_key=after[0], after_rowid=after[1])
    sql = _COLUMNS + f"WHERE {where} ORDER BY m.sort_key, m.rowid LIMIT :limit"
    rows = conn.execute(text(sql), {**params, "limit": limit}).all()
    return [_row(r) for r in rows]


def count(conn: Connection, flt: MemberFilter) -> int:
    where, params = where_clause(flt)
    return int(
        conn.execute(text(f"SELECT count(*) FROM members m WHERE {where}"), params).scalar_one()
    )


def find_sql(rowids: Sequence[int]) -> str:
    """The rows of these search hits, in list order.

    "+m.deleted": without the plus, SQLite answers "deleted = 0 ORDER BY sort_key" by
    walking a deleted-first index over the whole registry (~0.3–0.7 s at a million
    members) instead of fetching these few rows by rowid and sorting them (~0.5 ms).
    """
    marks = ", ".join(str(int(r)) for r in rowids)
    return _COLUMNS + f"WHERE m.rowid IN ({marks}) AND +m.deleted = 0 ORDER BY m.sort_key"


def find(conn: Connection, query: str, limit: int = 50) -> list[MemberRow]:
    """The search box: matches by name, pinyin, ID tail, phone fragment or card number."""
    rowids = search_index.find_rowids(conn, query, limit)
    if not rowids:
        return []
    return [_row(r) for r in conn.execute(text(find_sql(rowids))).all()]


def is_current(status: str) -> bool:
    return status in CURRENT_STATUSES


# -- for the CLI and the views: each call opens its own read transaction, so a screen
# never holds a connection (the functions above share the caller's transaction).


def read_page(
    db: Database, flt: MemberFilter, after: PageKey | None = None, limit: int = 200
) -> list[MemberRow]:
    """One keyset page of the member list (``fetch_page``)."""
    with db.connect(write=False) as conn:
        return fetch_page(conn, flt, after=after, limit=limit)


def count_matching(db: Database, flt: MemberFilter) -> int:
    """How many members a filter shows (``count``)."""
    with db.connect(write=False) as conn:
        return count(conn, flt)


def search_members(db: Database, query: str, limit: int = 50) -> list[MemberRow]:
    """The search box's matches (``find``)."""
    with db.connect(write=False) as conn:
        return find(conn, query, limit)
