"""search index: one tagged column, no positions, ASCII tokenising, fewer terms a member

The 0004 table kept six columns with per-column lists (``detail=column``), every phone
suffix and every beginning of every given-name syllable: about 36 terms a member, the
largest single cost of writing members in bulk (imports, sync, the demo generator). The
new document (``desktop.services.search_index``) needs about 25 terms in one column with
``detail=none``, and merges its segments 16 at a time (FTS5's ``automerge``): indexing
a million members takes about half the time. The table is recreated and refilled from
``members`` in the upgrade's transaction.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copy of the table this revision creates (``search_index.TABLE_SQL`` today).
TABLE_0007 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "terms, tokenize = \"ascii tokenchars '_'\", detail = none, columnsize = 0)"
)
SETTINGS_0007 = ("INSERT INTO member_search (member_search, rank) VALUES ('automerge', 16)",)


def upgrade() -> None:
    from desktop.storage import search_index

    search_index.rebuild(op.get_bind(), table_sql=TABLE_0007, settings=SETTINGS_0007)


def downgrade() -> None:
    import importlib

    previous = importlib.import_module("desktop.storage.migrations.versions.0004_search_index")
    previous.upgrade()
