"""会员详情: one member's registry fields (ID number and phone masked), status history,
activities attended and transfers — opened by double-click from every member list.

Read-only: editing stays in the member dialog (its 编辑 button here opens it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.models.codes import (
    CURRENT_STATUSES,
    EDUCATION,
    ETHNICITY,
    GENDER,
    HUKOU_TYPE,
    MEMBERSHIP_STATUS,
    POLITICAL_STATUS,
)
from desktop.models.masking import birth_year_text, mask_id_number, mask_phone
from desktop.services.members import history, photos
from desktop.views.context import AppContext
from desktop.views.honours.member_records import MemberCareRecords
from desktop.views.qtmodels.text_table import TextTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.dates import local_time

#: The portrait's box (px), the card photo's 3:4.
PORTRAIT_W, PORTRAIT_H = 120, 160


def _day(value: object) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


class MemberDetailDialog(QDialog):
    def __init__(self, ctx: AppContext, member_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.setWindowTitle("会员详情")
        self.resize(760, 560)
        self.fields = QFormLayout()
        self.history_model = TextTableModel(("日期", "原状态", "新状态", "原因", "经办人"), self)
        self.activities_model = TextTableModel(("活动日期", "活动", "签到时间"), self)
        self.transfers_model = TextTableModel(
            ("日期", "转出工会", "转入工会", "转接单号", "原因"), self
        )
        self.tabs = QTabWidget(self)
        info = QWidget(self)
        self.portrait = QLabel(info)
        self.portrait.setObjectName("member_portrait")
        self.portrait.setFixedSize(PORTRAIT_W, PORTRAIT_H)
        self.portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.portrait.setFrameShape(QLabel.Shape.StyledPanel)
        beside = QHBoxLayout(info)
        beside.addLayout(self.fields, 1)
        beside.addWidget(self.portrait, 0, Qt.AlignmentFlag.AlignTop)
        self.tabs.addTab(info, "基本信息")
        self.history_view = self._table(self.history_model)
        self.activities_view = self._table(self.activities_model)
        self.transfers_view = self._table(self.transfers_model)
        self.tabs.addTab(self.history_view, "会籍变更")
        self.tabs.addTab(self.activities_view, "参加的活动")
        self.tabs.addTab(self.transfers_view, "会籍转接")
        self.care_records = MemberCareRecords(ctx, None, self)  # filled by load()
        self.tabs.addTab(self.care_records, "荣誉与法律援助")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.edit_button = buttons.addButton("编辑…", QDialogButtonBox.ButtonRole.ActionRole)
        self.transfer_button = buttons.addButton(
            "会籍转接…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.transfer_button.clicked.connect(self.transfer_out)
        self.erase_button = buttons.addButton(
            "删除个人信息…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.erase_button.setVisible(acting.current().may(acting.ADMINISTER))  # 管理员 only
        self.erase_button.clicked.connect(self.erase_personal)
        buttons.rejected.connect(self.reject)
        self.edit_button.clicked.connect(self.edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.child: QDialog | None = None
        self.load()

    def _show_portrait(self, data: bytes | None) -> None:
        """The card photo, as printed on the card (none: say where one is added)."""
        picture = QPixmap()
        if data is not None and picture.loadFromData(data):
            self.portrait.setPixmap(
                picture.scaled(
                    self.portrait.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.portrait.setToolTip("会员证照片")
        else:
            self.portrait.clear()
            self.portrait.setText("无照片\n（在「编辑…」中添加）")
            self.portrait.setToolTip("")

    def _table(self, model: TextTableModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    def load(self) -> None:
        life = history.life(self.ctx.db, self.member_id)
        m = life.member
        self.care_records.set_member(self.member_id)
        self.transfer_button.setEnabled(m.membership_status in CURRENT_STATUSES)
        self._show_portrait(photos.photo_of(self.ctx.db, self.member_id))
        while self.fields.rowCount():
            self.fields.removeRow(0)
        shown = (
            ("姓名", m.name),
            ("性别", GENDER.label(m.gender)),
            ("出生年份", birth_year_text(m.birth_date)),
            ("身份证号", mask_id_number(m.id_number)),
            ("手机号", mask_phone(m.phone) or ""),
            ("所属工会", m.union_name),
            ("会籍状态", MEMBERSHIP_STATUS.label(m.membership_status)),
            ("会员证号", m.card_no or ""),
            ("入会日期", _day(m.joined_on)),
            ("离会日期", _day(m.left_on)),
            ("离会原因", m.leave_reason or ""),
            ("民族", ETHNICITY.label(m.ethnicity)),
            ("政治面貌", POLITICAL_STATUS.label(m.political_status)),
            ("学历", EDUCATION.label(m.education)),
            ("户籍类型", HUKOU_TYPE.label(m.hukou_type)),
            ("农民工", "是" if m.is_migrant_worker else "否"),
            ("工作单位", m.employer or ""),
            ("岗位", m.position or ""),
            ("备注", m.notes or ""),
        )
        for label, value in shown:
            if value:
                text = QLabel(value, self)
                text.setWordWrap(True)
                self.fields.addRow(label, text)
        self.history_model.set_rows(
            [
                (
                    _day(h.changed_on),
                    MEMBERSHIP_STATUS.label(h.from_status) if h.from_status else "（入会）",
                    MEMBERSHIP_STATUS.label(h.to_status),
                    h.reason or "",
                    h.operator or "",
                )
                for h in life.history
            ]
        )
        self.activities_model.set_rows(
            [
                (f"{a.starts_at:%Y-%m-%d}", a.title, local_time(a.checked_in_at))
                for a in life.activities
            ]
        )
        self.transfers_model.set_rows(
            [
                (_day(t.transferred_on), t.from_union or "", t.to_union or "", t.slip_no or "",
                 t.reason or "")
                for t in life.transfers
            ]
        )  # fmt: skip
        self.tabs.setTabText(1, f"会籍变更（{len(life.history)}）")
        self.tabs.setTabText(2, f"参加的活动（{len(life.activities)}）")
        self.tabs.setTabText(3, f"会籍转接（{len(life.transfers)}）")

    def edit(self) -> None:
        from desktop.views.members.member_dialog import MemberDialog

        try:
            dialog = MemberDialog(self.ctx, self.member_id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法编辑", exc.message)
            return
        self.child = dialog
        dialog.finished.connect(lambda _r: self._edited(dialog))
        dialog.open()

    def _edited(self, dialog: QDialog) -> None:
        if getattr(dialog, "saved_id", None):
            self.load()
        dialog.deleteLater()
        self.child = None

    def transfer_out(self) -> None:
        """会籍转接（转出）from the member's page; the page reloads when it is done."""
        from desktop.views.transfers.out_dialog import TransferOutDialog

        try:
            dialog = TransferOutDialog(self.ctx, self.member_id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法办理转接", exc.message)
            return
        self.child = dialog
        dialog.finished.connect(lambda _r: self._edited(dialog))
        dialog.open()

    def erase_personal(self) -> None:
        """删除个人信息 (administrators): once done the record is gone, so is this page."""
        from desktop.views.members.erase_dialog import EraseDialog

        try:
            dialog = EraseDialog(self.ctx, self.member_id, parent=self)
        except UnionDeskError as exc:
            messages.error(self, "无法删除个人信息", exc.message)
            return
        self.child = dialog
        dialog.finished.connect(lambda _r: self._erased(dialog))
        dialog.open()

    def _erased(self, dialog: QDialog) -> None:
        erased = getattr(dialog, "erased", False)
        dialog.deleteLater()
        self.child = None
        if erased:
            self.accept()
