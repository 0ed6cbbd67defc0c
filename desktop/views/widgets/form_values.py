"""Reading and filling the editors of a form dialog, whatever their kind.

Dialogs keep ``editors: dict[field, QWidget]``; these two functions are the one place that
knows how each kind of editor holds a service value (a code, an id, text, a date as
ISO text), so every dialog sends the services the same shapes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop.views.widgets.code_combo import CodeCombo


def set_editor_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, CodeCombo):
        editor.set_code(value)
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(value), 0))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value or "")
    elif isinstance(editor, QLineEdit):
        if isinstance(value, date):
            value = value.isoformat()
        editor.setText("" if value is None else str(value))


def editor_value(editor: QWidget) -> Any:
    """The editor's value for a service call: None for an empty text or no choice."""
    if isinstance(editor, CodeCombo):
        return editor.code()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText().strip() or None
    if isinstance(editor, QLineEdit):
        return editor.text().strip() or None
    return None
