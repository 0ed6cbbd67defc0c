"""The legal-aid case list as a table model (a few hundred cases a year: loaded whole).

Phones arrive masked from the service (``LegalCaseRow.phone_masked``): the table cannot
show a full number.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.services.activities.inputs import yuan
from desktop.services.legal.cases import LegalCaseRow
from desktop.views.qtmodels.loaded_table import ListTableModel

COL_INTAKE, COL_APPLICANT, COL_PHONE, COL_TYPE, COL_EMPLOYER, COL_HANDLER, COL_STATUS = range(7)
COL_OUTCOME, COL_AMOUNT = 7, 8
HEADERS = (
    "受理日期",
    "申请人",
    "联系电话",
    "案件类型",
    "用人单位",
    "承办人",
    "状态",
    "结案结果",
    "追回金额（元）",
)
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class LegalCaseTableModel(ListTableModel[LegalCaseRow]):
    HEADERS = HEADERS

    def row_at(self, row: int) -> LegalCaseRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index.row()) if index.isValid() else None
        if r is None:
            return None
        if role == ID_ROLE:
            return r.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = {
            COL_INTAKE: r.intake_on.isoformat(),
            COL_APPLICANT: r.applicant_name + ("" if r.is_member else "（非会员）"),
            COL_PHONE: r.phone_masked,
            COL_TYPE: r.type_label,
            COL_EMPLOYER: r.employer or "",
            COL_HANDLER: r.handler or "",
            COL_STATUS: r.status_label,
            COL_OUTCOME: r.outcome_label,
            COL_AMOUNT: yuan(r.amount_recovered_fen),
        }
        return values.get(index.column())
