"""批准入会: the join date (the application's choice, else today) and the approver."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.services.applications import records
from desktop.services.applications.queries import ApplicationRow
from desktop.views.context import AppContext
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import ok_cancel_buttons


class ApproveDialog(QDialog):
    def __init__(
        self, ctx: AppContext, application: ApplicationRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application.id
        self.applicant = application.name
        self.approval: records.Approval | None = None
        self.setWindowTitle("批准入会申请")
        form = QFormLayout(self)
        form.addRow(QLabel(f"申请人：{application.name}（{application.union_name}）", self))
        self.joined_on = QDateEdit(QDate(application.joined_on or clock.current().today()), self)
        self.joined_on.setCalendarPopup(True)
        self.joined_on.setDisplayFormat("yyyy-MM-dd")
        self.approver = QLineEdit(self)
        self.approver.setPlaceholderText("不填则为本机登录用户")
        self.error = FieldMessage(self)
        form.addRow("入会日期", self.joined_on)
        form.addRow("审批人", self.approver)
        form.addRow(QLabel("批准后即登记为会员，并发放会员证号。", self))
        form.addRow(self.error)
        buttons = ok_cancel_buttons(self, "批准", self.save)
        form.addRow(buttons)

    def save(self) -> None:
        qd = self.joined_on.date()
        try:
            self.approval = records.approve(
                self.ctx.db,
                self.application_id,
                joined_on=day_of(qd),
                approver=self.approver.text().strip() or None,
            )
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.ctx.changed("members")
        done = self.approval
        again = "（重新入会）" if done.rejoined else ""
        self.ctx.status_message.emit(
            f"已批准「{self.applicant}」入会{again}：会员证号 {done.card_no or '—'}，"
            f"入会日期 {done.joined_on.isoformat()}"
        )
        self.accept()
