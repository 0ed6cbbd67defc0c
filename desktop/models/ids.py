"""Record ids, importable without the ORM.

Services on the GUI's start path (federations, activities, categories) need ``new_id``
but no mapped class; importing it from here instead of ``desktop.models.base`` keeps
SQLAlchemy's ORM out of the cold start. ``desktop.models.base`` re-exports it.
"""

from __future__ import annotations

from uuid6 import uuid7


def new_id() -> str:
    """UUIDv7: unique without coordination between offline PCs, and index-friendly."""
    return str(uuid7())
