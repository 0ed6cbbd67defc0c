"""The red line under a form field that says what is wrong with it.

A field's line (``one_line=True``) keeps its one line of height while empty, so a
message appearing never pushes the fields below down under the clerk's mouse; a text
longer than the field is elided, in full in its tooltip. ``clear_when_edited`` takes the
message away as soon as the clerk changes the field it is about. Free-standing lines
(a dialog's general message, a panel's result) still wrap and take the room they need.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #b26a00;"
HINT_STYLE = "color: #555555;"


class FieldMessage(QLabel):
    """Hidden while empty; ``show_error`` / ``show_warning`` / ``show_hint`` set the tone."""

    def __init__(self, parent: QWidget | None = None, *, one_line: bool = False) -> None:
        super().__init__(parent)
        self.one_line = one_line
        if one_line:
            self.setWordWrap(False)
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            policy.setRetainSizeWhenHidden(True)
            self.setSizePolicy(policy)
            self.setFixedHeight(self.fontMetrics().height() + 2)
        else:
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
        self.setToolTip("")
        self.hide()

    @property
    def is_error(self) -> bool:
        return not self.isHidden() and self.styleSheet() == ERROR_STYLE

    def clear_when_edited(self, editor: QWidget) -> None:
        """Take the message away once the clerk changes ``editor``."""
        signal = None
        if isinstance(editor, QLineEdit):
            signal = editor.textEdited
        elif isinstance(editor, QPlainTextEdit):
            signal = editor.textChanged
        elif isinstance(editor, QComboBox):
            signal = editor.activated
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            signal = editor.valueChanged
        elif isinstance(editor, QDateTimeEdit):
            signal = editor.dateTimeChanged
        elif isinstance(editor, QAbstractButton):
            signal = editor.toggled
        elif isinstance(editor, QAbstractSpinBox):
            signal = editor.editingFinished
        if signal is not None:
            signal.connect(lambda *_args: self.clear_message())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        if self.one_line:
            return QSize(0, self.height())
        return super().minimumSizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.one_line:
            super().paintEvent(event)
            return
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )
        painter.end()

    def _show(self, text: str, style: str) -> None:
        if not text:
            self.clear_message()
            return
        self.setStyleSheet(style)
        self.setText(text)
        if self.one_line:
            self.setToolTip(text)
        self.show()
