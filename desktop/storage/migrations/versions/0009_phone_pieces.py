"""search index: a phone's three-digit pieces instead of its suffixes

The 0008 document held every suffix of 3+ digits of a member's phone (nine terms for a
mobile number), seven of them near-unique: a third of the time it takes to index a
member. The new document holds the phone's nine three-digit pieces, which a thousand
terms share; a fragment of four or more digits finds the members holding all of its
pieces and checks each against the phone. Searches find exactly what they found before.
The table itself is unchanged.

Frozen (issue 19): this migration imports no application code. It changed no schema,
only the documents, and every upgrade runs on to 0010, which drops the table and indexes
every member from its own frozen copy of the document code; nothing in between reads
the documents. So the upgrade does nothing (it used to rebuild the whole index with
today's code, work 0010 then threw away). The downgrade rewrites the stored documents
into the older format from each member's phone, without needing any document code.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

import re

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Frozen: the 0008 phone terms the downgrade writes (``as_0008_terms``).
CHUNK = 50_000
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def upgrade() -> None:
    # Nothing: 0010 remakes every document (see the module docstring).
    pass


def as_0008_terms(terms: str, phone: str | None) -> str:
    """A 0009 document in the 0008 format: the phone pieces back to its suffixes."""
    kept = [t for t in terms.split() if not t.startswith("p_")]
    digits = _NOT_ALNUM.sub("", (phone or "").lower())
    return " ".join(kept + ["p_" + digits[i:] for i in range(len(digits) - 2)])


def downgrade() -> None:
    # The stored documents are rewritten from their phone, not remade from the members:
    # this revision's code may be gone by the time anyone downgrades.
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.exec_driver_sql(
            "SELECT s.rowid, s.terms, m.phone FROM member_search s "
            "JOIN members m ON m.rowid = s.rowid WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?",
            (last, CHUNK),
        ).all()
        if not rows:
            return
        conn.exec_driver_sql(
            "UPDATE member_search SET terms = ? WHERE rowid = ?",
            [(as_0008_terms(str(terms), phone), int(rowid)) for rowid, terms, phone in rows],
        )
        last = int(rows[-1][0])
