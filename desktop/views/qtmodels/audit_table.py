"""The audit trail as a table model: time (local), account, action label, detail.

Loaded a page at a time by the service's filter (newest first, at most the filter's
limit); the details hold no personal data by rule, so nothing here needs masking.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.services.audit import AuditRecord
from desktop.services.audit.wording import shown_detail
from desktop.views.qtmodels.loaded_table import ListTableModel

COL_TIME, COL_ACCOUNT, COL_ACTION, COL_DETAIL = range(4)
HEADERS = ("时间", "账号", "操作", "说明")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(ListTableModel[AuditRecord]):
    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_ACCOUNT:
            return f"系统账户：{r.os_user}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_DETAIL and r.record_id:
            return f"记录编号：{r.record_id}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == COL_TIME:
            return r.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if column == COL_ACCOUNT:
            return r.account
        if column == COL_ACTION:
            return r.label
        if column == COL_DETAIL:
            return shown_detail(r)
        return None
