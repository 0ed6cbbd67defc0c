"""新增/编辑阵地: one 会, 站 or 家. The service validates; each refused field gets its
message in red right under it and nothing is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import SITE_KIND
from desktop.services import sites
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.sites.site_table import area_text
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form, set_editor_value

LABELS = {
    "kind": "阵地类别＊",
    "name": "阵地名称＊",
    "union_id": "所属工会",
    "address": "地址",
    "area_m2": "面积（平方米）",
    "seats": "座位数",
    "opening_hours": "开放时间",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "opened_on": "启用日期",
    "notes": "备注",
}
PLACEHOLDERS = {
    "name": "如 幸福路职工服务站",
    "area_m2": "如 120 或 85.5",
    "seats": "如 40",
    "opening_hours": "如 周一至周五 9:00–18:00",
    "opened_on": "YYYY-MM-DD",
}


class SiteDialog(QDialog):
    def __init__(
        self, ctx: AppContext, site_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site_id = site_id
        self.saved_id: str | None = None
        self._original: dict[str, Any] = {}
        self.setWindowTitle("编辑阵地" if site_id else "新增阵地")
        self.setMinimumWidth(520)

        self.editors: dict[str, QWidget] = {name: self._editor(name) for name in LABELS}
        self.errors, self.general_error = lay_out_form(self, LABELS, self.editors, self.save)

        if site_id:
            record = sites.get_site(ctx.db, site_id)
            for name in LABELS:
                value = getattr(record, name)
                self._set(name, area_text(value).replace(",", "") if name == "area_m2" else value)
            self._original = self.values()

    def _editor(self, name: str) -> QWidget:
        if name == "kind":
            kind = CodeCombo(SITE_KIND, self, blank=None)
            kind.set_code("station")
            return kind
        if name == "union_id":
            combo = QComboBox(self)
            combo.addItem("（不指定）", None)
            for u in unions.list_all(self.ctx.db):
                combo.addItem(u.name, u.id)
            return combo
        if name == "notes":
            notes = QPlainTextEdit(self)
            notes.setFixedHeight(60)
            return notes
        edit = QLineEdit(self)
        edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
        return edit

    def _set(self, name: str, value: Any) -> None:
        set_editor_value(self.editors[name], value)

    def line(self, name: str) -> QLineEdit:
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        return editor

    def values(self) -> dict[str, Any]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def clear_messages(self) -> None:
        for message in (self.general_error, *self.errors.values()):
            message.clear_message()

    def save(self) -> None:
        self.clear_messages()
        current = self.values()
        try:
            if self.site_id is None:
                rest = {k: v for k, v in current.items() if k not in ("kind", "name")}
                record = sites.add_site(
                    self.ctx.db, current["kind"] or "", current["name"] or "", **rest
                )
            else:
                changes = {k: v for k, v in current.items() if v != self._original.get(k)}
                if "name" in changes and changes["name"] is None:
                    changes["name"] = ""
                record = sites.update_site(self.ctx.db, self.site_id, **changes)
        except UnionDeskError as exc:
            self.show_problems(exc)
            return
        self.saved_id = record.id
        self.accept()

    def show_problems(self, exc: UnionDeskError) -> None:
        problems = exc.problems if isinstance(exc, ValidationError) else {}
        placed = False
        for field, text in problems.items():
            if field in self.errors:
                self.errors[field].show_error(text)
                self.editors[field].setFocus()
                placed = True
        if not placed:
            self.general_error.show_error(exc.message)
