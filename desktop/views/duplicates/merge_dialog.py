"""合并重复会员: both records side by side, one choice per field, then one merge.

The left record is kept; 交换 makes the other one the survivor. Each row's radio says
whose value the survivor will carry. ID numbers and phones are shown masked. Two
records with different valid ID numbers ask a second question before merging (the
service refuses without it, and writes the merge to the audit log).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.duplicates import merging
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.field_error import FieldMessage

KEEP, OTHER = 0, 1


class MergeDialog(QDialog):
    def __init__(
        self, ctx: AppContext, keep_id: str, other_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.keep_id, self.other_id = keep_id, other_id
        self.result_id: str | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.radios: dict[tuple[str, int], QRadioButton] = {}
        self.setWindowTitle("合并重复会员")
        outer = QVBoxLayout(self)
        outer.addWidget(
            QLabel(
                "左侧记录保留，右侧记录并入后删除；签到、转接、申请和困难档案都转到保留的记录。\n"
                "逐行选择保留后的记录取哪一边的值：",
                self,
            )
        )
        self.error = FieldMessage(self)
        outer.addWidget(self.error)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        outer.addWidget(self.grid_host)
        self.swap_button = QPushButton("交换（改为保留右侧记录）", self)
        self.swap_button.clicked.connect(self.swap)
        outer.addWidget(self.swap_button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.merge_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("合并")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.groups.clear()
        self.radios.clear()
        choices = merging.compare(self.ctx.db, self.keep_id, self.other_id)
        for col, title in enumerate(("字段", "保留的记录", "被合并的记录")):
            header = QLabel(f"<b>{title}</b>", self.grid_host)
            self.grid.addWidget(header, 0, col)
        for row, choice in enumerate(choices, start=1):
            self.grid.addWidget(QLabel(choice.label, self.grid_host), row, 0)
            group = QButtonGroup(self)
            for side, shown in ((KEEP, choice.keep_text), (OTHER, choice.other_text)):
                radio = QRadioButton(shown or "（空）", self.grid_host)
                radio.setObjectName(f"{choice.name}_{side}")
                group.addButton(radio, side)
                self.grid.addWidget(radio, row, 1 + side)
                self.radios[(choice.name, side)] = radio
                radio.setEnabled(choice.differs)
            self.radios[(choice.name, KEEP)].setChecked(True)
            self.groups[choice.name] = group

    def swap(self) -> None:
        self.keep_id, self.other_id = self.other_id, self.keep_id
        self.error.clear_message()
        self._fill()

    def taken(self) -> list[str]:
        """The fields whose value comes from the record merged away."""
        return [name for name, group in self.groups.items() if group.checkedId() == OTHER]

    def choose(self, field: str, side: int) -> None:
        """Pick a side for one field (what a click on its radio does)."""
        self.radios[(field, side)].setChecked(True)

    def merge(self) -> None:
        self.error.clear_message()
        try:
            different = merging.has_different_ids(self.ctx.db, self.keep_id, self.other_id)
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        if not messages.confirm(
            self,
            "合并会员记录",
            "确定合并这两条记录吗？被合并的记录将删除，其签到等记录转到保留的记录。",
            yes="合并",
            no="取消",
        ):
            return
        if different and not messages.confirm(
            self,
            "身份证号不同",
            "两条记录的身份证号不同（都是有效号码），可能不是同一个人。\n\n"
            "确属同一人（例如登记时录错了号码）才能合并；此次合并将记入审计日志。",
            yes="确认合并",
            no="取消",
        ):
            return
        try:
            result = merging.merge(
                self.ctx.db,
                self.keep_id,
                self.other_id,
                take=self.taken(),
                confirm_different_ids=different,
            )
        except UnionDeskError as exc:
            self.error.show_error(exc.message)
            return
        self.result_id = result.survivor_id
        self.ctx.changed("members")
        self.accept()
