"""The 账号管理 table: one row per account (a handful per office, read at once)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.services.accounts.records import AccountRecord
from desktop.views.qtmodels.loaded_table import ListTableModel

Index = QModelIndex | QPersistentModelIndex

COL_USERNAME, COL_NAME, COL_ROLE, COL_SENSITIVE, COL_STATUS, COL_CHANGED = range(6)
HEADERS = ("用户名", "姓名", "角色", "敏感信息", "状态", "密码修改时间")
#: The row's ``AccountRecord``.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


def status_of(account: AccountRecord, now: datetime) -> str:
    if account.disabled:
        return "已停用"
    if account.locked_until is not None and account.locked_until > now:
        return "已锁定"
    return "正常"


class AccountTableModel(ListTableModel[AccountRecord]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._now = datetime.min

    def set_accounts(self, accounts: Sequence[AccountRecord], now: datetime) -> None:
        """``now`` (UTC) decides which locks are still running."""
        self._now = now
        self.set_rows(list(accounts))

    def account(self, row: int) -> AccountRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, username: str) -> int:
        return next((i for i, a in enumerate(self.rows) if a.username == username), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        account = self.account(index.row()) if index.isValid() else None
        if account is None:
            return None
        if role == RECORD_ROLE:
            return account
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == COL_USERNAME:
            return account.username
        if column == COL_NAME:
            return account.display_name
        if column == COL_ROLE:
            return account.role_label
        if column == COL_SENSITIVE:
            return "可查看" if account.sensitive else "—"
        if column == COL_STATUS:
            return status_of(account, self._now)
        if column == COL_CHANGED:
            changed = account.password_changed_at
            if changed.tzinfo is None:  # stored as UTC
                changed = changed.replace(tzinfo=UTC)
            return changed.astimezone().strftime("%Y-%m-%d %H:%M")  # the PC's own time
        return None
