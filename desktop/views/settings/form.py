"""One group of the settings page: its fields, a message line under each, and 保存.

A field's message line keeps its height while empty (``FieldMessage(one_line=True)``),
as in the member dialog: a refusal appearing never pushes the fields below it down.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.views.widgets.field_error import FieldMessage


class SettingsGroup(QGroupBox):
    """A titled form; ``on_save`` runs the group's service call (refusals land under
    their fields, anything else on the group's own line)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.form = QFormLayout()
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, FieldMessage] = {}
        self.message = FieldMessage(self)
        self.save_button = QPushButton("保存", self)
        self.save_button.setObjectName(f"save-{title}")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        self._save: Callable[[], str] | None = None
        self.save_button.clicked.connect(self.save)

    def add_field(
        self, field: str, label: str, editor: QWidget, extra: QWidget | None = None
    ) -> None:
        """``editor`` with its message line under it; ``extra`` beside it (a 选择… button)."""
        error = FieldMessage(self, one_line=True)
        error.clear_when_edited(editor)
        row = QHBoxLayout()
        row.addWidget(editor, 1)
        if extra is not None:
            row.addWidget(extra)
        cell = QVBoxLayout()
        cell.setSpacing(0)
        cell.addLayout(row)
        cell.addWidget(error)
        self.form.addRow(label, cell)
        self.editors[field] = editor
        self.errors[field] = error

    def add_row(self, label: str, widget: QWidget) -> None:
        self.form.addRow(label, widget)

    def on_save(self, save: Callable[[], str]) -> None:
        """``save`` writes the group and returns what to say (e.g. 已保存)."""
        self._save = save

    def set_editable(self, editable: bool) -> None:
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit | QAbstractSpinBox):
                editor.setReadOnly(not editable)
            else:
                editor.setEnabled(editable)
        self.save_button.setVisible(editable)

    def clear_messages(self) -> None:
        self.message.clear_message()
        for error in self.errors.values():
            error.clear_message()

    def save(self) -> None:
        if self._save is None:
            return
        self.clear_messages()
        try:
            said = self._save()
        except ValidationError as exc:
            placed = False
            for field, text in (exc.problems or {exc.field or "": exc.message}).items():
                if field in self.errors:
                    self.errors[field].show_error(text)
                    placed = True
            if not placed:
                self.message.show_error(exc.message)
            else:
                self.message.show_error("未保存：请按红字提示修改后再保存。")
            return
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.message.show_hint(said)
