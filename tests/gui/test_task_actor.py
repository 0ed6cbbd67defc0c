"""A background task acts as the account that started it, whoever signs in meanwhile.

The signed-in account is process-wide; a long task (a roster import, an unmasked
export, a sync import) runs on a worker thread. The idle lock fires during a long wait,
and 换一个账号 at the lock signs another person in: the task's writes were then checked
against — and its audit entries written in the name of — the new account.
"""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from desktop import acting
from desktop.views.tasks import TaskRunner

ADMIN = acting.Actor("admin", "王管理", acting.ADMIN, account_id=1)
READER = acting.Actor("reader", "李只读", acting.READONLY, account_id=3)


def test_a_task_keeps_the_actor_that_started_it(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started, go = threading.Event(), threading.Event()
    seen: list[tuple[str, bool]] = []
    done: list[object] = []

    def work(_progress: object, _cancel: object) -> None:
        started.set()
        go.wait(10)
        actor = acting.current()
        seen.append((actor.username, actor.may(acting.WRITE)))

    acting.sign_in(ADMIN)
    try:
        runner.run(work, title="导入", parent=None, on_done=done.append,
                   on_error=done.append, quiet=True)  # fmt: skip
        assert started.wait(10)
        acting.sign_in(READER)  # 换一个账号 at the idle lock, while the task runs
        go.set()
        qtbot.waitUntil(lambda: bool(done))
        assert seen == [("admin", True)]
        assert acting.current() == READER  # the window's account is the new one
    finally:
        acting.sign_out()
