"""新增/编辑社会化工会工作者: contract period and assigned site. A worker who leaves is
marked 已离职 here (a status, not a delete), so the history of who served where stays."""

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
from desktop.models.codes import GENDER, WORKER_STATUS
from desktop.services import sites
from desktop.services.sites import WorkerRecord
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.form_dialog import editor_value, lay_out_form, set_editor_value

LABELS = {
    "name": "姓名＊",
    "gender": "性别",
    "phone": "手机号",
    "site_id": "服务阵地",
    "position": "岗位",
    "contract_start": "合同开始日期",
    "contract_end": "合同结束日期",
    "status": "在岗状态",
    "notes": "备注",
}


class WorkerDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        worker: WorkerRecord | None = None,
        *,
        site_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.worker = worker
        self.saved_id: str | None = None
        self._original: dict[str, Any] = {}
        self.setWindowTitle("编辑工会工作者" if worker else "新增工会工作者")
        self.setMinimumWidth(460)

        self.editors: dict[str, QWidget] = {name: self._editor(name) for name in LABELS}
        self.errors, self.general_error = lay_out_form(self, LABELS, self.editors, self.save)

        if worker is not None:
            for name in LABELS:
                self._set(name, getattr(worker, name))
            self._original = self.values()
        else:
            self._set("site_id", site_id)

    def _editor(self, name: str) -> QWidget:
        if name == "gender":
            return CodeCombo(GENDER, self)
        if name == "status":
            status = CodeCombo(WORKER_STATUS, self, blank=None)
            status.set_code("active")
            return status
        if name == "site_id":
            combo = QComboBox(self)
            combo.addItem("（未分配）", None)
            for s in sites.list_sites(self.ctx.db):
                combo.addItem(f"{s.name}（{s.kind_label}）", s.id)
            return combo
        if name == "notes":
            notes = QPlainTextEdit(self)
            notes.setFixedHeight(56)
            return notes
        edit = QLineEdit(self)
        if name.startswith("contract_"):
            edit.setPlaceholderText("YYYY-MM-DD")
        elif name == "phone":
            edit.setPlaceholderText("11 位手机号")
            edit.setMaxLength(20)
        return edit

    def _set(self, name: str, value: Any) -> None:
        set_editor_value(self.editors[name], value)

    def line(self, name: str) -> QLineEdit:
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        return editor

    def values(self) -> dict[str, Any]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def save(self) -> None:
        for message in (self.general_error, *self.errors.values()):
            message.clear_message()
        current = self.values()
        try:
            if self.worker is None:
                rest = {k: v for k, v in current.items() if k != "name"}
                record = sites.add_worker(self.ctx.db, current["name"] or "", **rest)
            else:
                changes = {k: v for k, v in current.items() if v != self._original.get(k)}
                if "name" in changes and changes["name"] is None:
                    changes["name"] = ""
                record = sites.update_worker(self.ctx.db, self.worker.id, **changes)
        except UnionDeskError as exc:
            problems = exc.problems if isinstance(exc, ValidationError) else {}
            placed = [f for f in problems if f in self.errors]
            for field in placed:
                self.errors[field].show_error(problems[field])
            if placed:
                self.editors[placed[0]].setFocus()
            else:
                self.general_error.show_error(exc.message)
            return
        self.saved_id = record.id
        self.accept()
