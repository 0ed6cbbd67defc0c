"""One-box member search on an FTS5 table of pre-tokenised text.

FTS5's trigram tokenizer silently finds nothing for queries under three characters, and
a LIKE scan reads every row; so each member's searchable values are turned into tokens
here, where Python knows Chinese.

Name and pinyin queries are answered by one *exact* term each, never by a prefix query:
FTS5 answers ``wang*`` or ``x*`` by merging the doclists of every term that starts so
(thousands of full pinyins at a million members, ~100 ms), while one term's doclist is
read lazily and a ``LIMIT 50`` stops after 50 rows. So the document holds every
substring of the name's Chinese characters (张三丰 → 张 三 丰 张三 三丰 张三丰) and every
leading part of every pinyin token — syllables, full pinyin and initials (zhang → z zh
zha zhan zhang). Without positions to keep (no phrase queries), the table stores
``detail=column`` and no per-column sizes (no ranking), which keeps both the index and
bulk inserts lean.

Digit queries stay prefix queries, each specific enough to touch few terms: the ID number
reversed (its last 4+ characters become a prefix), every phone suffix of 3+ digits (any
fragment becomes a prefix) and the card number both ways. A query of letters only is
compared with whole card numbers, not their beginnings: every card of a federation starts
with the same letters, so a prefix match there would only list arbitrary members.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import Connection, text

from desktop.services.validation import normalise_text

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")

INSERT_SQL = (
    "INSERT INTO member_search (rowid, name, pinyin, idrev, phone, card, cardrev) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)

Document = tuple[int, str, str, str, str, str, str]


def _substrings(chars: str) -> list[str]:
    """Every substring of ``chars``, each once (a query of any length is one exact term)."""
    n = len(chars)
    return list(dict.fromkeys([chars[i:j] for i in range(n) for j in range(i + 1, n + 1)]))


def _clean(token: str) -> str:
    token = token.lower()
    return token if token.isascii() and token.isalnum() else _NOT_ALNUM.sub("", token)


@lru_cache(maxsize=262_144)
def name_terms(name: str) -> tuple[str, str]:
    """The name and pinyin columns of a document; cached because names repeat a lot."""
    # Imported here: pypinyin's phrase dictionary costs ~0.5 s, and searching (the
    # start-up path) never needs it; only writing a document does.
    from desktop.services.pinyin import name_pinyin

    py = name_pinyin(name)
    tokens = [_clean(t) for t in (*py.syllables, py.full, py.initials)] if py.syllables else []
    # Every non-empty beginning of every token, each once.
    parts = [t[:end] for t in tokens for end in range(1, len(t) + 1)]
    return " ".join(_substrings("".join(_CJK.findall(name)))), " ".join(dict.fromkeys(parts))


def document(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> Document:
    names, pinyin = name_terms(name)
    digits = phone or ""
    card = (card_no or "").lower()
    return (
        rowid,
        names,
        pinyin,
        (id_number or "").lower()[::-1],
        " ".join([digits[i:] for i in range(0, len(digits) - 2)]),
        card,
        card[::-1],
    )


def index_rows(
    conn: Connection, rows: Iterable[tuple[int, str, str | None, str | None, str | None]]
) -> None:
    """Add search documents for (rowid, name, id_number, phone, card_no) rows."""
    docs = [document(*row) for row in rows]
    if docs:
        conn.exec_driver_sql(INSERT_SQL, docs)


def reindex_member(conn: Connection, member_id: str) -> None:
    """Refresh one member's document (or drop it if the member is deleted)."""
    row = conn.execute(
        text("SELECT rowid, name, id_number, phone, card_no, deleted FROM members WHERE id = :id"),
        {"id": member_id},
    ).one_or_none()
    if row is None:
        return
    conn.execute(text("DELETE FROM member_search WHERE rowid = :r"), {"r": row[0]})
    if not row[5]:
        index_rows(conn, [(int(row[0]), row[1], row[2], row[3], row[4])])


REBUILD_CHUNK = 50_000


def rebuild(conn: Connection) -> int:
    """Rebuild the whole index from the members table (after VACUUM, on ``check``, in 0004)."""
    conn.exec_driver_sql("DELETE FROM member_search")
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
        index_rows(conn, [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows])
        total += len(rows)
        last = int(rows[-1][0])


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(query: str) -> str | None:
    """FTS5 MATCH text for what a clerk typed; None when nothing searchable remains."""
    q = normalise_text(query).lower()
    if not q:
        return None
    chars = _CJK.findall(q)
    if chars:
        return f"name : {_quote(''.join(chars))}"
    q = _NOT_ALNUM.sub("", q)
    if not q:
        return None
    parts: list[str] = []
    if q.isalpha():
        parts.append(f"pinyin : {_quote(q)}")
        parts.append(f"card : {_quote(q)}")
    else:
        id_like = q.isdigit() or (q[:-1].isdigit() and q.endswith("x"))
        if id_like and len(q) >= 4:
            parts.append(f"idrev : {_quote(q[::-1])}*")
        if q.isdigit() and len(q) >= 3:
            parts.append(f"phone : {_quote(q)}*")
        parts.append(f"card : {_quote(q)}*")
        if len(q) >= 3:
            parts.append(f"cardrev : {_quote(q[::-1])}*")
    return " OR ".join(f"({p})" for p in parts)


def find_rowids(conn: Connection, query: str, limit: int = 50) -> Sequence[int]:
    expr = match_expression(query)
    if expr is None:
        return []
    rows = conn.execute(
        text("SELECT rowid FROM member_search WHERE member_search MATCH :q LIMIT :n"),
        {"q": expr, "n": limit},
    ).all()
    return [int(r[0]) for r in rows]
