"""Notice when nobody has touched the program for a while.

An application-wide event filter restarts a single-shot ``QTimer`` on every key, click,
wheel or mouse move in any of the program's windows; when it runs out, ``idle`` is
emitted. Why a filter on the application: input may go to any window or dialog, and no
widget sees all of it. A paused watcher ignores input (the lock screen is showing).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.interval_ms = 0
        self.paused = False
        self._filtering = False
        self.set_interval(interval_ms)

    def set_interval(self, interval_ms: int) -> None:
        """Milliseconds without input before ``idle``; 0 turns the watcher off (and
        takes its filter off the application: no Python call per event for nothing)."""
        self.interval_ms = max(0, interval_ms)
        app = QApplication.instance()
        if app is not None and bool(self.interval_ms) != self._filtering:
            if self.interval_ms:
                app.installEventFilter(self)
            else:
                app.removeEventFilter(self)
            self._filtering = bool(self.interval_ms)
        self.restart()

    def restart(self) -> None:
        if self.interval_ms and not self.paused:
            self.timer.start(self.interval_ms)
        else:
            self.timer.stop()

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def resume(self) -> None:
        self.paused = False
        self.restart()

    def stop(self) -> None:
        self.set_interval(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self.paused and self.interval_ms and event.type() in INPUT_EVENTS:
            self.timer.start(self.interval_ms)
        return False
