"""The federation's unions with their current member counts (tens of rows: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.db import Database
from desktop.models.codes import INDUSTRY, OWNERSHIP
from desktop.services import unions
from desktop.services.unions import UnionRecord

COL_NAME = 0
COL_EMPLOYER = 1
COL_CREDIT_CODE = 2
COL_INDUSTRY = 3
COL_OWNERSHIP = 4
COL_CHAIR = 5
COL_EMPLOYEES = 6
COL_MEMBERS = 7

HEADERS = {
    COL_NAME: "工会名称",
    COL_EMPLOYER: "单位名称",
    COL_CREDIT_CODE: "统一社会信用代码",
    COL_INDUSTRY: "行业",
    COL_OWNERSHIP: "单位类别",
    COL_CHAIR: "工会主席",
    COL_EMPLOYEES: "职工人数",
    COL_MEMBERS: "会员人数",
}

UnionIdRole = Qt.ItemDataRole.UserRole + 1
UnionRecordRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class UnionTableModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[UnionRecord] = unions.list_all(db)

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = unions.list_all(self._db)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        return None

    def record_at(self, row: int) -> UnionRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        u = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(u, col)
        if role == UnionIdRole:
            return u.id
        if role == UnionRecordRole:
            return u
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_EMPLOYEES, COL_MEMBERS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(u: UnionRecord, col: int) -> str:
        values = {
            COL_NAME: u.name,
            COL_EMPLOYER: u.employer or "",
            COL_CREDIT_CODE: u.credit_code or "",
            COL_INDUSTRY: INDUSTRY.label(u.industry),
            COL_OWNERSHIP: OWNERSHIP.label(u.ownership),
            COL_CHAIR: u.chair or "",
            COL_EMPLOYEES: "" if u.employee_count is None else str(u.employee_count),
            COL_MEMBERS: str(u.member_count),
        }
        return values.get(col, "")
