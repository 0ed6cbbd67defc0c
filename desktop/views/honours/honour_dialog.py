"""登记荣誉: a member found by search (or, for a team title such as 工人先锋号, a team or
union name), the title, level, year and awarding body. The service validates; each
refused field gets its message under it and nothing is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.models.codes import HONOUR_LEVEL
from desktop.services.honours import records, titles
from desktop.services.honours.records import HonourRecord
from desktop.services.members import registry as members
from desktop.views.activities.member_picker import MemberPicker
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form

LABELS = {
    "title": "荣誉称号",
    "member_id": "获奖会员",
    "team_name": "获奖集体",
    "level": "级别",
    "year": "获得年份",
    "awarding_body": "授予单位",
}


class HonourDialog(QDialog):
    saved = Signal(object)  # HonourRecord

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id: str | None = None
        self.record: HonourRecord | None = None
        self.setWindowTitle("登记荣誉")
        self.setMinimumWidth(500)
        title = QComboBox(self)
        for t in titles.list_titles(ctx.db):
            title.addItem(t.name + ("（集体荣誉）" if t.team else ""), t.code)
        self.team_codes = {t.code for t in titles.list_titles(ctx.db) if t.team}
        member_cell = QWidget(self)
        column = QVBoxLayout(member_cell)
        column.setContentsMargins(0, 0, 0, 0)
        self.member_label = QLabel("（未选择会员）", member_cell)
        self.picker = MemberPicker(ctx, member_cell)
        self.picker.picked.connect(self.pick_member)
        column.addWidget(self.member_label)
        column.addWidget(self.picker)
        year = QLineEdit(str(clock.current().today().year), self)
        team = QLineEdit(self)
        team.setPlaceholderText("集体荣誉填写班组、团队或工会名称")
        self.editors: dict[str, QWidget] = {
            "title": title,
            "member_id": member_cell,
            "team_name": team,
            "level": CodeCombo(HONOUR_LEVEL, self, blank="（请选择）"),
            "year": year,
            "awarding_body": QLineEdit(self),
        }
        self.messages, self.general = lay_out_form(self, LABELS, self.editors, self.save)
        title.currentIndexChanged.connect(lambda _i: self._kind())
        self._kind()

    def is_team_title(self) -> bool:
        title = self.editors["title"]
        assert isinstance(title, QComboBox)
        return title.currentData() in self.team_codes

    def _kind(self) -> None:
        self.editors["team_name"].setEnabled(self.is_team_title())

    def pick_member(self, member_id: str) -> None:
        self.member_id = member_id
        self.member_label.setText(members.get(self.ctx.db, member_id).name)
        self.picker.reset()

    def values(self) -> dict[str, Any]:
        out = {key: editor_value(self.editors[key]) for key in LABELS if key not in ("member_id",)}
        out["member_id"] = self.member_id
        if not self.is_team_title():
            out["team_name"] = None
        return out

    def save(self) -> None:
        for message in (*self.messages.values(), self.general):
            message.clear_message()
        try:
            self.record = records.add_honour(self.ctx.db, self.values())
        except UnionDeskError as exc:
            (self.messages.get(exc.field or "") or self.general).show_error(exc.message)
            return
        self.saved.emit(self.record)
        self.accept()
