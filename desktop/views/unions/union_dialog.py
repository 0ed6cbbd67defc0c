"""Register or edit a 基层工会; the credit code is checked as it is typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import INDUSTRY, OWNERSHIP
from desktop.models.validation import check_credit_code
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage

LABELS = {
    "name": "工会名称＊",
    "employer": "单位名称",
    "credit_code": "统一社会信用代码",
    "industry": "行业",
    "ownership": "单位类别",
    "address": "地址",
    "founded_on": "成立日期",
    "chair": "工会主席",
    "employee_count": "职工人数",
    "notes": "备注",
}


class UnionDialog(QDialog):
    def __init__(
        self, ctx: AppContext, union_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.union_id = union_id
        self.saved_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, FieldMessage] = {}
        self._original: dict[str, Any] = {}
        self.setWindowTitle("编辑工会" if union_id else "新增基层工会")
        outer = QVBoxLayout(self)
        self.general_error = FieldMessage(self)
        outer.addWidget(self.general_error)
        form = QFormLayout()
        outer.addLayout(form)
        for name in unions.EDITABLE:
            editor = self._editor(name)
            error = FieldMessage(self, one_line=True)
            error.clear_when_edited(editor)
            self.editors[name], self.errors[name] = editor, error
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(editor)
            cell.addWidget(error)
            form.addRow(LABELS.get(name, name), cell)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        credit = self.editors["credit_code"]
        assert isinstance(credit, QLineEdit)
        credit.textChanged.connect(self._check_credit_code)
        self.setMinimumWidth(520)
        if union_id:
            record = unions.get(ctx.db, union_id)
            for name in unions.EDITABLE:
                self._set(name, getattr(record, name))
            self._original = self.values()

    def _editor(self, name: str) -> QWidget:
        if name == "industry":
            return CodeCombo(INDUSTRY, self)
        if name == "ownership":
            return CodeCombo(OWNERSHIP, self)
        if name == "notes":
            notes = QPlainTextEdit(self)
            notes.setFixedHeight(60)
            notes.setTabChangesFocus(True)  # Tab moves on, as in every other field
            return notes
        edit = QLineEdit(self)
        if name == "founded_on":
            edit.setPlaceholderText("YYYY-MM-DD")
        elif name == "credit_code":
            edit.setPlaceholderText("18 位，如 91440300MA5XXXXXXX")
            edit.setMaxLength(20)
        return edit

    def _set(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        if isinstance(editor, CodeCombo):
            editor.set_code(value)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value or "")
        elif isinstance(editor, QLineEdit):
            if isinstance(value, date):
                value = value.isoformat()
            editor.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, CodeCombo):
                out[name] = editor.code()
            elif isinstance(editor, QPlainTextEdit):
                out[name] = editor.toPlainText().strip() or None
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text().strip() or None
        return out

    def _check_credit_code(self, text: str) -> None:
        message = self.errors["credit_code"]
        if len(text.strip()) < 18:
            message.clear_message()
            return
        try:
            check_credit_code(text)
        except ValidationError as exc:
            message.show_error(exc.message)
        else:
            message.clear_message()

    def save(self) -> None:
        for m in (self.general_error, *self.errors.values()):
            m.clear_message()
        current = self.values()
        try:
            if self.union_id is None:
                values = {k: v for k, v in current.items() if k != "name"}
                record = unions.add(self.ctx.db, current["name"] or "", **values)
            else:
                changes = {k: v for k, v in current.items() if v != self._original.get(k)}
                if "name" in changes and changes["name"] is None:
                    changes["name"] = ""
                record = unions.update(self.ctx.db, self.union_id, **changes)
        except ValidationError as exc:
            placed = False
            for field, text in exc.problems.items():
                if field in self.errors:
                    self.errors[field].show_error(text)
                    placed = True
            if not placed:
                self.general_error.show_error(exc.message)
            return
        except UnionDeskError as exc:
            self.general_error.show_error(exc.message)
            return
        self.saved_id = record.id
        self.ctx.changed("unions")
        self.accept()
