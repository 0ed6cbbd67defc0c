"""One small form dialog for the care records: labelled editors, inline Chinese errors,
保存 calls a service with the editors' values; a refusal stays in the dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from desktop.errors import UnionDeskError, ValidationError
from desktop.views.widgets.form_dialog import editor_value, lay_out_form


class CareFormDialog(QDialog):
    """``submit(values)`` does the write; on success the dialog accepts."""

    def __init__(
        self,
        title: str,
        labels: dict[str, str],
        editors: dict[str, QWidget],
        submit: Callable[[dict[str, Any]], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.editors = editors
        for editor in editors.values():
            editor.setParent(self)
        self.submit = submit
        self.result_value: Any = None
        self.errors, self.general_error = lay_out_form(self, labels, editors, self.save)

    def values(self) -> dict[str, Any]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def save(self) -> None:
        for message in (self.general_error, *self.errors.values()):
            message.clear_message()
        try:
            self.result_value = self.submit(self.values())
        except UnionDeskError as exc:
            problems = exc.problems if isinstance(exc, ValidationError) else {}
            placed = [f for f in problems if f in self.errors]
            for field in placed:
                self.errors[field].show_error(exc.message)
            if placed:
                self.editors[placed[0]].setFocus()
            else:
                self.general_error.show_error(exc.message)
            return
        self.accept()
