"""What every page is handed: the open database, the task runner and app-wide signals.

Pages never reach for globals; the main window makes one ``AppContext`` and passes it to
each page factory, and tests make one around a temporary database.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.storage.database import Database
from desktop.views.tasks import TaskRunner


class AppContext(QObject):
    # Emitted after any write, with the area that wrote ("members", "unions", "sync", …),
    # so pages showing related data refresh themselves.
    data_changed = Signal(str)
    # Ask the main window to show an area with parameters (e.g. a dashboard click-through
    # to the member list filtered by union): navigate_requested.emit("members", {...}).
    navigate_requested = Signal(str, dict)
    status_message = Signal(str)
    # The registry was replaced by another file (a restore): the new ``Database`` and what
    # the clerk is told happens next; the main window rebuilds its pages on it.
    database_replaced = Signal(object, str)

    def __init__(self, db: Database, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner

    def navigate(self, area: str, **params: Any) -> None:
        self.navigate_requested.emit(area, params)

    def changed(self, area: str) -> None:
        self.data_changed.emit(area)

    def replace_database(self, db: Database, message: str) -> None:
        """Use ``db`` from now on (the old one is closed by whoever replaced it)."""
        self.db = db
        self.database_replaced.emit(db, message)
