"""结案: the outcome (required), the amount recovered and the closing date. A refusal
(no outcome, a negative or non-numeric amount, a date in the future) shows under its
field and the case stays open."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from desktop.errors import UnionDeskError
from desktop.models.codes import LEGAL_OUTCOME
from desktop.services.legal import cases
from desktop.services.legal.cases import LegalCaseRecord
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form

LABELS = {"outcome": "结案结果", "amount_recovered": "追回金额（元）", "closed_on": "结案日期"}


class CloseDialog(QDialog):
    saved = Signal(object)  # LegalCaseRecord

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.record: LegalCaseRecord | None = None
        self.setWindowTitle("结案")
        self.editors: dict[str, QWidget] = {
            "outcome": CodeCombo(LEGAL_OUTCOME, self, blank="（请选择）"),
            "amount_recovered": QLineEdit(self),
            "closed_on": QLineEdit(self),
        }
        amount = self.editors["amount_recovered"]
        assert isinstance(amount, QLineEdit)
        amount.setPlaceholderText("如 12000.50；未追回可留空")
        closed = self.editors["closed_on"]
        assert isinstance(closed, QLineEdit)
        closed.setPlaceholderText("如 2026-11-21，留空为今天")
        self.messages, self.general = lay_out_form(self, LABELS, self.editors, self.save)

    def save(self) -> None:
        for message in (*self.messages.values(), self.general):
            message.clear_message()
        try:
            self.record = cases.close_case(
                self.ctx.db,
                self.case_id,
                outcome=editor_value(self.editors["outcome"]),
                amount_recovered=editor_value(self.editors["amount_recovered"]),
                closed_on=editor_value(self.editors["closed_on"]),
            )
        except UnionDeskError as exc:
            (self.messages.get(exc.field or "") or self.general).show_error(exc.message)
            return
        self.saved.emit(self.record)
        self.accept()
