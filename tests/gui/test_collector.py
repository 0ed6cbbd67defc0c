"""The collector is paused while a background task runs and resumed after it."""

from __future__ import annotations

import gc
import threading

from desktop.views import collector


def test_paused_while_blocks_run_and_resumed_after_the_last() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        inner_done = threading.Event()

        def other_task() -> None:
            with collector.paused():
                assert not gc.isenabled()
            inner_done.set()

        worker = threading.Thread(target=other_task)
        worker.start()
        worker.join()
        assert inner_done.is_set()
        assert not gc.isenabled()  # the first task still runs
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # not ours to resume (the start-up pause)
    finally:
        gc.enable()


def test_a_task_on_the_runner_runs_with_the_collector_paused(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.views.tasks import TaskRunner

    runner = TaskRunner()
    seen: list[bool] = []
    done: list[object] = []
    runner.run(
        lambda progress, cancel: seen.append(gc.isenabled()),
        title="测试",
        parent=None,
        on_done=done.append,
        on_error=done.append,
        quiet=True,
    )
    qtbot.waitUntil(lambda: bool(done))
    assert seen == [False] and gc.isenabled()


def test_what_a_task_leaves_is_not_walked_by_the_next_collection() -> None:
    """The objects a task made (all still young: the collector was paused) go to the
    permanent generation when it ends, so no collection after it walks them all."""
    frozen = gc.get_freeze_count()
    with collector.paused():
        made = [[i] for i in range(5000)]  # lists: always tracked
    assert gc.get_freeze_count() >= frozen + len(made)
    assert gc.isenabled()
