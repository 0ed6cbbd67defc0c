"""audit_log: the hash chain, the acting account, record-change fields, append-only

New nullable columns: ``account`` / ``account_id`` (who acted: the signed-in account, or
the operating-system account before accounts exist), ``tbl`` / ``record_id`` /
``fields`` (a record change: table, record id and the NAMES of the changed fields, never
their values), ``prev_hash`` / ``hash`` (the chain). A unique index on ``prev_hash``
means no two entries can follow the same one: two writers can never fork the chain.

Existing rows are chained here, oldest first, with a frozen copy of the canonical
encoding of ``desktop/services/audit/chain.py`` (their account is the operating-system
account they already name). Then two triggers refuse every UPDATE and DELETE on the
table, so no path through the application can edit the trail; ``uniondesk audit
verify`` still catches edits made by other tools. The ``audit_change_mark`` setting
starts at the change log's current end: record changes are audited from here on.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
CHANGE_MARK = "audit_change_mark"

_COLUMNS = (
    ("account", sa.String(length=100)),
    ("account_id", sa.Integer()),
    ("tbl", sa.String(length=40)),
    ("record_id", sa.String(length=36)),
    ("fields", sa.Text()),
    ("prev_hash", sa.String(length=64)),
    ("hash", sa.String(length=64)),
)

_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'audit entries are never changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'audit entries are never deleted'); END",
)


def _digest(values: list[object]) -> str:
    """Frozen copy of ``chain.entry_hash``: SHA-256 of the compact JSON array of the
    entry's stored values (occurred_at text, account, account_id, os_user, action,
    detail, tbl, record_id, fields, prev_hash)."""
    encoded = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("audit_log", sa.Column(name, kind, nullable=True))
    conn = op.get_bind()
    rows = conn.exec_driver_sql(
        "SELECT id, occurred_at, os_user, action, detail FROM audit_log ORDER BY id"
    ).all()
    prev = GENESIS
    for row in rows:
        entry_id, occurred_at, os_user, action, detail = (
            int(row[0]),
            str(row[1]),
            str(row[2]),
            str(row[3]),
            str(row[4] or ""),
        )
        values: list[object] = [
            occurred_at,
            os_user,
            None,
            os_user,
            action,
            detail,
            None,
            None,
            None,
            prev,
        ]
        digest = _digest(values)
        conn.exec_driver_sql(
            "UPDATE audit_log SET account = ?, occurred_at = ?, detail = ?, prev_hash = ?, "
            "hash = ? WHERE id = ?",
            (os_user, occurred_at, detail, prev, digest, entry_id),
        )
        prev = digest
    op.create_index("ix_audit_log_prev_hash", "audit_log", ["prev_hash"], unique=True)
    op.create_index("ix_audit_log_action", "audit_log", ["action"], unique=False)
    if conn.dialect.name == "postgresql":
        _upgrade_postgres(conn)
        return
    for statement in _TRIGGERS:
        conn.exec_driver_sql(statement)
    # Record changes are folded into the trail from the change log from here on
    # (services/audit/changes.py): what was captured before this upgrade is history.
    conn.exec_driver_sql(
        "INSERT INTO app_settings (key, value) VALUES (?, "
        "(SELECT CAST(coalesce(max(rowid), 0) AS TEXT) FROM sync_change)) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (CHANGE_MARK,),
    )


_PG_TRIGGERS = (
    "CREATE FUNCTION audit_log_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'audit entries are never changed or deleted'; END $$",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_unchanged()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_unchanged()",
)


def _upgrade_postgres(conn: sa.Connection) -> None:
    """The hub: the same refusals in PL/pgSQL; its change log starts empty (mark 0)."""
    for statement in _PG_TRIGGERS:
        conn.exec_driver_sql(statement)
    conn.execute(
        sa.text(
            "INSERT INTO app_settings (key, value) VALUES (:key, '0') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"key": CHANGE_MARK},
    )


def downgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("DELETE FROM app_settings WHERE key = ?", (CHANGE_MARK,))
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_audit_log_prev_hash", table_name="audit_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for name, _kind in reversed(_COLUMNS):
            batch_op.drop_column(name)
