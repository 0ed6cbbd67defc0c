"""Alembic environment: always run on a connection handed in by the storage layer.

No ``target_metadata``: migrations are written by hand and frozen (they never import the
models or any other application code), so autogenerate is not used.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    transaction_per_migration=False,
)
context.run_migrations()
