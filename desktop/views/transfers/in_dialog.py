"""会籍转入: a member transferred here from elsewhere, by slip number and ID number.

Scanning the slip's QR (the scanner types it into the scan box and presses Enter)
pre-fills the slip number, name, sending union, original join date and reason; a slip
signed by an office this PC does not trust is shown as unverified but still pre-fills.
The ID number is always typed from the person's ID card (the QR does not carry it).
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.transfers import records, slips
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage


class TransferInDialog(QDialog):
    def __init__(
        self, ctx: AppContext, union_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved_id: str | None = None  # the member received (the list selects it)
        self.result_: records.TransferIn | None = None
        self.scanned: str | None = None
        self.setWindowTitle("会籍转入")
        form = QFormLayout(self)
        self.scan = QLineEdit(self)
        self.scan.setPlaceholderText("用扫码枪扫描转接单上的二维码（可选）")
        self.scan_state = QLabel("", self)
        self.scan_state.setWordWrap(True)
        self.slip = QLineEdit(self)
        self.slip.setPlaceholderText("转接单上的编号；没有转接单可不填")
        self.source = QLineEdit(self)
        self.name = QLineEdit(self)
        self.id_number = QLineEdit(self)
        self.id_number.setPlaceholderText("请核对本人身份证后填写")
        self.union = QComboBox(self)
        for u in unions.list_all(ctx.db):
            self.union.addItem(u.name, u.id)
        if union_id:
            self.union.setCurrentIndex(max(self.union.findData(union_id), 0))
        self.phone = QLineEdit(self)
        self.joined = QLineEdit(self)
        self.joined.setPlaceholderText("原入会日期 YYYY-MM-DD（可不填）")
        self.on = QDateEdit(QDate(ctx.db.clock.today()), self)
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit(self)
        self.error = FieldMessage(self)
        form.addRow("扫描转接单", self.scan)
        form.addRow(self.scan_state)
        form.addRow("转接单号", self.slip)
        form.addRow("转出单位", self.source)
        form.addRow("姓名", self.name)
        form.addRow("身份证号", self.id_number)
        form.addRow("转入工会", self.union)
        form.addRow("手机号", self.phone)
        form.addRow("原入会日期", self.joined)
        form.addRow("转入日期", self.on)
        form.addRow("转接原因", self.reason)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("办理转入")
        self.ok_button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.scan.returnPressed.connect(self.read_scan)

    def read_scan(self) -> None:
        """The scanner's Enter: read the slip QR and pre-fill what it says."""
        text = self.scan.text()
        if not text.strip():
            return
        try:
            reading = slips.read(self.ctx.db, text)
        except UnionDeskError as exc:
            self.scan_state.setText(exc.message)
            self.scanned = None
            return
        self.scanned = text
        c = reading.content
        self.slip.setText(c.slip_no)
        self.source.setText(c.from_union)
        self.name.setText(c.name)
        self.reason.setText(c.reason)
        self.joined.setText(f"{c.joined_on:%Y-%m-%d}" if c.joined_on else "")
        self.scan_state.setText(("✔ " if reading.verified else "⚠ ") + reading.message)
        self.id_number.setFocus()

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "name": self.name.text(),
            "id_number": self.id_number.text(),
            "union_id": self.union.currentData() or "",
        }
        if self.phone.text().strip():
            values["phone"] = self.phone.text()
        if self.joined.text().strip():
            values["joined_on"] = self.joined.text()
        return values

    def save(self) -> None:
        qd = self.on.date()
        scanned = self.scanned if self.scanned and self.scanned == self.scan.text() else None
        try:
            done = records.transfer_in(
                self.ctx.db,
                self.values(),
                slip_no=self.slip.text(),
                from_union_name=self.source.text(),
                transferred_on=day_of(qd),
                reason=self.reason.text(),
                qr=scanned,
            )
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.result_ = done
        self.saved_id = done.member_id
        self.ctx.changed("members")
        if done.outcome == "linked":
            text = f"已与此人原有的会员记录关联并恢复在会，会员证号 {done.card_no}。"
        else:
            text = f"已按新入会办理，会员证号 {done.card_no}。"
        if done.note:
            text += f"\n\n说明：{done.note}"
        self.ctx.status_message.emit("会籍转入：" + text.splitlines()[0])
        messages.inform(self, "会籍转入", text)
        self.accept()
