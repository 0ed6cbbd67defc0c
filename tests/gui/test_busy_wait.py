"""A save that meets another writer: a small modal wait dialog with 取消; cancelling
writes nothing; when the other writer finishes, the save goes through."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer

from desktop.services.unions import federations
from desktop.storage import rawconn, write_wait
from desktop.storage.database import Database
from desktop.views.busy_wait import GuiWaitPolicy, WaitDialog


@pytest.fixture
def other_writer(db: Database) -> Iterator[sqlite3.Connection]:
    other = rawconn.connect(db.paths.database, autocommit=True)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def _when_dialog_shows(policy: GuiWaitPolicy, then) -> None:  # type: ignore[no-untyped-def]
    def poll() -> None:
        if policy.dialog is not None and policy.dialog.isVisible():
            then(policy.dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_cancel_in_the_wait_dialog_writes_nothing(
    db: Database,
    other_writer: sqlite3.Connection,
    qapp,  # type: ignore[no-untyped-def]
) -> None:
    policy = GuiWaitPolicy(show_after=0.2)
    seen: list[str] = []

    def cancel(dialog: WaitDialog) -> None:
        seen.append(dialog.windowTitle())
        dialog.cancel_button.click()

    _when_dialog_shows(policy, cancel)
    with write_wait.installed(policy), pytest.raises(write_wait.WriteCancelled) as caught:
        federations.create(db, "测试街道总工会")
    assert seen == ["正在等待"]
    assert "未写入任何数据" in caught.value.message
    assert policy.dialog is None  # closed
    other_writer.execute("ROLLBACK")
    assert federations.current(db) is None


def test_the_save_goes_through_once_the_other_writer_is_done(
    db: Database,
    other_writer: sqlite3.Connection,
    qapp,  # type: ignore[no-untyped-def]
) -> None:
    policy = GuiWaitPolicy(show_after=0.2)
    _when_dialog_shows(policy, lambda _dialog: other_writer.execute("COMMIT"))
    with write_wait.installed(policy):
        federations.create(db, "测试街道总工会")
    assert federations.current(db) is not None
    assert policy.dialog is None
