"""The audit trail as a table model: time (local), account, action label, detail.

Loaded a page at a time by the service's filter (newest first, at most the filter's
limit); the details hold no personal data by rule, so nothing here needs masking.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.audit import AuditRecord

COL_TIME, COL_ACCOUNT, COL_ACTION, COL_DETAIL = range(4)
HEADERS = ("时间", "账号", "操作", "说明")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRecord] = []

    def set_rows(self, rows: list[AuditRecord]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_ACCOUNT:
            return f"系统账户：{r.os_user}"
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
            return r.detail
        return None
