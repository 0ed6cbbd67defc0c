"""新增活动 / 编辑活动: the activity form. The service validates; each refused field gets
its message in red right under it and nothing is written. Given a record, the form
opens filled in and 保存 updates that activity (a mistyped one is corrected, not kept)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError, ValidationError
from desktop.services import activities, sites
from desktop.services.activities import ActivityRecord, categories
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage

# Service field → (label, field the message sits under).
LABELS = {
    "title": "活动名称",
    "category": "服务类别",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "site_id": "活动阵地",
    "organiser": "组织者",
    "budget": "预算（元）",
    "spent": "实际支出（元）",
    "description": "活动简介",
}
# The service reports amounts under these names.
ALIASES = {"budget_fen": "budget", "spent_fen": "spent"}


class ActivityDialog(QDialog):
    saved = Signal(object)  # ActivityRecord

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        editing: ActivityRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editing = editing
        self.setWindowTitle("编辑活动" if editing else "新增活动")
        self.setMinimumWidth(520)
        self.record: ActivityRecord | None = None

        now = clock.current().now().replace(minute=0, second=0, microsecond=0)
        self.editors: dict[str, QWidget] = {
            "title": QLineEdit(self),
            "category": QComboBox(self),
            "starts_at": QLineEdit(f"{now:%Y-%m-%d %H:%M}", self),
            "ends_at": QLineEdit(f"{now.replace(hour=min(now.hour + 2, 23)):%Y-%m-%d %H:%M}", self),
            "site_id": QComboBox(self),
            "organiser": QLineEdit(self),
            "budget": QLineEdit(self),
            "spent": QLineEdit(self),
            "description": QPlainTextEdit(self),
        }
        description = self.editors["description"]
        assert isinstance(description, QPlainTextEdit)
        description.setTabChangesFocus(True)  # Tab moves on, as in every other field
        category = self.editors["category"]
        assert isinstance(category, QComboBox)
        for c in categories.list_categories(ctx.db):
            category.addItem(c.name + ("（必选项目）" if c.fixed else ""), c.code)
        site = self.editors["site_id"]
        assert isinstance(site, QComboBox)
        site.addItem("（不指定）", None)
        for s in sites.list_sites(ctx.db):
            site.addItem(s.name, s.id)
        for key in ("starts_at", "ends_at"):
            self.line(key).setPlaceholderText("如 2026-11-21 14:30")
        self.line("budget").setPlaceholderText("如 2000 或 1500.50")
        description = self.editors["description"]
        assert isinstance(description, QPlainTextEdit)
        description.setFixedHeight(80)

        self.messages = {key: FieldMessage(self, one_line=True) for key in self.editors}
        for key, editor in self.editors.items():
            self.messages[key].clear_when_edited(editor)
        self.general = FieldMessage(self)
        form = QFormLayout()
        for key, editor in self.editors.items():
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(self.messages[key])
            form.addRow(LABELS[key], box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        if editing is not None:
            self.fill(editing)

    def fill(self, record: ActivityRecord) -> None:
        """The form as the activity is now (amounts in 元, times to the minute)."""
        texts = {
            "title": record.title,
            "starts_at": f"{record.starts_at:%Y-%m-%d %H:%M}",
            "ends_at": f"{record.ends_at:%Y-%m-%d %H:%M}",
            "organiser": record.organiser or "",
            "budget": _yuan(record.budget_fen),
            "spent": _yuan(record.spent_fen),
        }
        for key, value in texts.items():
            self.line(key).setText(value)
        # A category retired or a site deleted since stays the activity's own: offered
        # here as it is, never silently replaced by the list's first entry.
        for key, data, missing in (
            ("category", record.category, f"{record.category_name}（已停用）"),
            ("site_id", record.site_id, f"{record.site_name or '阵地'}（已删除）"),
        ):
            combo = self.editors[key]
            assert isinstance(combo, QComboBox)
            if data is not None and combo.findData(data) < 0:
                combo.addItem(missing, data)
            combo.setCurrentIndex(max(combo.findData(data), 0))
        description = self.editors["description"]
        assert isinstance(description, QPlainTextEdit)
        description.setPlainText(record.description or "")

    def line(self, key: str) -> QLineEdit:
        editor = self.editors[key]
        assert isinstance(editor, QLineEdit)
        return editor

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QLineEdit):
                out[key] = editor.text()
            elif isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            elif isinstance(editor, QPlainTextEdit):
                out[key] = editor.toPlainText()
        return out

    def clear_messages(self) -> None:
        for message in (*self.messages.values(), self.general):
            message.clear_message()

    def show_problems(self, exc: UnionDeskError) -> None:
        problems = exc.problems if isinstance(exc, ValidationError) else {}
        if not problems:
            problems = {exc.field or "": exc.message}
        for field, text in problems.items():
            key = ALIASES.get(field, field)
            (self.messages.get(key) or self.general).show_error(text)
        first = next(
            (ALIASES.get(f, f) for f in problems if ALIASES.get(f, f) in self.editors), None
        )
        if first:
            self.editors[first].setFocus()

    def save(self) -> None:
        self.clear_messages()
        try:
            if self.editing is None:
                self.record = activities.add(self.ctx.db, self.values())
            else:
                self.record = activities.update(self.ctx.db, self.editing.id, self.values())
        except UnionDeskError as exc:
            self.show_problems(exc)
            return
        self.saved.emit(self.record)
        self.accept()


def _yuan(fen: int | None) -> str:
    """1500 元 as "1500", 1500.5 元 as "1500.50"; empty when not recorded."""
    if fen is None:
        return ""
    whole, cents = divmod(fen, 100)
    return str(whole) if cents == 0 else f"{whole}.{cents:02d}"
