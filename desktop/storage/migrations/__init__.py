"""Alembic migrations, run by ``desktop.storage.database`` when a database is opened.

Revision ids are zero-padded numbers ("0001", "0002", …) and each file in ``versions/``
starts with its id, so the app can tell an older, current or newer database apart by
reading file names, without importing Alembic on every start.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSIONS_DIR = MIGRATIONS_DIR / "versions"


def known_revisions() -> list[str]:
    """Every revision this app version knows, oldest first."""
    return sorted(p.name.split("_", 1)[0] for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]
