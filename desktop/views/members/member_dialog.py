"""Add or edit one member: a form built from MEMBER_FIELDS with inline messages.

Every rule is the service's: on 保存 the dialog hands the values to ``members.add`` or
``members.update`` and puts each message of ``ValidationError.problems`` in red under
its field; nothing is written until the service accepts. The full ID number and phone
appear only here, never in the table.

Two clerks at once (issue #25): an edit keeps the record it loaded (its version and
values) and saves with it; when another clerk saved first the service refuses with the
differences, and ``ConflictDialog`` lets the clerk reload theirs, save anyway over it,
or go back to editing — never a silent overwrite.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import EditConflictError, NotFoundError, UnionDeskError, ValidationError
from desktop.models.codes import GENDER, RURAL_HUKOU
from desktop.models.member_fields import MEMBER_FIELDS, FieldSpec
from desktop.models.validation import check_id_number, clean_id_number
from desktop.services.members import photos, status_rules
from desktop.services.members import registry as members
from desktop.services.members.registry import MemberRecord
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.members import conflict_dialog
from desktop.views.members.photo_box import PhotoBox
from desktop.views.widgets import messages
from desktop.views.widgets.code_combo import CodeCombo
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import tab_in_order

_WIDE = {"notes", "employer"}


class MemberDialog(QDialog):
    """``MemberDialog(ctx)`` registers a member; ``MemberDialog(ctx, member_id)`` edits one."""

    def __init__(
        self, ctx: AppContext, member_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.saved_id: str | None = None
        self.warnings: tuple[str, ...] = ()
        self._original: dict[str, Any] = {}
        self._record: MemberRecord | None = None  # what an edit is based on (its version)
        self.conflict: conflict_dialog.ConflictDialog | None = None  # open while shown
        self._pristine: dict[str, Any] | None = None  # the values when first shown
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, FieldMessage] = {}
        self.setWindowTitle("编辑会员" if member_id else "新增会员")
        self._build()
        if member_id:
            self._load(members.get(ctx.db, member_id))
        else:
            status = self.editors["membership_status"]
            assert isinstance(status, CodeCombo)
            status.set_code("active")
            self._original = {}

    # ---- building --------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.general_error = FieldMessage(self)
        outer.addWidget(self.general_error)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        beside = QHBoxLayout()
        beside.addLayout(grid, 1)
        self.photo_box = PhotoBox(self)
        beside.addWidget(self.photo_box, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(beside)
        row, col = 0, 0
        for spec in MEMBER_FIELDS:
            editor = self._editor(spec)
            self.editors[spec.name] = editor
            error = FieldMessage(self, one_line=True)
            error.clear_when_edited(editor)
            self.errors[spec.name] = error
            label = QLabel(spec.label + ("＊" if spec.required else ""), self)
            label.setBuddy(editor)
            # Level with its editor, not centred on the editor and its message lines.
            label.setMinimumHeight(min(editor.sizeHint().height(), editor.maximumHeight()))
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(editor)
            if spec.kind == "id_number":
                self.derived = FieldMessage(self, one_line=True)
                cell.addWidget(self.derived)
            cell.addWidget(error)
            if spec.name in _WIDE:
                if col:
                    row, col = row + 1, 0
                grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addLayout(cell, row, 1, 1, 3, Qt.AlignmentFlag.AlignTop)
                row += 1
                continue
            grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(cell, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)
            row, col = (row, 1) if col == 0 else (row + 1, 0)
        for column in (1, 3):
            grid.setColumnStretch(column, 1)
            grid.setColumnMinimumWidth(column, 280)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        if not acting.current().may(acting.WRITE):  # a read-only account (the guard refuses too)
            self.save_button.setEnabled(False)
            self.save_button.setToolTip("只读账号不能修改数据")
        outer.addWidget(buttons)
        # the form row by row, then the photo beside it, then 保存/取消
        tab_in_order(*self.editors.values(), self.photo_box, *buttons.buttons())
        id_edit = self.editors["id_number"]
        assert isinstance(id_edit, QLineEdit)
        id_edit.textChanged.connect(self._show_derived)
        if not self.member_id:
            hukou = self.editors["hukou_type"]
            assert isinstance(hukou, CodeCombo)
            hukou.currentIndexChanged.connect(self._suggest_migrant)
        self.setMinimumWidth(760)

    def _editor(self, spec: FieldSpec) -> QWidget:
        if spec.name == "membership_status":
            # what the service lets this form set: leaving is 会员离会 or a transfer out
            return CodeCombo(status_rules.edit_statuses(None), self)
        if spec.kind == "code":
            assert spec.codes is not None
            return CodeCombo(spec.codes, self)
        if spec.kind == "union":
            combo = QComboBox(self)
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.addItem("（请选择）", None)
            for u in unions.list_all(self.ctx.db):
                combo.addItem(u.name, u.id)
            return combo
        if spec.kind == "bool":
            return QCheckBox("是", self)
        if spec.name == "notes":
            notes = QPlainTextEdit(self)
            notes.setFixedHeight(60)
            notes.setTabChangesFocus(True)  # Tab moves on, as in every other field
            return notes
        edit = QLineEdit(self)
        if spec.kind == "date":
            edit.setPlaceholderText("如 2019-03-05（只写年月则按 1 日记录）")
        elif spec.kind == "id_number":
            edit.setPlaceholderText("18 位公民身份号码（15 位旧号码自动转换）")
            edit.setMaxLength(24)  # room for pasted hyphens or blanks, which are removed
        elif spec.kind == "phone":
            edit.setPlaceholderText("11 位手机号")
        elif spec.name == "card_no" and not self.member_id:
            edit.setPlaceholderText("留空则自动发放")
        return edit

    # ---- values ----------------------------------------------------------------------

    def _load(self, record: MemberRecord) -> None:
        self._take(record)
        if record.photo:
            self.photo_box.load(photos.photo_of(self.ctx.db, record.id), has_ref=True)

    def _take(self, record: MemberRecord) -> None:
        """Fill the fields from ``record`` and base the next save on it (its version)."""
        self._offer_union(record.union_id)
        self._offer_status(record.membership_status)
        for spec in MEMBER_FIELDS:
            self.set_value(spec.name, getattr(record, spec.name))
        self._original = self.values()
        self._record = record

    def _offer_status(self, stored: str) -> None:
        """A member who left shows the status as it is (kept unless changed to one the
        form may set: 在会 is a return); the others are never offered here."""
        combo = self.editors["membership_status"]
        if isinstance(combo, CodeCombo) and combo.findData(stored) < 0:
            for code, label in status_rules.edit_statuses(stored):
                if code == stored:
                    combo.addItem(label, code)

    def _offer_union(self, union_id: str | None) -> None:
        """A member of another federation's union (an upper office holds its
        sub-federations' members): the box offers that union too, named with its
        federation, so the record can be corrected here; new members get own unions only.
        The edit travels to the owning office as any change does (docs/HUB.md)."""
        combo = self.editors["union_id"]
        if not isinstance(combo, QComboBox) or not union_id or combo.findData(union_id) >= 0:
            return
        try:
            record = unions.get(self.ctx.db, union_id)
        except NotFoundError:
            return
        combo.addItem(f"{record.name}（{record.federation_name}）", record.id)

    def set_value(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        if isinstance(editor, CodeCombo):
            editor.set_code(value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value or "")
        elif isinstance(editor, QLineEdit):
            editor.setText(value.isoformat() if isinstance(value, date) else (value or ""))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, CodeCombo):
                out[name] = editor.code()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QPlainTextEdit):
                out[name] = editor.toPlainText().strip() or None
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text().strip() or None
        return out

    def _suggest_migrant(self) -> None:
        hukou, migrant = self.editors["hukou_type"], self.editors["is_migrant_worker"]
        assert isinstance(hukou, CodeCombo) and isinstance(migrant, QCheckBox)
        migrant.setChecked(hukou.code() in RURAL_HUKOU)

    def _show_derived(self, text: str) -> None:
        self.errors["id_number"].clear_message()
        raw = clean_id_number(text)  # hyphens, blanks, a pasted apostrophe, as the CLI
        if len(raw) < 18 and not (len(raw) == 15 and raw.isdigit()):
            self.derived.clear_message()
            return
        try:
            info = check_id_number(raw)
        except ValidationError as exc:
            self.derived.clear_message()
            self.errors["id_number"].show_error(exc.message)
            return
        derived = f"出生日期 {info.birth_date.isoformat()}　性别 {GENDER.label(info.gender)}"
        if info.warning:
            self.derived.show_warning(f"{derived}　⚠ {info.warning}")
        else:
            self.derived.show_hint(derived)

    # ---- leaving without saving ------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        if self._pristine is None:  # what the page filled in counts as untouched
            self._pristine = self.values()
        super().showEvent(event)

    def has_unsaved_changes(self) -> bool:
        return (
            self._pristine is not None and self.values() != self._pristine
        ) or self.photo_box.has_changes()

    def reject(self) -> None:
        """Esc, 取消 or the close box: ask before throwing typed data away."""
        if self.has_unsaved_changes() and not messages.confirm(
            self,
            "放弃未保存的修改？",
            "放弃未保存的修改？\n\n已填写的内容尚未保存，放弃后将不会登记。",
            yes="放弃修改",
            no="继续编辑",
        ):
            return
        super().reject()

    # ---- saving ----------------------------------------------------------------------

    def clear_messages(self) -> None:
        self.general_error.clear_message()
        for message in self.errors.values():
            message.clear_message()

    def show_problems(self, exc: ValidationError) -> None:
        self.clear_messages()
        unplaced = []
        for field, text in (exc.problems or {"": exc.message}).items():
            if field in self.errors:
                self.errors[field].show_error(text)
            else:
                unplaced.append(text)
        if unplaced:
            self.general_error.show_error("；".join(unplaced))
        # Messages wrap onto extra lines: let the dialog grow rather than clip them.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        first = next((f for f in exc.problems if f in self.editors), None)
        if first:
            self.editors[first].setFocus()

    def save(self) -> None:
        current = self.values()
        try:
            if self.member_id is None:
                record, self.warnings = members.add(self.ctx.db, current)
            else:
                changes = {k: v for k, v in current.items() if v != self._original.get(k)}
                seen = None if self._record is None else self._record.seen()
                record, self.warnings = members.update(
                    self.ctx.db, self.member_id, changes, seen=seen
                )
        except ValidationError as exc:
            self.show_problems(exc)
            return
        except EditConflictError as exc:
            self.clear_messages()
            self.general_error.show_error(exc.message)
            self._show_conflict(exc)
            return
        except UnionDeskError as exc:
            self.clear_messages()
            self.general_error.show_error(exc.message)
            return
        self.saved_id = record.id
        try:
            self.photo_box.apply(self.ctx.db, record.id)
        except UnionDeskError as exc:  # checked when chosen: only a failing disk gets here
            self.member_id, self._original, self._record = record.id, self.values(), record
            self.general_error.show_error(f"会员已保存，但照片未保存：{exc.message}")
            self.ctx.changed("members")
            return
        self.ctx.changed("members")
        if self.warnings:
            messages.inform(self, "已保存，请核对", "\n".join(self.warnings))
        self.accept()

    # ---- another clerk saved first (issue #25) ---------------------------------------

    def _show_conflict(self, error: EditConflictError) -> None:
        """The differences and the three choices, window-modal (``open``: a test or the
        clerk answers it while this dialog waits; no nested event loop)."""
        self.conflict = conflict_dialog.ConflictDialog(error, self)
        self.conflict.chosen.connect(self._resolve)
        self.conflict.open()

    def _resolve(self, choice: str) -> None:
        self.conflict = None
        assert self.member_id is not None
        if choice == conflict_dialog.RELOAD:
            if not messages.confirm(
                self,
                "放弃您填写的内容？",
                "重新载入将显示对方保存的内容，您在此窗口中填写的修改将不再保留。",
                yes="重新载入",
                no="返回编辑",
            ):
                return
            self._take(members.get(self.ctx.db, self.member_id))
            self._pristine = self.values()
            self.clear_messages()
            self.general_error.show_hint("已载入对方保存的内容，可继续编辑。")
        elif choice == conflict_dialog.SAVE_ANYWAY:
            typed = self.values()
            self._take(members.get(self.ctx.db, self.member_id))  # their version, as base
            for name, value in typed.items():
                self.set_value(name, value)
            self.save()
        # CANCEL: back to editing, the typing kept and the refusal shown above
