"""荣誉称号: the editable list — add a title (personal or team), retire or restore one.
Retired titles still label the honours already given."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.honours import titles
from desktop.views.context import AppContext
from desktop.views.widgets.field_error import FieldMessage

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class TitlesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self.setWindowTitle("荣誉称号")
        self.setMinimumWidth(420)
        self.list = QListWidget(self)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("新称号名称，如 巾帼文明岗")
        self.team = QCheckBox("集体荣誉", self)
        self.add_button = QPushButton("添加", self)
        self.toggle_button = QPushButton("停用/启用", self)
        self.message = FieldMessage(self)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.team)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.toggle_button)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add_title)
        self.toggle_button.clicked.connect(self.toggle)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for t in titles.list_titles(self.ctx.db, include_inactive=True):
            text = t.name + ("（集体）" if t.team else "") + ("" if t.active else "（已停用）")
            item = QListWidgetItem(text)
            item.setData(CODE_ROLE, (t.code, t.active))
            self.list.addItem(item)

    def add_title(self) -> None:
        self.message.clear_message()
        try:
            added = titles.add_title(self.ctx.db, self.name.text(), team=self.team.isChecked())
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.name.clear()
        self.changed = True
        self.reload()
        self.message.show_hint(f"已添加「{added.name}」")

    def toggle(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        code, active = item.data(CODE_ROLE)
        titles.set_active(self.ctx.db, str(code), not active)
        self.changed = True
        self.reload()
