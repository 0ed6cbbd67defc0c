"""One-box member search on an FTS5 table of pre-tokenised text.

FTS5's trigram tokenizer silently finds nothing for queries under three characters, and
a LIKE scan reads every row; so each member's searchable values are turned into tokens
here, where Python knows Chinese: one token per character of the name (a phrase query
then matches any substring, even one character), pinyin syllables plus full pinyin plus
initials (prefix queries: zs, zhang, zhangsan), the ID number reversed (its last 4+
characters become a prefix), every phone suffix of 3+ digits (any fragment becomes a
prefix) and the card number both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, text

from desktop.services.validation import normalise_text

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ALNUM = re.compile(r"^[0-9a-z]+$")

INSERT_SQL = (
    "INSERT INTO member_search (rowid, name, pinyin, idrev, phone, card, cardrev) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def document(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> tuple[int, str, str, str, str, str, str]:
    # Imported here: pypinyin's phrase dictionary costs ~0.5 s, and searching (the
    # start-up path) never needs it; only writing a document does.
    from desktop.services.pinyin import name_pinyin

    py = name_pinyin(name)
    pinyin = " ".join((*py.syllables, py.full, py.initials)) if py.syllables else ""
    digits = phone or ""
    suffixes = " ".join(digits[i:] for i in range(0, max(len(digits) - 2, 0)))
    card = (card_no or "").lower()
    return (
        rowid,
        " ".join(name),
        pinyin,
        (id_number or "").lower()[::-1],
        suffixes,
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


def rebuild(conn: Connection) -> int:
    """Rebuild the whole index from the members table (after VACUUM, or on ``check``)."""
    conn.exec_driver_sql("DELETE FROM member_search")
    rows = conn.exec_driver_sql(
        "SELECT rowid, name, id_number, phone, card_no FROM members WHERE deleted = 0"
    ).all()
    index_rows(conn, [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows])
    return len(rows)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(query: str) -> str | None:
    """FTS5 MATCH text for what a clerk typed; None when nothing searchable remains."""
    q = normalise_text(query).lower()
    if not q:
        return None
    chars = _CJK.findall(q)
    if chars:
        return f"name : {_quote(' '.join(chars))}"
    q = re.sub(r"[^0-9a-z]", "", q)
    if not q or not _ALNUM.match(q):
        return None
    parts: list[str] = []
    if q.isalpha():
        parts.append(f"pinyin : {_quote(q)}*")
    id_like = q.isdigit() or (q[:-1].isdigit() and q.endswith("x"))
    if id_like and len(q) >= 4:
        parts.append(f"idrev : {_quote(q[::-1])}*")
    if q.isdigit() and len(q) >= 3:
        parts.append(f"phone : {_quote(q)}*")
    parts.append(f"card : {_quote(q)}*")
    if len(q) >= 3 and not q.isalpha():
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
