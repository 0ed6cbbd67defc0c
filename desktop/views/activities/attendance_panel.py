"""签到 for one activity: a USB scanner types the printed card's QR (checked by its
signature in the service) or a card number, and Enter, into the card box; an unknown,
forged or withdrawn card gets a red line under the box and nothing is written. A
member without a card is found by search, and a named non-member can be registered too.
The attendee list and count follow each entry; a wrong entry is undone (撤销签到) from
the list. The activity's photos sit underneath."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.erasure import ERASED_NAME
from desktop.services import activities
from desktop.services.activities import ActivityRecord, AttendanceRecord
from desktop.views.activities.member_picker import MemberPicker
from desktop.views.activities.photos import PhotoStrip
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.dates import local_time
from desktop.views.widgets.field_error import FieldMessage

OK_STYLE = "color: #2e7d32;"
METHODS = {"card": "刷卡", "search": "查找", "guest": "非会员"}
ATT_ROLE = Qt.ItemDataRole.UserRole + 1


class AttendancePanel(QWidget):
    # The activity's attendance changed: a check-in, or an undone one (the record removed).
    # The page refreshes the count column and the coverage on it.
    attended = Signal(object)  # AttendanceRecord

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activity: ActivityRecord | None = None
        self.rows: list[AttendanceRecord] = []

        self.title = QLabel("请在左侧选择一项活动", self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.card_input = QLineEdit(self)
        self.card_input.setPlaceholderText("扫描会员证二维码，或输入会员证号后按回车")
        self.card_input.setClearButtonEnabled(True)
        self.message = FieldMessage(self)
        self.picker = MemberPicker(ctx, self)
        self.guest_input = QLineEdit(self)
        self.guest_input.setPlaceholderText("非会员姓名（家属、居民、未入会职工）")
        self.guest_button = QPushButton("登记非会员", self)
        self.count_label = QLabel(self)
        self.list = QListWidget(self)
        self.undo_button = QPushButton("撤销签到", self)
        self.undo_button.setToolTip("撤销所选人员在本活动的签到（如刷错卡、选错人）")
        self.photos = PhotoStrip(ctx, self)
        self.member_dialog: QWidget | None = None  # the member page last opened

        guest = QHBoxLayout()
        guest.addWidget(self.guest_input, 1)
        guest.addWidget(self.guest_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(QLabel("刷卡签到", self))
        layout.addWidget(self.card_input)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("没带卡的会员：按姓名等查找，回车或双击签到", self))
        layout.addWidget(self.picker)
        layout.addLayout(guest)
        count = QHBoxLayout()
        count.addWidget(self.count_label, 1)
        count.addWidget(self.undo_button)
        layout.addLayout(count)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.photos)

        self.card_input.returnPressed.connect(self.check_in_card)
        self.guest_input.returnPressed.connect(self.check_in_guest)
        self.guest_button.clicked.connect(self.check_in_guest)
        self.picker.picked.connect(self.check_in_member)
        self.undo_button.clicked.connect(self.undo_selected)
        self.list.itemSelectionChanged.connect(self._enable)
        self.list.itemDoubleClicked.connect(self.show_member)
        self.photos.changed.connect(lambda: self.ctx.changed("activities"))
        self._enable()

    # ---- state -----------------------------------------------------------------------

    def set_activity(self, activity: ActivityRecord | None) -> None:
        same = (
            activity is not None and self.activity is not None and activity.id == self.activity.id
        )
        self.activity = activity
        if not same:
            self.message.clear_message()
            self.card_input.clear()
            self.picker.reset()
        if activity is None:
            self.title.setText("请在左侧选择一项活动")
        else:
            self.title.setText(
                f"{activity.title}\n{activity.starts_at:%Y-%m-%d %H:%M} · {activity.category_name}"
            )
        self.reload()
        self.photos.set_activity(activity.id if activity else None)
        self._enable()
        if activity is not None and not same:
            self.card_input.setFocus()

    def reload(self) -> None:
        self.rows = (
            []
            if self.activity is None
            else activities.list_attendance(self.ctx.db, self.activity.id)
        )
        self.list.clear()
        day = self.activity.starts_at.date() if self.activity else None
        for r in reversed(self.rows):  # newest first: the one just scanned is on top
            method = METHODS.get(r.method, r.method)
            # the time alone on the activity's day; with the date when typed in later
            same_day = local_time(r.checked_in_at, "%Y-%m-%d") == f"{day}"
            when = local_time(r.checked_in_at, "%H:%M" if same_day else "%Y-%m-%d %H:%M")
            parts = [
                r.display_name or "（无姓名）",
                f"{method} {when}",
                r.card_no or "",
                r.union_name or "",
            ]
            item = QListWidgetItem("  ".join(p for p in parts if p))
            item.setData(ATT_ROLE, r.id)
            self.list.addItem(item)
        members = sum(1 for r in self.rows if r.member_id)
        self.count_label.setText(
            f"已签到 {len(self.rows):,} 人（会员 {members:,}，非会员 {len(self.rows) - members:,}）"
            if self.activity
            else ""
        )

    def _enable(self) -> None:
        on = self.activity is not None
        for w in (self.card_input, self.picker, self.guest_input, self.guest_button):
            w.setEnabled(on)
        self.undo_button.setEnabled(on and self.selected_attendance() is not None)

    def selected_attendance(self) -> AttendanceRecord | None:
        items = self.list.selectedItems()
        if not items:
            return None
        att_id = items[0].data(ATT_ROLE)
        return next((r for r in self.rows if r.id == att_id), None)

    # ---- entry -----------------------------------------------------------------------

    def check_in_card(self) -> None:
        if self.activity is None:
            return
        raw = self.card_input.text()
        try:
            record = activities.attend_by_card(self.ctx.db, self.activity.id, raw)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            # Selected, so the next scan replaces the wrong number instead of adding to it.
            self.card_input.selectAll()
            return
        self.card_input.clear()
        self._done(record, f"{record.display_name} 签到成功")

    def check_in_member(self, member_id: str) -> None:
        """A member picked from the search list; refusals (withdrawn, already here) stay
        in the panel's message line and the search stays as typed, to pick another."""
        if self.activity is None:
            return
        try:
            record = activities.attend_member(self.ctx.db, self.activity.id, member_id)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.picker.reset()
        self._done(record, f"{record.display_name} 签到成功")

    def undo_selected(self) -> None:
        record = self.selected_attendance()
        if self.activity is None or record is None:
            return
        who = record.display_name or "（无姓名）"
        if not messages.confirm(
            self, "撤销签到", f"撤销「{who}」在「{self.activity.title}」的签到？"
        ):
            return
        try:
            activities.remove_attendance(self.ctx.db, record.id)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            self.reload()
            return
        self._done(record, f"已撤销 {who} 的签到")

    def show_member(self, *_: object) -> None:
        """Double-click on a member who signed in: that member's page (a guest has none)."""
        record = self.selected_attendance()
        if record is None or not record.member_id:
            return
        if record.display_name == ERASED_NAME:
            self.message.show_error("该会员的个人信息已删除（个人信息删除），没有详情可看")
            return
        from desktop.views.members.detail_dialog import MemberDetailDialog

        try:
            dialog = MemberDetailDialog(self.ctx, record.member_id, parent=self)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.member_dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def check_in_guest(self) -> None:
        if self.activity is None:
            return
        try:
            record = activities.attend_guest(self.ctx.db, self.activity.id, self.guest_input.text())
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.guest_input.clear()
        self._done(record, f"非会员 {record.display_name} 已登记")

    def _done(self, record: AttendanceRecord, text: str) -> None:
        self.message.show_hint(text)
        self.message.setStyleSheet(OK_STYLE)
        self.reload()
        self._enable()
        self.card_input.setFocus()
        self.attended.emit(record)
