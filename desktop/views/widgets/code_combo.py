"""A combo box over a code list: shows the Chinese labels, hands back the stable codes."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from desktop.models.codes import CodeList


class CodeCombo(QComboBox):
    def __init__(
        self,
        codes: CodeList | Iterable[tuple[str, str]],
        parent: QWidget | None = None,
        *,
        blank: str | None = "（未填）",
    ) -> None:
        super().__init__(parent)
        if blank is not None:
            self.addItem(blank, None)
        for code, label in codes:
            self.addItem(label, code)

    def code(self) -> str | None:
        value = self.currentData()
        return None if value is None else str(value)

    def set_code(self, code: str | None) -> None:
        index = self.findData(code) if code is not None else 0
        self.setCurrentIndex(max(index, 0))
