"""会员离会: a status, a date and a reason — the record stays in the registry.

The record's version is read when the dialog opens and the status change is saved on
it (issue #25): if another clerk saved the member meanwhile, the service refuses with
what changed and this dialog says so (close, look, try again) instead of writing."""

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
from desktop.errors import EditConflictError, UnionDeskError
from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.services.members import registry as members
from desktop.services.members import status_rules
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import ok_cancel_buttons

# 已退会, 已开除, 保留会籍: 已转出 is a transfer out (会籍转接…), which issues the slip
_CHOICES = [(c, label) for c, label in MEMBERSHIP_STATUS if c in status_rules.LEAVE_STATUSES]


class LeaveDialog(QDialog):
    def __init__(
        self, ctx: AppContext, member_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.seen = members.get(ctx.db, member_id).seen()  # the version this change is based on
        self.setWindowTitle("会员离会")
        form = QFormLayout(self)
        form.addRow(QLabel(f"会员：{name}", self))
        self.status = CodeCombo(_CHOICES, self, blank=None)
        self.status.set_code("withdrawn")
        self.on = QDateEdit(QDate(clock.current().today()), self)
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("如：调离本单位、本人申请退会")
        self.error = FieldMessage(self)
        form.addRow("离会方式", self.status)
        form.addRow("离会日期", self.on)
        form.addRow("原因", self.reason)
        form.addRow(self.error)
        buttons = ok_cancel_buttons(self, "确定", self.save)
        form.addRow(buttons)

    def save(self) -> None:
        qd = self.on.date()
        try:
            members.mark_left(
                self.ctx.db,
                self.member_id,
                self.status.code() or "withdrawn",
                on=day_of(qd),
                reason=self.reason.text().strip() or None,
                seen=self.seen,
            )
        except EditConflictError as exc:
            changed = "、".join(d.label for d in exc.differences)
            self.error.show_error(
                f"未办理：您打开此窗口后，这位会员的记录已被他人修改（{changed}）。"
                "请关闭此窗口，查看最新记录后再办理离会。"
            )
            return
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.ctx.changed("members")
        self.accept()
