"""The backups as a table model (tens of files: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.services.backups.catalog import AHEAD_NOTE, BackupEntry
from desktop.views.qtmodels.loaded_table import ListTableModel

COL_TIME, COL_REASON, COL_SIZE, COL_VERIFIED, COL_SECOND = range(5)
HEADERS = ("备份时间", "原因", "大小", "校验", "第二份")
NAME_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def verified_text(entry: BackupEntry) -> str:
    if entry.verified is None:
        return "未校验"
    mark = "✓ 通过" if entry.verified else "✗ 未通过"
    return f"{mark}（{entry.checked_at:%m-%d %H:%M}）" if entry.checked_at else mark


class BackupTableModel(ListTableModel[BackupEntry]):
    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        entry = self.rows[index.row()]
        if role == NAME_ROLE:
            return entry.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.name}\n{AHEAD_NOTE}" if entry.ahead else entry.name
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = {
            COL_TIME: f"{entry.created:%Y-%m-%d %H:%M:%S}" + (" ⚠ 时钟超前" if entry.ahead else ""),
            COL_REASON: entry.reason_label,
            COL_SIZE: size_text(entry.size),
            COL_VERIFIED: verified_text(entry),
            COL_SECOND: str(entry.second_copy.parent) if entry.second_copy else "—",
        }
        return values.get(index.column())
