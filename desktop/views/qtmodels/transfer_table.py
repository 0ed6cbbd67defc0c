"""会籍转接 records as a table model (an office holds hundreds: loaded whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.models.codes import TRANSFER_KIND
from desktop.services.transfers.queries import TransferRecord
from desktop.views.qtmodels.loaded_table import ListTableModel

COL_DATE, COL_KIND, COL_MEMBER, COL_ID, COL_FROM, COL_TO, COL_SLIP, COL_REASON, COL_BY = range(9)
HEADERS = (
    *("转接日期", "类型", "会员", "身份证号", "转出单位", "转入单位", "转接单编号", "原因"),
    "经办人",
)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
MEMBER_ROLE = Qt.ItemDataRole.UserRole + 2
#: The text the page's filter box searches: name, unions, slip number, reason (never the
#: ID number, shown masked).
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class TransferTableModel(ListTableModel[TransferRecord]):
    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        t = self.rows[index.row()]
        if role == ID_ROLE:
            return t.id
        if role == MEMBER_ROLE:
            return t.member_id
        if role == SEARCH_ROLE:
            words = (t.member_name, t.from_union, t.to_union, t.slip_no, t.reason)
            return " ".join(w for w in words if w)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        values = {
            COL_DATE: t.transferred_on.isoformat(),
            COL_KIND: TRANSFER_KIND.label(t.kind),
            COL_MEMBER: t.member_name,
            COL_ID: t.id_number_masked,
            COL_FROM: t.from_union,
            COL_TO: t.to_union,
            COL_SLIP: t.slip_no or "",
            COL_REASON: t.reason or "",
            COL_BY: t.operator or "",
        }
        return values.get(index.column())
