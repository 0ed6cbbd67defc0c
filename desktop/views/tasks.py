"""Run a service call off the GUI thread with a progress dialog and a cancel button.

Like Anki's operations: the worker calls ``fn(progress, cancel)``; progress and the
result come back to the GUI thread by queued signals; the cancel button sets the token
the service polls. Tests install ``SyncTaskRunner`` (Picard's fake pool idea), which runs
the call inline so a test can assert right after clicking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop import acting
from desktop.errors import UnionDeskError, storage_error
from desktop.progress import CancelToken, ProgressFn
from desktop.views import collector

log = logging.getLogger(__name__)

Work = Callable[[ProgressFn, CancelToken], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def as_domain_error(exc: BaseException) -> BaseException:
    """A full disk or a missing, forbidden or read-only file, as the CLI words it
    (``errors.storage_error``); anything else as it is."""
    if isinstance(exc, UnionDeskError):
        return exc
    return storage_error(exc) or exc


def _as(actor: acting.Actor | None) -> AbstractContextManager[object]:
    """The task's account pinned to its thread; nothing when nobody was signed in."""
    return nullcontext() if actor is None else acting.pinned(actor)


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, token: CancelToken) -> None:
        super().__init__()
        self.work = work
        self.token = token
        self.signals = _Signals()
        #: Who started it (made on the GUI thread): the task acts as them to the end.
        self.actor = acting.signed_in_actor()

    def run(self) -> None:  # worker thread
        try:
            # no full collections freezing the window meanwhile; the starter's account
            # even if another signs in at the idle lock before the task ends
            with collector.paused(), _as(self.actor):
                result = self.work(self.signals.progress.emit, self.token)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            error = as_domain_error(exc)
            if not isinstance(error, UnionDeskError):
                log.exception("background task failed")
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts background jobs; keeps them referenced until they finish."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._running: set[_Job] = set()
        self._held: list[_Job] | None = None

    def hold(self) -> None:
        """Queue new jobs instead of starting them, until ``release``.

        Start-up work (dashboard figures, status-bar counts) is asked for while the main
        window is built; held, it waits for the window's first paint instead of competing
        with it for the CPU and the GIL.
        """
        if self._held is None:
            self._held = []

    @property
    def busy(self) -> bool:
        """True while any job is held back or has not yet delivered its result."""
        return bool(self._held) or bool(self._running)

    def release(self) -> None:
        """Start the held jobs, in order, and every later job at once."""
        held, self._held = self._held or [], None
        for job in held:
            self._pool.start(job)

    def run(
        self,
        work: Work,
        *,
        title: str,
        parent: QWidget | None,
        on_done: Done,
        on_error: Failed,
        cancellable: bool = True,
        quiet: bool = False,
    ) -> CancelToken:
        """Start ``work`` on the pool. ``quiet`` shows no progress dialog: for short reads
        whose widget shows its own busy state (the status-bar counts)."""
        token = CancelToken()
        dialog = None if quiet else self._dialog(title, parent, cancellable, token)
        job = _Job(work, token)
        self._running.add(job)

        @Slot(int, int, str)
        def on_progress(done: int, total: int, text: str) -> None:
            if dialog is None:
                return
            dialog.setMaximum(max(total, 0))
            dialog.setValue(done if total else 0)
            if text:
                dialog.setLabelText(text)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._running.discard(job)
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
            callback(value)

        job.signals.progress.connect(on_progress, Qt.ConnectionType.QueuedConnection)
        job.signals.finished.connect(
            lambda r: finish(on_done, r), Qt.ConnectionType.QueuedConnection
        )
        job.signals.failed.connect(
            lambda e: finish(on_error, e), Qt.ConnectionType.QueuedConnection
        )
        if self._held is not None:
            self._held.append(job)
        else:
            self._pool.start(job)
        return token

    @staticmethod
    def _dialog(
        title: str, parent: QWidget | None, cancellable: bool, token: CancelToken
    ) -> QProgressDialog:
        dialog = QProgressDialog(title, "取消" if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(token.cancel)
        return dialog

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)


class SyncTaskRunner(TaskRunner):
    """Runs the work inline on the calling thread: for tests and tiny jobs."""

    def run(
        self,
        work: Work,
        *,
        title: str,
        parent: QWidget | None,
        on_done: Done,
        on_error: Failed,
        cancellable: bool = True,
        quiet: bool = False,
    ) -> CancelToken:
        token = CancelToken()
        try:
            result = work(lambda done, total, text: None, token)
        except BaseException as exc:  # noqa: BLE001
            on_error(as_domain_error(exc))
        else:
            on_done(result)
        return token
