"""The shared parts of a record dialog: its field grid and reading/filling its editors.

Dialogs keep ``editors: dict[field, QWidget]``; ``set_editor_value``/``editor_value`` are
the one place that knows how each kind of editor holds a service value (a code, an id,
text, a date as ISO text), so every dialog sends the services the same shapes, and
``lay_out_form`` gives every field its inline Chinese error line under the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage


def lay_out_form(
    dialog: QDialog,
    labels: dict[str, str],
    editors: dict[str, QWidget],
    save: Callable[[], None],
    *,
    columns: int = 1,
) -> tuple[dict[str, FieldMessage], FieldMessage]:
    """Label, editor and error line per field, a general error line, 保存/取消.

    ``columns=2`` sets the fields side by side, row by row in the editors' order (a
    multi-line box takes a row of its own): a form of a dozen fields and more then fits a
    768-pixel laptop screen with its buttons. Returns the per-field error lines and the
    general one.
    """
    errors = {name: FieldMessage(dialog, one_line=True) for name in labels}
    general = FieldMessage(dialog)
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(4)
    row, col = 0, 0
    for name, editor in editors.items():
        errors[name].clear_when_edited(editor)
        wide = isinstance(editor, QPlainTextEdit)
        if isinstance(editor, QPlainTextEdit):
            editor.setTabChangesFocus(True)  # Tab moves on, as in every other field
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(editor)
        cell.addWidget(errors[name])
        label = QLabel(labels[name], dialog)
        label.setBuddy(editor)
        # level with its editor, not centred on the editor and its message line
        label.setMinimumHeight(min(editor.sizeHint().height(), editor.maximumHeight()))
        if wide and col:
            row, col = row + 1, 0
        grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop)
        span = columns * 2 - 1 if wide else 1
        grid.addLayout(cell, row, col * 2 + 1, 1, span, Qt.AlignmentFlag.AlignTop)
        col = 0 if wide else col + 1
        if col == 0 or col == columns:
            row, col = row + 1, 0
    for column in range(columns):
        grid.setColumnStretch(column * 2 + 1, 1)
        if columns > 1:  # an 18-digit ID number, a company's name: room for them side by side
            grid.setColumnMinimumWidth(column * 2 + 1, 220)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(grid)
    layout.addWidget(general)
    layout.addWidget(buttons)
    tab_in_order(*editors.values(), *buttons.buttons())
    return errors, general


def tab_in_order(*widgets: QWidget) -> None:
    """Tab visits ``widgets`` in this order (the order the clerk reads them).

    Qt's own order is the order the widgets were made in: an editor made before the
    others (a combo filled first, a photo panel) is otherwise reached only after 保存/取消.
    """
    stops = [stop for widget in widgets for stop in _tab_stops(widget)]
    for first, second in pairwise(stops):
        QWidget.setTabOrder(first, second)


def _tab_stops(widget: QWidget) -> list[QWidget]:
    """The widget itself, or for a panel that takes no focus (a photo box) the widgets
    in it that do, in the order they were made."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return [widget]
    window = widget.window()
    return [
        child
        for child in widget.findChildren(QWidget)
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.window() is window
    ]


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


def ok_cancel_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], None], cancel_text: str = "取消"
) -> QDialogButtonBox:
    """The dialog's OK/取消 pair, OK named for what it does (批准, 转出 …): OK runs
    ``on_ok`` (which accepts the dialog once the service agreed), 取消 rejects it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
