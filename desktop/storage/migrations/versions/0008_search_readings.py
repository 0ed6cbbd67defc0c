"""search index: beginnings of a reading up to six letters, the whole reading tagged

The 0007 document held every beginning of a member's full reading (z zh … zhangsanfeng):
eleven terms for a typical three-character name, of which the long ones were near-unique,
the dearest kind of term to index. The new document keeps the beginnings up to six letters
and the whole reading once as ``f_zhangsanfeng``; a longer query is a prefix query on it.
Searches find exactly what they found before. The table itself is unchanged.

Frozen (issue 19): this migration imports no application code. It changed no schema,
only the documents, and every upgrade runs on to 0010, which drops the table and indexes
every member from its own frozen copy of the document code; nothing in between reads
the documents. So the upgrade does nothing (it used to rebuild the whole index with
today's code, work 0010 then threw away). The downgrade rewrites the stored documents
into the older format without needing any document code.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen: the length of the beginnings the downgrade expands the whole reading back to.
EXACT_BEGINNINGS_0008 = 6
CHUNK = 50_000


def upgrade() -> None:
    # Nothing: 0010 remakes every document (see the module docstring).
    pass


def as_0007_terms(terms: str) -> str:
    """A 0008 document in the 0007 format: each ``f_`` reading back to its long beginnings."""
    out: list[str] = []
    for term in terms.split():
        if term.startswith("f_"):
            reading = term[2:]
            out += [reading[:end] for end in range(EXACT_BEGINNINGS_0008 + 1, len(reading) + 1)]
        else:
            out.append(term)
    return " ".join(dict.fromkeys(out))


def downgrade() -> None:
    # The stored documents are rewritten, not remade from the members: this revision's
    # code may be gone by the time anyone downgrades, and the rewrite needs none of it.
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.exec_driver_sql(
            "SELECT rowid, terms FROM member_search WHERE rowid > ? AND terms LIKE '%f\\_%' "
            "ESCAPE '\\' ORDER BY rowid LIMIT ?",
            (last, CHUNK),
        ).all()
        if not rows:
            return
        conn.exec_driver_sql(
            "UPDATE member_search SET terms = ? WHERE rowid = ?",
            [(as_0007_terms(str(terms)), int(rowid)) for rowid, terms in rows],
        )
        last = int(rows[-1][0])
