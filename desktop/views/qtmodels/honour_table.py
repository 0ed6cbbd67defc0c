"""Honours as a table model (an office holds hundreds, not millions: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.services.honours.records import HonourRecord
from desktop.views.qtmodels.loaded_table import ListTableModel

COL_YEAR, COL_TITLE, COL_LEVEL, COL_HOLDER, COL_BODY = range(5)
HEADERS = ("年份", "荣誉称号", "级别", "获奖会员/集体", "授予单位")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class HonourTableModel(ListTableModel[HonourRecord]):
    HEADERS = HEADERS

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
