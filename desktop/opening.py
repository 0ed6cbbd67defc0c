"""Opening this office's registry: the storage layer's file, upgraded, with the sync
identity bound to this installation.

The storage layer (``desktop.storage.database``) knows SQLite but nothing of the models
or of sync; this module adds the application's two steps on top of it: after every
upgrade the change-capture triggers are rebuilt from the live model declarations, and
on every open the sync identity is checked against the installation's secret and the
node marker (docs/SYNC.md, "Identity"), so a copied or restored file takes a fresh
identity before its first write. Every committed write then moves the node marker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from desktop.clock import Clock
from desktop.config import Paths
from desktop.storage import engines, keys
from desktop.storage.database import Database, open_storage, upgrade_schema
from desktop.sync import identity, installation

if TYPE_CHECKING:
    from desktop.services.accounts.hooks import AdminSecret

log = logging.getLogger(__name__)


def run_migrations(conn: Connection, target: str = "head") -> None:
    """Upgrade on ``conn`` inside the caller's transaction, then refresh capture triggers.

    The models (and with them the ORM, a fifth of the window's cold start) are imported
    here, not at the top: only an upgrade needs the list of synced tables.
    """
    from desktop.models.base import synced_tables
    from desktop.storage import capture

    upgrade_schema(conn, target)
    if engines.is_postgres(conn):
        from desktop.storage import pg_capture

        pg_capture.install_triggers(conn, synced_tables())  # the same change log, PL/pgSQL
        return
    capture.install_triggers(conn, synced_tables())


class _NodeMarker:
    """Keeps the node marker (node id and last counter, beside the installation's secret)
    in step with the database, written only when the counter moved."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.counter = -1

    def update(self) -> None:
        with self.db.engine.connect() as conn:
            row = conn.execute(text("SELECT node_id, counter FROM sync_clock WHERE id = 1")).first()
        if row is None:  # during the first migration, before the identity exists
            return
        node_id, counter = str(row[0]), int(row[1])
        if counter != self.counter:
            marker = self.db.paths.identity_marker
            installation.ensure_marker_dir(marker)
            identity.write_marker(marker, node_id, counter)
            self.counter = counter


def _bind_identity(db: Database) -> None:
    paths = db.paths
    with db.connect() as conn:
        fresh = identity.is_new(conn)
        identity.ensure_identity(conn)
        rotated = identity.check_binding(
            conn,
            installation.binding(paths.database),
            paths.identity_marker,
            paths.node_marker,
            fresh=fresh,
        )
    if rotated:
        log.warning("sync identity renewed: %s", rotated)
    marker = _NodeMarker(db)
    db.after_commit.append(marker.update)
    marker.update()


def _on_open(db: Database) -> None:
    """The sync identity, then the audit trail's record-change capture and anchor."""
    from desktop.services.audit import changes

    if engines.is_postgres(db.engine):
        _hub_identity(db)
    else:
        _bind_identity(db)
    changes.install(db)


def _hub_identity(db: Database) -> None:
    """The hub's node identity, made once. Not bound to this PC: every clerk's client
    opens the same database, so a binding to one installation (what tells a copied
    SQLite file) would rotate the hub's identity at each client's start."""
    with db.connect() as conn:
        identity.ensure_identity(conn)
    from desktop.models.base import synced_tables
    from desktop.storage import pg_capture

    with db.connect(write=False) as conn:
        current = pg_capture.installed_current(conn) and not engines.narrow_columns(conn)
    if not current:  # a hub made before package intake ran there: brought up to it once
        with db.connect() as conn:
            pg_capture.install_triggers(conn, synced_tables())
            engines.widen_columns(conn)


def open_database(
    paths: Paths,
    clock: Clock | None = None,
    *,
    allow_corrupt: bool = False,
    check_first: bool = True,
    create: bool = True,
) -> Database:
    """Open (creating or upgrading as needed) the registry in ``paths.data_dir``.

    ``allow_corrupt`` opens a damaged file for reading only (``uniondesk check``): it is
    neither upgraded nor written, and its identity is left alone. ``check_first=False``
    (the window) checks the file in the background instead of before the open returns
    (``storage.database.open_storage``). ``create=False``: a folder without a registry
    is refused, nothing made (every command but ``init`` and ``demo``); a registry file
    gone beside its key or backups is refused either way (``storage.presence``).
    """
    from desktop.services.accounts import hooks

    hooks.on_admin_secret(keep_admin_slots)  # once per process: the same function
    return open_storage(
        paths,
        clock,
        allow_corrupt=allow_corrupt,
        migrate=run_migrations,
        on_open=_on_open,
        check_first=check_first,
        create=create,
    )


def open_for_window(paths: Paths, clock: Clock | None = None) -> Database:
    """The window's open: the integrity check in the background, damage found offered a
    restore there (``views/backups/damage_watch``); the CLI checks before it reads. A
    folder without a registry gets one (the first-run dialog follows)."""
    return open_database(paths, clock, check_first=False, create=True)


def keep_admin_slots(db: Database, event: AdminSecret) -> None:
    """Keep ``keys.json``'s password slots in step with the administrators: each active
    administrator's password unwraps the database key (a folder moved to another PC, a
    backup restored on a new one), and nobody else's does (docs/SECURITY.md)."""
    from desktop.services.accounts import hooks

    if engines.is_postgres(db.engine):
        return  # the hub has no key file: its server keeps the accounts' access
    key = keys.key_for_file(db.paths.database)
    if key is None:  # a registry with no key (none is made for it): nothing to wrap
        return
    if event.kind == hooks.REVOKED:
        keys.remove_slot(db.paths, event.username)
    elif event.password is not None and (
        event.kind == hooks.SET or event.username not in keys.password_users(db.paths)
    ):
        keys.add_password_slot(db.paths, key, event.username, event.password)
