"""The node-identity check on open: an existing database from an older version keeps
its identity on its first start with this one; a fresh database is bound, not rotated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from desktop.config import Paths
from desktop.opening import open_database
from desktop.storage.database import Database
from desktop.sync import identity
from tests.unit.sync.helpers import add_federation


def _node(db: Database) -> identity.NodeInfo:
    with db.connect(write=False) as conn:
        return identity.node_info(conn)


def _as_older_version(db: Database) -> Path:
    """Leave the folder as an older version did: no binding, the marker in the data dir."""
    info = _node(db)
    with db.connect() as conn:
        conn.execute(text("DELETE FROM app_settings WHERE key = :k"), {"k": identity.BINDING_KEY})
    identity.write_marker(db.paths.node_marker, info.node_id, info.counter)
    db.paths.identity_marker.unlink()
    db.close()
    return db.paths.data_dir


def test_a_fresh_database_is_bound_without_a_new_identity(db: Database) -> None:
    with db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_node")).scalar_one() == 1
    assert db.paths.identity_marker.is_file()
    assert not db.paths.identity_marker.is_relative_to(db.paths.data_dir)


def test_first_start_after_upgrade_keeps_the_identity(db: Database) -> None:
    add_federation(db)
    before = _node(db)
    folder = _as_older_version(db)
    reopened = open_database(Paths(folder))
    try:
        assert _node(reopened) == before
    finally:
        reopened.close()
    again = open_database(Paths(folder))  # bound now: the next start keeps it as well
    try:
        assert _node(again).node_id == before.node_id
    finally:
        again.close()


def test_first_start_after_upgrade_of_a_restored_file_rotates(db: Database) -> None:
    add_federation(db)
    before = _node(db)
    folder = _as_older_version(db)
    identity.write_marker(Paths(folder).node_marker, before.node_id, before.counter + 5)
    reopened = open_database(Paths(folder))
    try:
        assert _node(reopened).node_id != before.node_id
    finally:
        reopened.close()
