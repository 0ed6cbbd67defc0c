"""不予批准: the reason is required and kept with the application."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.errors import UnionDeskError
from desktop.services.applications import records
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import ok_cancel_buttons


class RejectDialog(QDialog):
    def __init__(
        self, ctx: AppContext, application_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        self.setWindowTitle("不予批准入会申请")
        form = QFormLayout(self)
        form.addRow(QLabel(f"申请人：{name}", self))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("如：非本单位职工、材料不全")
        self.reviewer = QLineEdit(self)
        self.reviewer.setPlaceholderText("不填则为本机登录用户")
        self.error = FieldMessage(self)
        form.addRow("原因", self.reason)
        form.addRow("审核人", self.reviewer)
        form.addRow(self.error)
        buttons = ok_cancel_buttons(self, "不予批准", self.save)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            records.reject(
                self.ctx.db,
                self.application_id,
                self.reason.text(),
                reviewer=self.reviewer.text().strip() or None,
            )
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.ctx.changed("applications")
        self.accept()
