"""Honours as a table model (an office holds hundreds, not millions: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.services.honours.records import HonourRecord

COL_YEAR, COL_TITLE, COL_LEVEL, COL_HOLDER, COL_BODY = range(5)
HEADERS = ("年份", "荣誉称号", "级别", "获奖会员/集体", "授予单位")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class HonourTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[HonourRecord] = []

    def set_rows(self, rows: list[HonourRecord]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        h = self.rows[index.row()]
        if role == ID_ROLE:
            return h.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        holder = h.holder if h.member_id else f"{h.holder}（集体）"
        values = {
            COL_YEAR: str(h.year),
            COL_TITLE: h.title,
            COL_LEVEL: h.level_label,
            COL_HOLDER: holder,
            COL_BODY: h.awarding_body or "",
        }
        return values.get(index.column())
