"""A write that meets another writer waits under the installed policy, or is cancelled
with nothing written; without a policy it fails after the busy timeout, as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from desktop.errors import DatabaseBusyError
from desktop.services.unions import federations
from desktop.storage import rawconn, write_wait
from desktop.storage.database import Database, make_engine


@pytest.fixture
def holder(db: Database) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the write lock (released by the test)."""
    other = rawconn.connect(db.paths.database, autocommit=True, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO app_settings (key, value) VALUES ('other_writer', 'x')")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


@dataclass
class Recorder:
    """Releases the other writer after ``release_after`` rounds, or gives up at ``give_up``."""

    holder: sqlite3.Connection
    release_after: int | None = None
    give_up: int | None = None
    calls: list[float] = field(default_factory=list)
    finished_with: list[float] = field(default_factory=list)

    def keep_waiting(self, waited: float) -> bool:
        self.calls.append(waited)
        if self.give_up is not None and len(self.calls) >= self.give_up:
            return False
        if self.release_after is not None and len(self.calls) >= self.release_after:
            self.holder.execute("COMMIT")
        return True

    def finished(self, waited: float) -> None:
        self.finished_with.append(waited)


def _settings(db: Database) -> dict[str, str]:
    with db.connect(write=False) as conn:
        return {
            str(r[0]): str(r[1])
            for r in conn.exec_driver_sql("SELECT key, value FROM app_settings")
        }


def test_a_write_waits_for_the_other_writer_then_succeeds(
    db: Database, holder: sqlite3.Connection
) -> None:
    policy = Recorder(holder, release_after=3)
    with write_wait.installed(policy):
        federations.create(db, "测试街道总工会")
    assert len(policy.calls) == 3
    assert policy.calls == sorted(policy.calls) and policy.calls[0] > 0
    assert len(policy.finished_with) == 1
    seen = _settings(db)
    assert seen["other_writer"] == "x" and "federation_id" in seen
    # the connection's busy timeout is back to the engine's after the wait
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_cancelling_the_wait_writes_nothing(db: Database, holder: sqlite3.Connection) -> None:
    policy = Recorder(holder, give_up=2)
    with write_wait.installed(policy), pytest.raises(write_wait.WriteCancelled) as caught:
        federations.create(db, "测试街道总工会")
    assert "已取消" in caught.value.message and "未写入任何数据" in caught.value.message
    holder.execute("ROLLBACK")
    assert federations.current(db) is None
    assert "federation_id" not in _settings(db)
    # the next write, nobody in the way, goes through at once
    federations.create(db, "测试街道总工会")
    assert federations.current(db) is not None


def test_reads_never_wait(db: Database, holder: sqlite3.Connection) -> None:
    policy = Recorder(holder, give_up=1)
    with write_wait.installed(policy):
        assert federations.current(db) is None
    assert policy.calls == []


def test_without_a_policy_the_busy_timeout_still_applies(
    db: Database, holder: sqlite3.Connection
) -> None:
    engine = make_engine(db.paths.database, busy_timeout=0.05)
    try:
        quick = Database(db.paths, engine)
        with pytest.raises(DatabaseBusyError) as caught:
            federations.create(quick, "测试街道总工会")
        assert not isinstance(caught.value, write_wait.WriteCancelled)
    finally:
        quick.close()
