"""Member lists for tables and exports: filters plus keyset paging, never OFFSET.

A page is fetched by "rows after this (sort_key, rowid)", which costs the same for the
first and the millionth row, so a table over a million members only ever reads what is
on screen. Rows carry masked ID numbers and phones: a list cannot leak them. A row's
``birth_date`` is there for the age column and the age filter; shown beside the masked
number it would give the number back, so lists show the age and outputs the year
(``desktop.models.masking``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, text

from desktop import clock
from desktop.errors import NotFoundError, ValidationError
from desktop.models.codes import AGE_BANDS, CURRENT_STATUSES
from desktop.models.masking import mask_id_number, mask_phone
from desktop.storage import engines, pg_search, search_index
from desktop.storage.database import Database

#: A row's place in its list's order: the ordering value (None for a member without
#: one, e.g. no card number yet) and its rowid.
PageKey = tuple[str | None, int]

#: The orders a member list can be read in, by the column each sorts on. Each is served
#: by an index that walks the members in that order (``ix_members_listing``, the
#: dashboard's ``ix_members_stats_joined``), so a page of a million members costs tens of
#: milliseconds either way. Age and card number have none that does: a page took 13–22 s
#: at a million members, so they are not offered.
ORDERS = {"name": "m.sort_key", "joined_on": "m.joined_on"}


@dataclass(frozen=True)
class MemberFilter:
    union_id: str | None = None
    # A status code, "current" (active + retained) or None for all.
    status: str | None = None
    migrant: bool | None = None
    age_band: str | None = None
    search: str | None = None
    today: date | None = field(default=None, compare=False)
    # A 荣誉称号 code: members holding that honour (any level, any year).
    honour_title: str | None = None
    # One federation's members (its unions'), None for every federation held here: an
    # upper office receives its sub-federations' members by sync (docs/HUB.md, roll-ups).
    federation_id: str | None = None
    # The list's order (a key of ``ORDERS``): by name unless the clerk clicked a header.
    order: str = "name"
    descending: bool = False


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

    def key(self, order: str = "name") -> PageKey:
        """This row's place in a list read in ``order`` (``fetch_page``'s ``after``)."""
        if order == "joined_on":
            return (self.joined_on.isoformat() if self.joined_on else None, self.rowid)
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


def where_clause(flt: MemberFilter, conn: Connection | None = None) -> tuple[str, dict[str, Any]]:
    """SQL conditions on ``m`` (members) for a filter; shared with counts and exports.
    ``conn``: where the SQL will run (the search's SELECTs differ on the hub)."""
    parts = ["m.deleted = 0"]
    params: dict[str, Any] = {}
    if flt.union_id:
        parts.append("m.union_id = :union_id")
        params["union_id"] = flt.union_id
    if flt.federation_id:
        parts.append("m.union_id IN (SELECT id FROM unions WHERE federation_id = :federation_id)")
        params["federation_id"] = flt.federation_id
    if flt.status == "current":
        parts.append("m.membership_status IN ('active', 'retained')")
    elif flt.status:
        parts.append("m.membership_status = :status")
        params["status"] = flt.status
    if flt.migrant is not None:
        parts.append("m.is_migrant_worker = :migrant")
        params["migrant"] = int(flt.migrant)
    if flt.age_band:
        ages = {code: (low, high) for code, _label, low, high in AGE_BANDS}.get(flt.age_band)
        if ages is not None:
            low, high = ages
            today = flt.today or clock.current().today()
            # Age between lo and hi inclusive ⇔ born after (today − (hi+1) years) and
            # on or before (today − lo years).
            parts.append("m.birth_date > :born_after AND m.birth_date <= :born_by")
            params["born_after"] = _years_ago(today, high + 1).isoformat()
            params["born_by"] = _years_ago(today, low).isoformat()
    if flt.honour_title:
        parts.append(
            "m.id IN (SELECT h.member_id FROM honours h WHERE h.title_code = :honour_title "
            "AND h.deleted = 0)"
        )
        params["honour_title"] = flt.honour_title
    if flt.search and flt.search.strip():
        hub = conn is not None and engines.is_postgres(conn)
        found = (pg_search if hub else search_index).rowids_sql(flt.search)
        if found is None:
            parts.append("1 = 0")
        else:
            selects, search_params = found
            parts.append(f"m.rowid IN ({' UNION ALL '.join(selects)})")
            params.update(search_params)
    return " AND ".join(parts), params


class _Listed(NamedTuple):
    """A list row as ``_COLUMNS`` selects it: the SELECT names each column after these
    fields, in this order, so ``_make`` reads every value by its name. A named tuple, not
    the SQLAlchemy row's attribute access, several times dearer for 13 fields on every row
    of the search box and of each page of the member table (docs/benchmarks.md)."""

    rowid: int
    id: str
    name: str
    gender: str | None
    birth_date: str | date | None
    union_name: str
    id_number: str | None
    phone: str | None
    card_no: str | None
    membership_status: str
    joined_on: str | date | None
    is_migrant_worker: int
    sort_key: str


_SOURCE = {"union_name": "u.name"}  # every other field is the members column of its name
_COLUMNS = (
    "SELECT "
    + ", ".join(f"{_SOURCE.get(f, 'm.' + f)} AS {f}" for f in _Listed._fields)
    + " FROM members m JOIN unions u ON u.id = m.union_id "
)


def _date(value: str | date | None) -> date | None:
    """A stored date: ISO text from SQLite, a ``date`` from PostgreSQL (the hub)."""
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def _row(raw: Any) -> MemberRow:
    r = _Listed._make(raw)
    return MemberRow(
        rowid=int(r.rowid),
        id=r.id,
        name=r.name,
        gender=r.gender,
        birth_date=_date(r.birth_date),
        union_name=r.union_name,
        id_number_masked=mask_id_number(r.id_number),
        phone_masked=mask_phone(r.phone),
        card_no=r.card_no,
        membership_status=r.membership_status,
        joined_on=_date(r.joined_on),
        is_migrant_worker=bool(r.is_migrant_worker),
        sort_key=r.sort_key,
    )


def fetch_page(
    conn: Connection, flt: MemberFilter, after: PageKey | None = None, limit: int = 200
) -> list[MemberRow]:
    """The ``limit`` rows after ``after`` (a row's ``key(flt.order)``) in the filter's order.

    A keyset page: "after this (value, rowid)", never OFFSET. An order on a column that
    may be empty (an applicant's join date) lists the members with a value first, then
    those without one by rowid, so each part stays one range of its index.
    """
    column = ORDERS.get(flt.order, ORDERS["name"])
    where, params = where_clause(flt, conn)
    way, past = ("DESC", "<") if flt.descending else ("ASC", ">")
    after_value, after_rowid = after if after is not None else (None, None)
    rows: list[Any] = []
    if after is None or after_value is not None:
        valued = where if column == ORDERS["name"] else f"{where} AND {column} IS NOT NULL"
        if after is not None:
            valued += f" AND ({column}, m.rowid) {past} (:after_key, :after_rowid)"
        sql = _COLUMNS + f"WHERE {valued} ORDER BY {column} {way}, m.rowid {way} LIMIT :limit"
        page = {**params, "after_key": after_value, "after_rowid": after_rowid, "limit": limit}
        rows = list(conn.execute(text(sql), page).all())
    if len(rows) < limit and column != ORDERS["name"]:  # then those without a value
        empty = f"{where} AND {column} IS NULL"
        if after is not None and after_value is None:
            empty += f" AND m.rowid {past} :after_rowid"
        sql = _COLUMNS + f"WHERE {empty} ORDER BY m.rowid {way} LIMIT :limit"
        rest = {**params, "after_rowid": after_rowid, "limit": limit - len(rows)}
        rows += conn.execute(text(sql), rest).all()
    return [_row(r) for r in rows]


def count(conn: Connection, flt: MemberFilter) -> int:
    where, params = where_clause(flt, conn)
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
    if engines.is_postgres(conn):
        rowids: Sequence[int] = pg_search.search(conn, query, limit)
    else:
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


def resolve_member_key(db: Database, key: str) -> str:
    """The member a clerk names on the command line: its id, card number or full ID
    number (legal-aid applicants, honours). Refuses no match and several matches; the
    message never repeats the key (it may be an ID number)."""
    value = (key or "").strip().upper()
    if not value:
        raise ValidationError("请指定会员（会员编号、会员证号或身份证号）", field="member_id")
    with db.connect(write=False) as conn:
        found = [
            str(r[0])
            for r in conn.execute(
                text(
                    "SELECT id FROM members WHERE deleted = 0 AND "
                    "(id = :raw OR card_no = :v OR id_number = :v) LIMIT 2"
                ),
                {"raw": key.strip(), "v": value},
            ).all()
        ]
    if not found:
        raise NotFoundError("未找到该会员：请核对会员编号、会员证号或身份证号", field="member_id")
    if len(found) > 1:
        raise ValidationError(
            "有多名会员符合，请改用会员编号（members find 可查）", field="member_id"
        )
    return found[0]
