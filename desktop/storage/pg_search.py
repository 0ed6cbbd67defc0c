"""The member search index on PostgreSQL (the federation hub, issue #25).

The same terms and the same query semantics as the SQLite index (``search_index``): both
take them from ``search_terms``, so a member is found by the same queries on either
engine. Only the storage differs, shaped for 1-5 million members (docs/HUB.md has the
measurements and the alternatives weighed):

- ``member_terms(term, member_id)`` with one btree on ``(term, member_id)`` (C collation:
  bytewise order, so a prefix is a range). An exact term is an index-only range read in
  member-id order that stops after ``limit`` rows, however many members hold the term
  (张 at five million members: a quarter of a million); a prefix (ID tail, card number, a
  long reading) is a short range, sorted.
- ``member_search_docs(member_id, terms, phone, pieces)``: each member's terms as
  written (removal reads them back and deletes exactly those rows through the btree, so
  ``member_terms`` needs no second index on member_id), its phone as given, and the
  phone's three-digit pieces as a ``smallint[]`` under a GIN index. A fragment of 5+
  digits asks GIN for the members holding all its pieces (GIN intersects its posting
  lists, skipping) and checks each against the phone, as SQLite does with FTS5.
- A fragment of exactly 4 digits (a phone's last four: the commonest) is a ``q_`` term
  of ``member_terms``, one per run of four digits in the phone as written: an exact,
  ordered, limited read like a name's. Through GIN its two pieces left ~4,000 candidates
  to fetch and check at 5M members (p95 45 ms); the terms cost ~8 rows a member.

Bulk writing goes through COPY (``index_rows``), with the indexes built once after a
first load (``create_schema(conn, indexes=False)`` then ``create_indexes``). The caller's
SQLAlchemy ``Connection`` (psycopg 3 underneath) is used throughout, so the index writes
in the caller's transaction; COPY is taken from its psycopg connection.

Like ``search_index``, this module holds documents only for members the caller gives it:
an edit is ``remove`` then ``index_rows``; a deleted member is ``remove``d.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import Connection, text

from desktop.storage.search_terms import Query, document, parse, phone_pieces

if TYPE_CHECKING:
    import psycopg

TABLES = (
    'CREATE TABLE IF NOT EXISTS member_terms (term text COLLATE "C" NOT NULL, '
    "member_id bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS member_search_docs (member_id bigint NOT NULL, "
    "terms text[] NOT NULL, phone text, pieces smallint[])",
)
INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS member_terms_term ON member_terms (term, member_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS member_search_docs_member ON member_search_docs (member_id)",
    "CREATE INDEX IF NOT EXISTS member_search_docs_pieces ON member_search_docs "
    "USING gin (pieces) WHERE pieces IS NOT NULL",
)

# Members whose documents are made and copied at a time: a chunk's COPY text is ~30 MB.
CHUNK = 50_000
#: A phone fragment of this many digits (the most common: a phone's last four) is an
#: exact ``q_`` term of its own, read in member-id order like a name; longer fragments go
#: through the pieces' GIN, where three or more pieces leave few candidates to check.
FRAGMENT_DIGITS = 4
_FRAGMENT_TAG = "q_"
#: The index's format, kept as the comment of ``member_terms``: an index written in an
#: older format is made again when the schema is upgraded (``create_schema``). 2: the
#: ``q_`` terms of 4-digit phone fragments.
FORMAT = "uniondesk member_terms format 2"

Row = tuple[int, str, str | None, str | None, str | None]


class _Doc(NamedTuple):
    member_id: int
    terms: list[str]
    phone: str | None
    pieces: list[int] | None


def create_schema(conn: Connection, *, indexes: bool = True) -> None:
    """Create the index's tables (and, unless a bulk load follows, their indexes). An
    index written by an older version in an older format is made again here, once: the
    queries of this version would miss what it lacks."""
    existed = conn.exec_driver_sql("SELECT to_regclass('member_terms')").scalar() is not None
    for statement in TABLES:
        conn.exec_driver_sql(statement)
    if indexes:
        create_indexes(conn)
    written = conn.exec_driver_sql(
        "SELECT obj_description('member_terms'::regclass, 'pg_class')"
    ).scalar()
    if written == FORMAT:
        return
    if existed and conn.exec_driver_sql("SELECT 1 FROM member_terms LIMIT 1").first():
        rebuild(conn)
    conn.exec_driver_sql(f"COMMENT ON TABLE member_terms IS '{FORMAT}'")


def create_indexes(conn: Connection) -> None:
    """Build the indexes: after a first bulk load, once, rather than row by row."""
    for statement in INDEXES:
        conn.exec_driver_sql(statement)


def _doc(row: Row) -> _Doc:
    member_id, name, id_number, phone, card_no = row
    terms = list(dict.fromkeys(document(member_id, name, id_number, phone, card_no)[1].split()))
    # The phone's pieces are its ``p_`` terms (made once, by the shared generator).
    pieces = sorted(int(t[2:]) for t in terms if t.startswith("p_")) or None
    if pieces and phone is not None:
        terms += dict.fromkeys(map(_FRAGMENT_TAG.__add__, _fragments(phone)))
    return _Doc(member_id, terms, phone if pieces else None, pieces)


def _fragments(phone: str) -> Iterator[str]:
    """The phone's runs of four ASCII digits as written (``strpos(phone, d) > 0`` for a
    4-digit ``d`` holds exactly when ``d`` is one of them)."""
    for i in range(len(phone) - FRAGMENT_DIGITS + 1):
        window = phone[i : i + FRAGMENT_DIGITS]
        if window.isascii() and window.isdigit():
            yield window


def _copy_field(value: str) -> str:
    """A value for COPY's text format (only a phone can hold its special characters:
    every term is Chinese characters or ASCII letters, digits and the tag's ``_``)."""
    if value.isalnum():
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _terms_lines(doc: _Doc) -> str:
    """A member's ``member_terms`` rows in COPY's text format (one write a chunk: a
    write per member costs a libpq call each)."""
    if not doc.terms:
        return ""
    tail = f"\t{doc.member_id}\n"
    return tail.join(doc.terms) + tail


def _doc_line(doc: _Doc) -> str:
    """A ``member_search_docs`` row in COPY's text format. The array's elements are
    double-quoted: a Latin name's reading may be ``null``, which unquoted means NULL."""
    terms = '{"' + '","'.join(doc.terms) + '"}' if doc.terms else "{}"
    if doc.phone is None or not doc.pieces:
        return f"{doc.member_id}\t{terms}\t\\N\t\\N\n"
    pieces = "{" + ",".join(map(str, doc.pieces)) + "}"
    return f"{doc.member_id}\t{terms}\t{_copy_field(doc.phone)}\t{pieces}\n"


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    return cast("psycopg.Connection[Any]", conn.connection.driver_connection)


def index_rows(conn: Connection, rows: Iterable[Row], *, freeze: bool = False) -> int:
    """Index (member_id, name, id_number, phone, card_no) rows of members that have no
    document yet, by COPY; returns how many were indexed.

    ``freeze``: the tables were created (or emptied) in this same transaction, as in a
    hub's first load; rows are written frozen and visible to all, so the index-only reads
    need no VACUUM first (PostgreSQL refuses FREEZE otherwise).
    """
    options = " WITH (FREEZE)" if freeze else ""
    total = 0
    cursor = _driver(conn).cursor()
    for chunk in _chunks(rows):
        docs = [_doc(row) for row in chunk]
        with cursor.copy(f"COPY member_terms (term, member_id) FROM STDIN{options}") as copy:
            copy.write("".join(map(_terms_lines, docs)))
        with cursor.copy(
            f"COPY member_search_docs (member_id, terms, phone, pieces) FROM STDIN{options}"
        ) as copy:
            copy.write("".join(map(_doc_line, docs)))
        total += len(docs)
    return total


def rebuild(conn: Connection) -> int:
    """The whole index made again from the members table (``check --rebuild-search`` on
    the hub), in the caller's transaction; how many members it holds."""
    conn.exec_driver_sql("TRUNCATE member_terms, member_search_docs")
    total = 0
    last = 0
    while True:  # in chunks: millions of members' documents need not sit in memory at once
        rows = conn.execute(
            text(
                "SELECT rowid, name, id_number, phone, card_no FROM members "
                "WHERE deleted = 0 AND rowid > :last ORDER BY rowid LIMIT :chunk"
            ),
            {"last": last, "chunk": CHUNK},
        ).all()
        if not rows:
            return total
        total += index_rows(
            conn, [(int(r.rowid), r.name, r.id_number, r.phone, r.card_no) for r in rows]
        )
        last = int(rows[-1].rowid)


def remove(conn: Connection, member_ids: Sequence[int]) -> None:
    """Drop the documents of these members (before a re-index, or when deleted); ids
    without a document are ignored."""
    for i in range(0, len(member_ids), CHUNK):
        chunk = [int(m) for m in member_ids[i : i + CHUNK]]
        conn.execute(
            text(
                "DELETE FROM member_terms t USING ("
                "SELECT d.member_id, unnest(d.terms) AS term FROM member_search_docs d "
                "WHERE d.member_id = ANY(:ids)) AS old "
                "WHERE t.term = old.term AND t.member_id = old.member_id"
            ),
            {"ids": chunk},
        )
        conn.execute(
            text("DELETE FROM member_search_docs WHERE member_id = ANY(:ids)"), {"ids": chunk}
        )


def _after(prefix: str) -> str:
    """The least string above every string that begins with ``prefix`` (C collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def search_sql(query: str) -> tuple[str, dict[str, object]] | None:
    """One SELECT of the member ids a query finds (first ``:limit``, in member-id order)
    and its parameters; None when the query can find nobody.

    Each lookup is its own ordered, limited branch (an exact term reads at most ``limit``
    index entries), then the branches are merged; one ``term = ANY(...)`` would read
    every member holding any of the terms before its ORDER BY.
    """
    found = parse(query)
    if found is None:
        return None
    wheres, params = _branches(found, "")
    branches = [
        f"(SELECT member_id FROM {table} WHERE {where} ORDER BY member_id LIMIT :limit)"
        for table, where in wheres
    ]
    sql = (
        "SELECT member_id FROM ("
        + " UNION ALL ".join(branches)
        + ") AS hits GROUP BY member_id ORDER BY member_id LIMIT :limit"
    )
    return sql, params


def rowids_sql(query: str) -> tuple[list[str], dict[str, object]] | None:
    """SELECTs of the member ids a query finds, neither ordered nor limited, and their
    parameters (named ``search_…``); None when the query can find nobody. For a filter
    inside a larger query (the member list: ``m.rowid IN (… UNION ALL …)``), as
    ``search_index.rowids_sql`` gives them on SQLite; a member may be in several."""
    found = parse(query)
    if found is None:
        return None
    wheres, params = _branches(found, "search_")
    return [f"SELECT member_id FROM {table} WHERE {where}" for table, where in wheres], params


def _branches(found: Query, tag: str) -> tuple[list[tuple[str, str]], dict[str, object]]:
    """(table, WHERE) of each branch of a parsed query, and their parameters, named with
    ``tag`` first (``rowids_sql`` runs inside the member list's own query)."""
    wheres: list[tuple[str, str]] = []
    params: dict[str, object] = {}
    for i, lookup in enumerate(found.lookups):
        if lookup.prefix:
            where = f"term >= :{tag}low{i} AND term < :{tag}high{i}"
            params[f"{tag}low{i}"] = lookup.term
            params[f"{tag}high{i}"] = _after(lookup.term)
        else:
            where = f"term = :{tag}term{i}"
            params[f"{tag}term{i}"] = lookup.term
        wheres.append(("member_terms", where))
    if found.phone and len(found.phone) == FRAGMENT_DIGITS:
        wheres.append(("member_terms", f"term = :{tag}fragment"))
        params[f"{tag}fragment"] = _FRAGMENT_TAG + found.phone
    elif found.phone:
        wheres.append(
            (
                "member_search_docs",
                f"pieces IS NOT NULL AND pieces @> CAST(:{tag}pieces AS smallint[]) "
                f"AND strpos(phone, :{tag}digits) > 0",
            )
        )
        params[f"{tag}pieces"] = sorted({int(p) for p in phone_pieces(found.phone)})
        params[f"{tag}digits"] = found.phone
    return wheres, params


def search(conn: Connection, query: str, limit: int = 50) -> list[int]:
    """The first ``limit`` member ids the query finds, in member-id order (the order
    ``search_index.find_rowids`` gives rowids in)."""
    found = search_sql(query)
    if found is None:
        return []
    sql, params = found
    return [int(r.member_id) for r in conn.execute(text(sql), {**params, "limit": limit})]
