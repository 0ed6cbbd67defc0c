"""受理案件 / 编辑案件: the intake form. The applicant is a member found by search or a
non-member typed by name and phone; the service validates and each refused field gets
its message under it, nothing written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import LEGAL_CASE_TYPE
from desktop.services.legal import cases
from desktop.services.legal.cases import LegalCaseRecord
from desktop.services.members import registry as members
from desktop.views.activities.member_picker import MemberPicker
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form, set_editor_value

LABELS = {
    "member_id": "申请人",
    "applicant_name": "非会员姓名",
    "applicant_phone": "非会员手机号",
    "case_type": "案件类型",
    "intake_on": "受理日期",
    "employer": "用人单位",
    "handler": "承办人",
    "summary": "案情摘要",
}


class CaseDialog(QDialog):
    saved = Signal(object)  # LegalCaseRecord

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        editing: LegalCaseRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editing = editing
        self.member_id: str | None = editing.member_id if editing else None
        self.record: LegalCaseRecord | None = None
        self.setWindowTitle("编辑案件" if editing else "受理法律援助案件")
        self.setMinimumWidth(540)

        applicant = QWidget(self)
        box = QHBoxLayout(applicant)
        box.setContentsMargins(0, 0, 0, 0)
        self.is_member = QRadioButton("会员", applicant)
        self.non_member = QRadioButton("非会员", applicant)
        group = QButtonGroup(applicant)
        group.addButton(self.is_member)
        group.addButton(self.non_member)
        self.member_label = QLabel("（未选择会员）", applicant)
        box.addWidget(self.is_member)
        box.addWidget(self.non_member)
        box.addWidget(self.member_label, 1)
        self.picker = MemberPicker(ctx, self)
        self.picker.picked.connect(self.pick_member)
        member_cell = QWidget(self)
        column = QVBoxLayout(member_cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(applicant)
        column.addWidget(self.picker)

        self.editors: dict[str, QWidget] = {
            "member_id": member_cell,
            "applicant_name": QLineEdit(self),
            "applicant_phone": QLineEdit(self),
            "case_type": CodeCombo(LEGAL_CASE_TYPE, self, blank="（请选择）"),
            "intake_on": QLineEdit(self),
            "employer": QLineEdit(self),
            "handler": QLineEdit(self),
            "summary": QPlainTextEdit(self),
        }
        self.editors["summary"].setMinimumHeight(90)
        self.intake().setPlaceholderText("如 2026-11-21，留空为今天")
        self.messages, self.general = lay_out_form(self, LABELS, self.editors, self.save)
        self.is_member.toggled.connect(self._applicant_kind)
        if editing is not None:
            set_editor_value(self.editors["case_type"], editing.case_type)
            set_editor_value(self.editors["intake_on"], editing.intake_on)
            set_editor_value(self.editors["employer"], editing.employer)
            set_editor_value(self.editors["handler"], editing.handler)
            set_editor_value(self.editors["summary"], editing.summary)
            if editing.is_member:
                self.member_label.setText(editing.applicant_name)
            else:
                set_editor_value(self.editors["applicant_name"], editing.applicant_name)
                set_editor_value(self.editors["applicant_phone"], editing.applicant_phone)
        (self.is_member if self.member_id or editing is None else self.non_member).setChecked(True)
        self._applicant_kind()

    def intake(self) -> QLineEdit:
        editor = self.editors["intake_on"]
        assert isinstance(editor, QLineEdit)
        return editor

    def _applicant_kind(self) -> None:
        member = self.is_member.isChecked()
        self.picker.setVisible(member)
        self.member_label.setVisible(member)
        for key in ("applicant_name", "applicant_phone"):
            self.editors[key].setEnabled(not member)

    def pick_member(self, member_id: str) -> None:
        self.member_id = member_id
        self.member_label.setText(members.get(self.ctx.db, member_id).name)
        self.picker.reset()

    def values(self) -> dict[str, Any]:
        out = {key: editor_value(self.editors[key]) for key in LABELS if key != "member_id"}
        if self.is_member.isChecked():
            out["member_id"] = self.member_id
            out.pop("applicant_name")
            out.pop("applicant_phone")
            if self.member_id is None:
                out["applicant_name"] = None  # the service asks for a member or a name
        else:
            out["member_id"] = None
        if out.get("intake_on") is None:
            if self.editing is None:
                out.pop("intake_on")
        return out

    def save(self) -> None:
        for message in (*self.messages.values(), self.general):
            message.clear_message()
        try:
            if self.editing is None:
                self.record = cases.add_case(self.ctx.db, self.values())
            else:
                self.record = cases.update_case(self.ctx.db, self.editing.id, self.values())
        except UnionDeskError as exc:
            problems = exc.problems if isinstance(exc, ValidationError) else {}
            for field, text in (problems or {exc.field or "": exc.message}).items():
                if field == "applicant_name" and self.is_member.isChecked():
                    field = "member_id"  # no member picked: say so beside the search
                (self.messages.get(field) or self.general).show_error(text)
            return
        self.saved.emit(self.record)
        self.accept()
