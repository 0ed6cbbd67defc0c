"""search index: exact terms for names and pinyin, no positions, no prefix index

The member search table of 0001 answered pinyin by prefix queries (``wang*``, ``x*``),
which FTS5 evaluates by merging the doclists of every matching term — ~100 ms at a
million members. From here on a document holds every substring of the name and every
leading part of every pinyin token, so those queries read one term; positions
(``detail=full``), per-column sizes and the 2/3-character prefix index are no longer
needed. The table is recreated and refilled from ``members`` in the upgrade's
transaction, with the document format of that time (frozen below; 0007 replaced it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the table definitions before and after this revision.
TABLE_0004 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "name, pinyin, idrev, phone, card, cardrev, "
    "tokenize = 'unicode61 remove_diacritics 0', detail = column, columnsize = 0)"
)
TABLE_0001 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "name, pinyin, idrev, phone, card, cardrev, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
)


def _document_0004(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> tuple[int, str, str, str, str, str, str]:
    """The 0004 document format (a frozen copy: the service's format moved on in 0007)."""
    import re

    from desktop.storage.pinyin import name_pinyin

    han = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
    cjk = "".join(re.findall(han, name))
    names = [cjk[i:j] for i in range(len(cjk)) for j in range(i + 1, len(cjk) + 1)]
    py = name_pinyin(name)
    tokens = [re.sub(r"[^0-9a-z]", "", t.lower()) for t in (*py.syllables, py.full, py.initials)]
    parts = [t[:end] for t in (tokens if py.syllables else []) for end in range(1, len(t) + 1)]
    digits = phone or ""
    card = (card_no or "").lower()
    return (
        rowid,
        " ".join(dict.fromkeys(names)),
        " ".join(dict.fromkeys(parts)),
        (id_number or "").lower()[::-1],
        " ".join([digits[i:] for i in range(0, len(digits) - 2)]),
        card,
        card[::-1],
    )


def _fill(table_sql: str, document: Callable[..., tuple[Any, ...]]) -> None:
    """Recreate the table and index every live member with the given document format."""
    conn = op.get_bind()
    op.execute("DROP TABLE IF EXISTS member_search")
    op.execute(table_sql)
    rows = conn.exec_driver_sql(
        "SELECT rowid, name, id_number, phone, card_no FROM members WHERE deleted = 0"
    ).all()
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO member_search (rowid, name, pinyin, idrev, phone, card, cardrev) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [document(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows],
        )


def upgrade() -> None:
    _fill(TABLE_0004, _document_0004)


def _document_0001(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> tuple[int, str, str, str, str, str, str]:
    """The 0001 document format (a frozen copy, for the downgrade)."""
    from desktop.storage.pinyin import name_pinyin

    py = name_pinyin(name)
    pinyin = " ".join((*py.syllables, py.full, py.initials)) if py.syllables else ""
    digits = phone or ""
    card = (card_no or "").lower()
    return (
        rowid,
        " ".join(name),
        pinyin,
        (id_number or "").lower()[::-1],
        " ".join(digits[i:] for i in range(0, len(digits) - 2)),
        card,
        card[::-1],
    )


def downgrade() -> None:
    _fill(TABLE_0001, _document_0001)
