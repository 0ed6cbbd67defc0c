"""One-box member search on an FTS5 table of pre-tokenised terms.

FTS5's trigram tokenizer silently finds nothing for queries under three characters, and
a LIKE scan reads every row; so each member's searchable values are turned into terms
here, where Python knows Chinese.

Every query is answered from one or a few *exact* terms or short prefix queries, never
from a prefix query that spans thousands of terms (``x*`` merges the doclist of every
term starting with x, ~100 ms at a million members); a single term's doclist is read
lazily and a ``LIMIT 50`` stops after 50 rows. A document holds:

- every substring of the name's Chinese characters (张三丰 → 张 三 丰 张三 三丰 张三丰);
- every beginning of the initials (zs zsf), the beginnings of the full reading up to
  ``EXACT_BEGINNINGS`` letters (z zh … zhangs) and, when longer, the whole reading tagged
  ``f_`` (f_zhangsanfeng), and each given-name syllable and the whole given-name reading
  as whole words (san feng sanfeng). A lone "x" therefore lists surnames read x…, not
  every member with an x somewhere in the given name. A longer beginning (zhangsa) is the
  prefix query ``f_zhangsa*``: by then it spans a few hundred readings at most, while the
  seven or so longer beginnings of every reading were near-unique terms, the dearest kind
  to index (~20 % of the index's writing time);
- the ID number reversed (its last 4+ characters are a prefix), the card number both
  ways, and the phone's three-digit pieces (13812345678 → 138 381 812 … 678). A fragment
  of three digits is one piece; a longer one names the members whose phone holds all of
  its pieces, and each is then checked against the phone itself (``rowids_sql``), since
  123 and 234 may sit apart (139 1239 9234). The pieces replaced every phone suffix of
  3+ digits (migration 0009): suffixes longer than four digits are near-unique terms,
  which cost a third of the index's writing time, while the thousand pieces are shared
  by a thousandth of the members each.

Cost is what shapes this: each term costs about half a microsecond per member to index,
and members are written 100k at a time by imports, sync and the demo generator. One
column with ``detail=none`` (no positions, no column lists: there are no phrase or
column queries) and ASCII-only tokenising keep the index lean. Terms from different
fields must not meet, so every term that is not a Chinese substring or a pinyin word
carries a tag with an underscore (``i_`` ID, ``p_`` phone, ``k_``/``r_`` card, ``f_``
a long whole reading), which no pinyin word or Chinese character can contain.

Names are indexed under each of their readings (``pinyin.name_readings``): a given name's
曾 under ceng and zeng, 吕 under lv and lu, at most four readings a name.

The document format is part of the schema: migrations 0007-0010 rebuilt the table for it,
and a later change of the format must come with a migration that rebuilds again (0010
holds a frozen copy of the document code, so it does not change with this module).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

# The terms and a query's lookups are engine-neutral (the hub's PostgreSQL index makes
# the same ones): they live in ``search_terms``, and are re-exported here for the callers
# that have always found them in this module.
from desktop.storage.search_terms import (
    EXACT_BEGINNINGS,
    Document,
    document,
    name_terms,
    parse,
    phone_pieces,
)

__all__ = [
    "EXACT_BEGINNINGS",
    "Document",
    "Match",
    "add_documents",
    "document",
    "drop_documents",
    "find_rowids",
    "index_rows",
    "match",
    "name_terms",
    "phone_pieces",
    "rebuild",
    "rowids_sql",
]

TABLE_SQL = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "terms, tokenize = \"ascii tokenchars '_'\", detail = none, columnsize = 0)"
)
# Merge segments 16 at a time instead of 4: at a million members that writes the index
# in 18 s instead of 25, and queries read the same (measured: p50 0.2 ms, max 2.5 ms).
TABLE_SETTINGS = ("INSERT INTO member_search (member_search, rank) VALUES ('automerge', 16)",)
INSERT_SQL = "INSERT INTO member_search (rowid, terms) VALUES (?, ?)"

# A query's rowids: those of the exact terms, and those of the phone pieces checked
# against the phone (a lookup of the candidate's row, a few µs each).
_EXACT_SQL = "SELECT rowid FROM member_search WHERE member_search MATCH :search_terms"
_PHONE_SQL = (
    "SELECT rowid FROM member_search WHERE member_search MATCH :search_pieces AND instr("
    "(SELECT phone FROM members WHERE members.rowid = member_search.rowid), :search_digits)"
)

# The writing interface: what the member writer (``services.members.writer``) and a
# rebuild need of the index. Documents are made in Python (``document``) and only these
# functions know how the index stores them.


def add_documents(conn: Connection, docs: Sequence[Document]) -> None:
    """Store documents of members that have none yet."""
    if docs:
        conn.exec_driver_sql(INSERT_SQL, docs)


def drop_documents(conn: Connection, rowids: Sequence[int]) -> None:
    """Remove the documents of these members (before a refresh, or when deleted)."""
    for i in range(0, len(rowids), 500):
        chunk = tuple(rowids[i : i + 500])
        conn.exec_driver_sql(
            f"DELETE FROM member_search WHERE rowid IN ({', '.join('?' for _ in chunk)})", chunk
        )


def purge_dropped(conn: Connection) -> None:
    """Merge the index into one b-tree so no dropped document's terms remain in it.

    FTS5 removes a document by writing delete markers that meet its terms only when
    segments merge; an erased person's name and ID-number terms must go now
    (``services.erasure``). Costs a rewrite of the index: for erasures, not routine.
    """
    conn.exec_driver_sql("INSERT INTO member_search(member_search) VALUES ('optimize')")


def index_rows(
    conn: Connection, rows: Iterable[tuple[int, str, str | None, str | None, str | None]]
) -> None:
    """Add search documents for (rowid, name, id_number, phone, card_no) rows."""
    add_documents(conn, [document(*row) for row in rows])


REBUILD_CHUNK = 50_000


def rebuild(
    conn: Connection, table_sql: str = TABLE_SQL, settings: Sequence[str] = TABLE_SETTINGS
) -> int:
    """Rebuild the whole index from the members table (on ``check``, in migration 0007).

    The table is dropped and created again rather than emptied: a DELETE reads every
    stored document back to remove its terms one by one.
    """
    conn.exec_driver_sql("DROP TABLE IF EXISTS member_search")
    conn.exec_driver_sql(table_sql)
    for statement in settings:
        conn.exec_driver_sql(statement)
    total = 0
    last = 0
    while True:  # in chunks: a million members' documents need not sit in memory at once
        rows = conn.exec_driver_sql(
            "SELECT rowid, name, id_number, phone, card_no FROM members "
            "WHERE deleted = 0 AND rowid > ? ORDER BY rowid LIMIT ?",
            (last, REBUILD_CHUNK),
        ).all()
        if not rows:
            return total
        index_rows(conn, [(int(r.rowid), r.name, r.id_number, r.phone, r.card_no) for r in rows])
        total += len(rows)
        last = int(rows[-1].rowid)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


@dataclass(frozen=True)
class Match:
    """What a query asks of the index.

    ``terms``: an FTS5 expression whose hits all match. ``phone``: a fragment of 4+
    digits, whose pieces' hits are only candidates until their phone is seen to hold it.
    """

    terms: str
    phone: str | None = None


def match(query: str) -> Match | None:
    """What a clerk typed, as index queries; None when nothing searchable remains."""
    found = parse(query)
    if found is None:
        return None
    terms = " OR ".join(_quote(x.term) + ("*" if x.prefix else "") for x in found.lookups)
    return Match(terms, found.phone)


def rowids_sql(query: str) -> tuple[list[str], dict[str, str]] | None:
    """SELECTs of the rowids of the members a query finds, and their parameters; None
    when the query can find nobody. A member may be found by more than one of them."""
    found = match(query)
    if found is None:
        return None
    selects = [_EXACT_SQL]
    params = {"search_terms": found.terms}
    if found.phone:
        pieces = dict.fromkeys(phone_pieces(found.phone))
        selects.append(_PHONE_SQL)
        params.update(
            search_pieces=" ".join(_quote("p_" + p) for p in pieces), search_digits=found.phone
        )
    return selects, params


def find_rowids(conn: Connection, query: str, limit: int = 50) -> Sequence[int]:
    """The first ``limit`` rowids the query finds, in rowid order.

    Each SELECT stops at ``limit`` rows and the lists are merged, rather than one UNION:
    SQLite builds a UNION whole before its LIMIT applies, which for four digits at a
    million members meant checking all ~600 phones that hold their pieces (4 ms).
    """
    found = rowids_sql(query)
    if found is None:
        return []
    selects, params = found
    hits = [
        [
            int(r[0])
            for r in conn.execute(
                text(f"{sql} ORDER BY rowid LIMIT :search_limit"),
                {**params, "search_limit": limit},
            )
        ]
        for sql in selects
    ]
    return list(dict.fromkeys(heapq.merge(*hits)))[:limit]
