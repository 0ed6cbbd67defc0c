"""会籍转接（转出）: to another union of the federation (one step) or out of it (a slip
number, status 已转出). After saving, the clerk may print the 会籍转接单 at once."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.members import registry as members
from desktop.services.transfers import queries, records
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.transfers import printouts
from desktop.views.widgets import messages
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage


class TransferOutDialog(QDialog):
    def __init__(self, ctx: AppContext, member_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.saved_id: str | None = None  # the member, once transferred (the list reselects)
        self.record: queries.TransferRecord | None = None
        member = members.get(ctx.db, member_id)
        records.require_current(member)  # refused before the form opens
        self.setWindowTitle("会籍转接（转出）")
        form = QFormLayout(self)
        form.addRow(QLabel(f"会员：{member.name}　　现所在工会：{member.union_name}", self))
        self.inside = QRadioButton("转到本联合会的其他工会", self)
        self.outside = QRadioButton("转出本联合会（开具转接单）", self)
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.inside)
        self.kind.addButton(self.outside)
        self.inside.setChecked(True)
        self.union = QComboBox(self)
        for u in unions.list_all(ctx.db):
            if u.id != member.union_id:
                self.union.addItem(u.name, u.id)
        self.destination = QLineEdit(self)
        self.destination.setPlaceholderText("如：深圳市南山区总工会")
        self.on = QDateEdit(QDate(ctx.db.clock.today()), self)
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("如：工作调动")
        self.error = FieldMessage(self)
        form.addRow(self.inside)
        form.addRow("转入工会", self.union)
        form.addRow(self.outside)
        form.addRow("转入单位", self.destination)
        form.addRow("转接日期", self.on)
        form.addRow("转接原因", self.reason)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("办理转接")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.inside.toggled.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        inside = self.inside.isChecked()
        self.union.setEnabled(inside)
        self.destination.setEnabled(not inside)

    def save(self) -> None:
        qd = self.on.date()
        inside = self.inside.isChecked()
        try:
            record = records.transfer_out(
                self.ctx.db,
                self.member_id,
                to_union_id=(self.union.currentData() or "") if inside else None,
                to_union_name=None if inside else self.destination.text(),
                transferred_on=day_of(qd),
                reason=self.reason.text(),
            )
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.record = record
        self.saved_id = self.member_id
        self.ctx.changed("members")
        if record.kind == "internal":
            done = f"已由「{record.from_union}」转至「{record.to_union}」。"
        else:
            done = f"已转出至「{record.to_union}」，会籍状态为已转出。"
        self.ctx.status_message.emit(f"会籍转接：{done}转接单号 {record.slip_no}")
        if record.slip_no and messages.confirm(
            self,
            "会籍转接",
            f"{done}\n转接单号：{record.slip_no}\n\n现在生成会籍转接单（PDF）吗？",
            yes="生成转接单",
            no="以后再打印",
        ):
            printouts.print_slip(self.ctx, self, record.id, record.slip_no)
        self.accept()
