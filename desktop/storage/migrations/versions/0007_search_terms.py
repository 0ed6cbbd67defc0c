"""search index: one tagged column, no positions, ASCII tokenising, fewer terms a member

The 0004 table kept six columns with per-column lists (``detail=column``), every phone
suffix and every beginning of every given-name syllable: about 36 terms a member, the
largest single cost of writing members in bulk (imports, sync, the demo generator). The
new document (``desktop.storage.search_index``) needs about 25 terms in one column with
``detail=none``, and merges its segments 16 at a time (FTS5's ``automerge``): indexing
a million members takes about half the time.

Frozen (issue 19): this migration imports no application code. The upgrade recreates
the table empty: every upgrade runs on to head, nothing up to 0010 reads the documents
(0008 and 0009 only rewrote them, 0010 drops the table and indexes every member from
its own frozen copy of the document code), so filling it here was a whole index build
thrown away, and with today's code rather than this revision's. The downgrade restores
0004's table with 0004's documents, made by that migration's frozen code.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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
    # Empty: 0010 indexes every member (see the module docstring).
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        return  # the hub's index is storage/pg_search
    conn.exec_driver_sql("DROP TABLE IF EXISTS member_search")
    conn.exec_driver_sql(TABLE_0007)
    for statement in SETTINGS_0007:
        conn.exec_driver_sql(statement)


def _sibling(stem: str) -> ModuleType:
    """Another migration of this folder, loaded from its file (not by package name: a
    migration reaches nothing outside its folder)."""
    path = Path(__file__).with_name(f"{stem}.py")
    spec = importlib.util.spec_from_file_location(f"_uniondesk_migration_{stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    _sibling("0004_search_index").fill()
