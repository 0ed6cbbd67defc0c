"""the hub's queue of logged changes for the audit trail (issue #25: the audit fold at the hub)

On an office's SQLite file the audit trail folds the change log into record-change
entries at each commit from a mark: every change log row above the last rowid folded
(``services/audit/changes.py``). That relies on one writer at a time, which SQLite's
write lock gives. At the hub several clerks and imports commit at once, and a row's
place in the log is fixed when it is written, not when it commits: a transaction that
wrote row 100 and commits after another that wrote row 101 and folded up to it would
have its change skipped for good.

So at the hub every row written to ``sync_change`` (by the capture triggers, a bulk
append's capture or a package's apply alike) is also queued in ``audit_pending`` by a
statement-level trigger, in the same transaction. At commit the fold takes exactly the
queued rows it can see — its own, and any a writer without the fold left committed —
with ``DELETE … RETURNING``: another transaction's uncommitted rows are invisible to it,
and a row two folds both see is deleted by one of them only, so nothing is folded twice
or lost. The queue is local (never synced) and empty between transactions.

SQLite is unchanged.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "CREATE TABLE audit_pending (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "node_id text NOT NULL, counter bigint NOT NULL, tbl text NOT NULL, "
        "row_id text NOT NULL, fields text NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE FUNCTION audit_queue_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO audit_pending (node_id, counter, tbl, row_id, fields) "
        "SELECT node_id, counter, tbl, row_id, fields FROM new_rows; RETURN NULL; END $$"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER audit_queue_changes AFTER INSERT ON sync_change "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION audit_queue_changes()"
    )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_queue_changes() CASCADE")
    conn.exec_driver_sql("DROP TABLE IF EXISTS audit_pending")
