"""Activities of a year (hundreds of rows a year: one windowed query, newest first)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop.services.activities import records as activities
from desktop.services.activities.records import ActivityRecord
from desktop.storage.database import Database
from desktop.views.qtmodels.loaded_table import Index, LoadedTableModel

COL_STARTS = 0
COL_TITLE = 1
COL_CATEGORY = 2
COL_SITE = 3
COL_ORGANISER = 4
COL_ATTENDANCE = 5
COL_BUDGET = 6
COL_SPENT = 7

HEADERS = {
    COL_STARTS: "开始时间",
    COL_TITLE: "活动名称",
    COL_CATEGORY: "服务类别",
    COL_SITE: "活动阵地",
    COL_ORGANISER: "组织者",
    COL_ATTENDANCE: "签到人数",
    COL_BUDGET: "预算（元）",
    COL_SPENT: "实际支出（元）",
}
NUMERIC = (COL_ATTENDANCE, COL_BUDGET, COL_SPENT)

ActivityIdRole = Qt.ItemDataRole.UserRole + 1
ActivityRecordRole = Qt.ItemDataRole.UserRole + 2

# The list shows at most this many activities per query; a year has a few hundred.
LIMIT = 2000


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen / 100:,.2f}"


class ActivityTableModel(LoadedTableModel[ActivityRecord]):
    headers = HEADERS

    def __init__(
        self, db: Database, year: int | None = None, search: str = "", parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.year = year
        self.search = search
        self.category: str | None = None
        # Whether the last query had more than LIMIT activities (the oldest not shown).
        self.truncated = False
        self._rows = self._load()

    def _load(self) -> list[ActivityRecord]:
        rows = activities.list_activities(
            self._db,
            year=self.year,
            category=self.category,
            search=self.search or None,
            limit=LIMIT + 1,
        )
        self.truncated = len(rows) > LIMIT
        return rows[:LIMIT]

    def set_query(self, year: int | None, search: str = "", category: str | None = None) -> None:
        self.year, self.search, self.category = year, search, category
        self.refresh()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        a = self.record_of(index)
        if a is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TITLE:
            return a.description or a.title
        if role == ActivityIdRole:
            return a.id
        if role == ActivityRecordRole:
            return a
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(a: ActivityRecord, col: int) -> str | None:
        if col == COL_STARTS:
            return f"{a.starts_at:%Y-%m-%d %H:%M}"
        if col == COL_TITLE:
            return a.title
        if col == COL_CATEGORY:
            return a.category_name
        if col == COL_SITE:
            return a.site_name or ""
        if col == COL_ORGANISER:
            return a.organiser or ""
        if col == COL_ATTENDANCE:
            return f"{a.attendance:,}"
        if col == COL_BUDGET:
            return yuan(a.budget_fen)
        if col == COL_SPENT:
            return yuan(a.spent_fen)
        return None
