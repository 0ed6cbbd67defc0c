"""服务类别（3+N）: the clerk edits the N list here; the 3 fixed ones are shown, never edited.

Every change goes through ``desktop.services.activities.categories`` (the CLI calls the same
functions) and is announced with ``ctx.changed("categories")`` so the activity dialog and
the 会站家 service-log form offer the new list. Names are asked through ``ask_name`` and
refusals shown through ``views.widgets.messages``: both are seams tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.services.activities import categories
from desktop.services.activities.categories import CategoryRecord
from desktop.storage.database import Database
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.tables import select_row

COL_NAME, COL_KIND, COL_STATE = range(3)
HEADERS = ("类别名称", "类型", "状态")
ROLE_RECORD = Qt.ItemDataRole.UserRole + 1
FIXED_TIP = "困难帮扶、法律援助、文体健康是固定的 3 类服务，不能重命名或停用"
PICK_TIP = "请先在列表中选择一个服务类别"
RETIRED_COLOUR = QColor("#9e9e9e")

_Index = QModelIndex | QPersistentModelIndex


def ask_name(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """The one place a name is typed in (tests monkeypatch it); ``None`` when cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


class CategoryTableModel(QAbstractTableModel):
    """Every category, retired ones too (greyed), fixed first in the service's order."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.rows: list[CategoryRecord] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = categories.list_categories(self.db, include_inactive=True)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        cat = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return cat.name
            if col == COL_KIND:
                return "固定" if cat.fixed else "自定"
            if col == COL_STATE:
                return "启用" if cat.active else "停用"
        if role == ROLE_RECORD:
            return cat
        if role == Qt.ItemDataRole.ForegroundRole and not cat.active:
            return QBrush(RETIRED_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and cat.fixed:
            return FIXED_TIP
        return None

    def record_at(self, row: int) -> CategoryRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, code: str) -> int:
        return next((i for i, c in enumerate(self.rows) if c.code == code), -1)


class CategoriesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("服务类别（3+N）")
        self.setMinimumSize(460, 420)

        self.model = CategoryTableModel(ctx.db, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_KIND, COL_STATE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        note = QLabel(
            "困难帮扶、法律援助、文体健康为固定的 3 类服务；其余为本单位自定的 N 类，"
            "可新增、重命名或停用。停用后新活动不再可选，已有记录保留原类别。",
            self,
        )
        note.setWordWrap(True)
        self.add_button = QPushButton("新增…", self)
        self.rename_button = QPushButton("重命名…", self)
        self.toggle_button = QPushButton("停用", self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)

        self.add_button.clicked.connect(self.add_category)
        self.rename_button.clicked.connect(self.rename_category)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.table.doubleClicked.connect(lambda _i: self.rename_category())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # ---- selection -------------------------------------------------------------------

    def selected(self) -> CategoryRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def select_code(self, code: str) -> None:
        row = self.model.row_of(code)
        if row < 0:
            return
        select_row(self.table, row)

    def _update_buttons(self) -> None:
        cat = self.selected()
        editable = cat is not None and not cat.fixed
        self.toggle_button.setText("启用" if cat is not None and not cat.active else "停用")
        tip = PICK_TIP if cat is None else FIXED_TIP if cat.fixed else ""
        for button in (self.rename_button, self.toggle_button):
            button.setEnabled(editable)
            button.setToolTip(tip)

    # ---- actions ---------------------------------------------------------------------

    def add_category(self) -> None:
        name = ask_name(self, "新增服务类别", "类别名称（如 职工技能竞赛）：")
        if name is None:
            return
        self._apply(lambda: categories.add_category(self.ctx.db, name))

    def rename_category(self) -> None:
        cat = self.selected()
        if cat is None or cat.fixed:
            return
        name = ask_name(self, "重命名服务类别", f"「{cat.name}」的新名称：", cat.name)
        if name is None:
            return
        code = cat.code
        self._apply(lambda: categories.rename_category(self.ctx.db, code, name))

    def toggle_active(self) -> None:
        cat = self.selected()
        if cat is None or cat.fixed:
            return
        code, active = cat.code, not cat.active
        self._apply(lambda: categories.set_active(self.ctx.db, code, active))

    def _apply(self, change: Callable[[], CategoryRecord]) -> None:
        """Run one service call; on refusal say why, on success reload and tell the app."""
        try:
            record = change()
        except UnionDeskError as exc:
            messages.warn(self, "服务类别", exc.message)
            return
        self.model.refresh()
        self.select_code(record.code)
        self._update_buttons()
        self.ctx.changed("categories")
