"""One search box that waits for the clerk to stop typing before it searches."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 250


class SearchBox(QLineEdit):
    """Emits ``search_changed(text)`` once typing pauses, or at once on Enter."""

    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self._last = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Search now for what is in the box (if it changed since the last search)."""
        self._timer.stop()
        current = self.text().strip()
        if current != self._last:
            self._last = current
            self.search_changed.emit(current)
