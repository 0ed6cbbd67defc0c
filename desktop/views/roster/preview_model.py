"""The preview's row list: one line per data row with its outcome (lazy, any size)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.spreadsheets.preview import ACTION_LABELS, ImportPreview

COL_ROW, COL_ACTION, COL_NAME, COL_DETAIL = range(4)
HEADERS = ("行号", "结果", "姓名", "说明")
_COLOURS = {"refuse": "#FFC7CE", "new": "#E2F0D9", "update": "#FFF2CC"}

Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    def __init__(self, preview: ImportPreview | None = None) -> None:
        super().__init__()
        self._preview = preview

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._preview = preview
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._preview is None else len(self._preview.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._preview is None or not index.isValid():
            return None
        row = self._preview.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == COL_ROW:
                return row.row
            if col == COL_ACTION:
                return ACTION_LABELS[row.action]
            if col == COL_NAME:
                return row.name
            if row.problems:
                return "；".join(f"「{p.column}」{p.message}" for p in row.problems)
            if row.action == "update":
                return "；".join(["更新：" + "、".join(sorted(row.values)), *row.warnings])
            return "；".join([row.note, *row.warnings]).strip("；")
        if role == Qt.ItemDataRole.BackgroundRole and row.action in _COLOURS:
            return QBrush(QColor(_COLOURS[row.action]))
        return None
