"""Checkpoints run beside the app, never inside a commit, and leave nothing behind."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop.config import Paths
from desktop.demo import generate as demo
from desktop.opening import open_database
from desktop.storage import rawconn
from desktop.storage.checkpoints import BackgroundCheckpointer
from desktop.storage.database import Database


def _fully_checkpointed(path: Path) -> bool:
    """Whether the database file itself holds every page (nothing only in the log)."""
    con = rawconn.connect(path, mode="ro")
    try:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        size = int(con.execute("PRAGMA page_size").fetchone()[0])  # SQLCipher: text
    finally:
        con.close()
    return bool(path.stat().st_size == pages * size)


def test_commits_leave_checkpoints_to_the_background_thread(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
    demo.fill_demo(db, members=600, unions=3, seed=1)
    db.checkpoints.flush()
    assert _fully_checkpointed(db.paths.database)
    assert db.checkpoints.running


def test_a_commit_returns_before_its_checkpoint(tmp_path: Path) -> None:
    db = open_database(Paths(tmp_path))
    db.checkpoints.flush()
    db.checkpoints.close()  # a new thread, with a gate in front of its checkpoints
    gated = BackgroundCheckpointer(db.paths.database)
    gate = threading.Event()
    original = gated._run

    def held_back() -> None:
        gate.wait()
        original()

    gated._run = held_back  # type: ignore[method-assign]
    db.checkpoints = gated
    try:
        demo.fill_demo(db, members=600, unions=3, seed=1)
        assert not _fully_checkpointed(db.paths.database)  # committed, only in the log
        gate.set()
        db.checkpoints.flush()
        assert _fully_checkpointed(db.paths.database)
    finally:
        gate.set()
        db.close()


def test_close_waits_for_the_thread_and_sqlite_removes_the_log(tmp_path: Path) -> None:
    db = open_database(Paths(tmp_path))
    demo.fill_demo(db, members=300, unions=2, seed=2)
    assert db.checkpoints.running
    db.close()
    assert not db.checkpoints.running
    assert not (tmp_path / "uniondesk.db-wal").exists()
    db = open_database(Paths(tmp_path))
    try:
        with db.connect(write=False) as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM members").scalar_one() == 300
    finally:
        db.close()


def test_requests_after_close_start_nothing(tmp_path: Path) -> None:
    checkpoints = BackgroundCheckpointer(tmp_path / "x.db")
    rawconn.connect(tmp_path / "x.db").close()
    checkpoints.close()
    checkpoints.request()
    checkpoints.flush()
    assert not checkpoints.running
