"""A score box that says so when a score above the item's maximum is typed.

A plain QDoubleSpinBox refuses the keystroke that would pass its maximum: typing 25
into a "/ 10 分" box silently leaves 2.0. This one lets the clerk finish typing, then
sets the maximum and emits ``clamped(typed)`` so the dialog can say what happened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget


class ScoreSpin(QDoubleSpinBox):
    clamped = Signal(float)  # what was typed, above the maximum

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._over: float | None = None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        result = super().validate(text, pos)
        state = result[0]
        number = self._number(text)
        self._over = number if number is not None and number > self.maximum() else None
        if state == QValidator.State.Invalid and self._over is not None:
            return (QValidator.State.Intermediate, text, pos)
        return result

    def _number(self, text: str) -> float | None:
        bare = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        try:
            return float(bare)
        except ValueError:
            return None

    def settle(self) -> bool:
        """An over-maximum entry becomes the maximum, visibly, and is reported (True)."""
        if self._over is None:
            return False
        typed, self._over = self._over, None
        self.setValue(self.maximum())
        self.clamped.emit(typed)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.settle()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self.settle()
        super().focusOutEvent(event)
