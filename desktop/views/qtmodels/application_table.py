"""The 入会申请 review queue as a table (hundreds of rows at most: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.models.codes import APPLICATION_CHANNEL, APPLICATION_STATUS
from desktop.services.applications import queries
from desktop.services.applications.queries import ApplicationRow
from desktop.storage.database import Database
from desktop.views.qtmodels.loaded_table import Index, LoadedTableModel

COL_RECEIVED = 0
COL_NAME = 1
COL_ID_NUMBER = 2
COL_PHONE = 3
COL_UNION = 4
COL_CHANNEL = 5
COL_STATUS = 6
COL_REVIEW = 7

HEADERS = {
    COL_RECEIVED: "收到日期",
    COL_NAME: "姓名",
    COL_ID_NUMBER: "身份证号",
    COL_PHONE: "手机号",
    COL_UNION: "申请加入的工会",
    COL_CHANNEL: "渠道",
    COL_STATUS: "状态",
    COL_REVIEW: "审核情况",
}
CURRENT_MEMBER_NOTE = "已是在会会员"
_FLAG_COLOUR = QColor("#c62828")


class ApplicationTableModel(LoadedTableModel[ApplicationRow]):
    headers = HEADERS

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.status: str | None = "submitted"
        self.search = ""
        self.refresh()

    def set_filter(self, status: str | None, search: str) -> None:
        self.status, self.search = status, search
        self.refresh()

    def _load(self) -> list[ApplicationRow]:
        return queries.queue(self._db, status=self.status, search=self.search)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.record_of(index)
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and r.current_member:
            return _FLAG_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and r.current_member:
            return "该身份证号已是在会会员，不能批准；请不予批准或办理会籍转接"
        return None

    @staticmethod
    def _display(r: ApplicationRow, col: int) -> str:
        if col == COL_RECEIVED:
            return f"{r.submitted_on:%Y-%m-%d}"
        if col == COL_NAME:
            return r.name
        if col == COL_ID_NUMBER:
            return r.id_number_masked
        if col == COL_PHONE:
            return r.phone_masked or ""
        if col == COL_UNION:
            return r.union_name
        if col == COL_CHANNEL:
            return APPLICATION_CHANNEL.label(r.channel)
        if col == COL_STATUS:
            status = APPLICATION_STATUS.label(r.status)
            return f"{status}（{CURRENT_MEMBER_NOTE}）" if r.current_member else status
        if r.status == "rejected":
            return f"{r.reviewer or ''} {r.reviewed_on or ''}：{r.reject_reason or ''}".strip()
        if r.status == "approved":
            return f"{r.reviewer or ''} {r.reviewed_on or ''} 批准，入会日期 {r.joined_on or ''}"
        return ""
