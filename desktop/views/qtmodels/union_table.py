"""The unions with their current member counts (tens of rows: loaded whole).

Every federation's unions held here (an upper office receives its sub-federations' by
sync), own first, each with its 所属联合会; ``set_federation`` narrows them to one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop.models.codes import INDUSTRY, OWNERSHIP
from desktop.services.unions import registry as unions
from desktop.services.unions.registry import UnionRecord
from desktop.storage.database import Database
from desktop.views.qtmodels.loaded_table import Index, LoadedTableModel

COL_NAME = 0
COL_EMPLOYER = 1
COL_CREDIT_CODE = 2
COL_INDUSTRY = 3
COL_OWNERSHIP = 4
COL_CHAIR = 5
COL_EMPLOYEES = 6
COL_MEMBERS = 7
COL_FEDERATION = 8

HEADERS = {
    COL_NAME: "工会名称",
    COL_EMPLOYER: "单位名称",
    COL_CREDIT_CODE: "统一社会信用代码",
    COL_INDUSTRY: "行业",
    COL_OWNERSHIP: "单位类别",
    COL_CHAIR: "工会主席",
    COL_EMPLOYEES: "职工人数",
    COL_MEMBERS: "会员人数",
    COL_FEDERATION: "所属联合会",
}

UnionIdRole = Qt.ItemDataRole.UserRole + 1
UnionRecordRole = Qt.ItemDataRole.UserRole + 2


class UnionTableModel(LoadedTableModel[UnionRecord]):
    headers = HEADERS

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._federation: str | None = None
        self.refresh()

    @property
    def federation_id(self) -> str | None:
        return self._federation

    def set_federation(self, federation_id: str | None) -> None:
        """Show one federation's unions (None: every federation's) and reload."""
        self._federation = federation_id
        self.refresh()

    def _load(self) -> list[UnionRecord]:
        return unions.list_held(self._db, self._federation)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        u = self.record_of(index)
        if u is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(u, col)
        if role == UnionIdRole:
            return u.id
        if role == UnionRecordRole:
            return u
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_EMPLOYEES, COL_MEMBERS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not u.own:
            return f"属于「{u.federation_name}」，由该单位登记和维护，随其同步数据包更新"
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
            COL_FEDERATION: f"{u.federation_name}（本会）" if u.own else u.federation_name,
        }
        return values.get(col, "")
