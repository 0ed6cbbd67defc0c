"""Whether any account exists, without loading the ORM.

The window asks this on every start before it decides between the log-in and the
registry; the models (and SQLAlchemy's ORM with them) cost a noticeable part of the
cold start, so this one question is plain SQL.
"""

from __future__ import annotations

from sqlalchemy import text

from desktop.storage.database import Database


def accounts_exist(db: Database) -> bool:
    """Whether any account exists: until then nothing asks anyone to sign in."""
    with db.connect(write=False) as conn:
        return conn.execute(text("SELECT 1 FROM accounts LIMIT 1")).first() is not None
