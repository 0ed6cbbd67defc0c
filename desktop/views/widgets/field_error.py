"""The red line under a form field that says what is wrong with it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #b26a00;"
HINT_STYLE = "color: #555555;"


class FieldMessage(QLabel):
    """Hidden while empty; ``show_error`` / ``show_warning`` / ``show_hint`` set the tone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE)

    def show_warning(self, text: str) -> None:
        self._show(text, WARNING_STYLE)

    def show_hint(self, text: str) -> None:
        self._show(text, HINT_STYLE)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    @property
    def is_error(self) -> bool:
        return not self.isHidden() and self.styleSheet() == ERROR_STYLE

    def _show(self, text: str, style: str) -> None:
        if not text:
            self.clear_message()
            return
        self.setStyleSheet(style)
        self.setText(text)
        self.show()
