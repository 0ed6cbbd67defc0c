"""Damage found while the window is open: the same offer of the last good backup as at start.

The window opens the registry without waiting for its integrity check (``open_storage(
check_first=False)``): the check runs on a background thread, and a statement that meets a
damaged page marks the file too. Either way ``db.health`` tells its watchers, on whatever
thread found it; this object carries the news to the GUI thread and asks once: restore
the newest backup that passes its check, or quit, as the start-up refusal does. A damaged
registry is refused for every read and write, so a window left open on it could do nothing.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.views.context import AppContext
from desktop.views.widgets import messages

log = logging.getLogger(__name__)

#: The exit code when the clerk quits a window whose registry was found damaged.
DAMAGED_EXIT = 1


class DamageWatch(QObject):
    """Watches the open registry (and each one a restore puts in its place)."""

    found = Signal(object, list)  # the Database found damaged, SQLite's findings

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self._asked: Database | None = None  # the registry the clerk was asked about
        # Queued: the findings come from the check's thread or a worker's.
        self.found.connect(self._offer, Qt.ConnectionType.QueuedConnection)
        ctx.database_replaced.connect(self._watch)
        self._watch(ctx.db)

    def _watch(self, db: Database, _message: str = "") -> None:
        def told(findings: list[str]) -> None:
            try:
                self.found.emit(db, findings)
            except RuntimeError:  # the window has gone (the application is quitting)
                log.info("registry damage found after the window closed")

        db.health.watch(told)

    def _offer(self, db: object, findings: list[str]) -> None:
        if db is not self.ctx.db or db is self._asked:
            return  # a registry already replaced, or already asked about
        assert isinstance(db, Database)
        self._asked = db
        # Imported when needed: the window's first paint does not wait for them.
        from desktop.opening import open_database
        from desktop.services.backups import restoring
        from desktop.storage.health import last_good_backup
        from desktop.views.backups.at_start import QUIT, RESTORE, TITLE, restore_question

        parent = QApplication.activeWindow()
        good = last_good_backup(db.paths.backups, db.clock.now())
        if good is None:  # the refusal says there is none, and what to do
            messages.error(parent, TITLE, db.corruption_error(findings).message)
            self._quit()
            return
        question = restore_question(db.paths.database, findings, good)
        if not messages.confirm(parent, TITLE, question, yes=RESTORE, no=QUIT):
            self._quit()
            return
        self.ctx.runner.wait()  # work on the damaged file is refused: it ends at once
        paths, clock = db.paths, db.clock
        db.close()
        self.ctx.runner.run(
            lambda _progress, _cancel: restoring.restore_unopenable(
                paths, clock, good, open_database
            ),
            title="正在恢复备份…",
            parent=parent,
            on_done=lambda result: self.ctx.replace_database(result.db, result.message),
            on_error=lambda exc: self._failed(parent, exc),
            cancellable=False,
        )

    def _failed(self, parent: QWidget | None, exc: BaseException) -> None:
        reopened = getattr(exc, "db", None)
        if reopened is not None:
            reopened.close()
        text = exc.message if isinstance(exc, UnionDeskError) else "恢复失败：程序内部错误。"
        messages.error(parent, "恢复失败", text)
        self._quit()

    def _quit(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.exit(DAMAGED_EXIT)
