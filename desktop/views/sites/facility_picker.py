"""A button that opens a checklist of facilities (the FACILITY code list): used for the
"must have an AED" kind of rule in a star level, where several may be required."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop.models.codes import FACILITY


class FacilityPicker(QToolButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.actions_: dict[str, QAction] = {}
        for code, label in FACILITY:
            action = self.menu_.addAction(label)
            action.setCheckable(True)
            action.toggled.connect(lambda _on: self._update_text())
            self.actions_[code] = action
        self.setMenu(self.menu_)
        self._update_text()

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, action in self.actions_.items() if action.isChecked())

    def set_codes(self, codes: tuple[str, ...] | list[str]) -> None:
        for code, action in self.actions_.items():
            action.setChecked(code in codes)

    def _update_text(self) -> None:
        labels = [FACILITY.label(c).split("（")[0] for c in self.codes()]
        self.setText("、".join(labels) if labels else "（不要求）")
        self.setToolTip("点击勾选本星级必须配备且可用的设施")
