"""Progress reporting and cancellation for long service calls, without Qt.

Long work (imports, exports, printing, sync, backup) takes ``progress`` and ``cancel``
arguments; ``desktop.views.tasks`` turns them into Qt signals and a dialog's cancel button, the
CLI passes a printer or nothing, tests pass plain callables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.errors import UnionDeskError

ProgressFn = Callable[[int, int, str], None]
"""progress(done, total, text): total 0 means 'unknown'."""


class Cancelled(UnionDeskError):
    """The clerk pressed cancel; the transaction rolls back, nothing is written."""

    def __init__(self) -> None:
        super().__init__("操作已取消，未做任何改动")


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancel was pressed; call between units of work."""
        if self._event.is_set():
            raise Cancelled()


def no_progress(done: int, total: int, text: str) -> None:
    """The default when nobody is watching."""
