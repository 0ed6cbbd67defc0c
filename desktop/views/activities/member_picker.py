"""按姓名查找会员签到: a member without a card (forgotten, not yet issued) is found by
name, pinyin, ID tail, phone fragment or card number and picked from a short list.

The list shows masked phones only (the search rows never carry the full number). Enter
in the search box picks the only match; with several, it moves to the list, where Enter
or a double-click picks the highlighted one, so a second 张三 is never checked in by
accident."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberRow
from desktop.views.context import AppContext
from desktop.views.widgets.search_box import SearchBox

RESULT_LIMIT = 20
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def describe(row: MemberRow) -> str:
    """One line per match: enough to tell two people of the same name apart."""
    parts = [row.name, row.phone_masked, row.card_no or "（无会员证号）", row.union_name]
    if not member_queries.is_current(row.membership_status):
        parts.append(f"（{MEMBERSHIP_STATUS.label(row.membership_status)}）")
    return "  ".join(p for p in parts if p)


class MemberMatchModel(QAbstractListModel):
    """The matches of one search; the member's id under ``ID_ROLE``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[MemberRow] = []

    def set_rows(self, rows: list[MemberRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return describe(row)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and not member_queries.is_current(
            row.membership_status
        ):
            return Qt.GlobalColor.gray
        return None


class MemberPicker(QWidget):
    """Search box over a list of matches; emits ``picked(member_id)``."""

    picked = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = SearchBox(self)
        self.search.setPlaceholderText("输入姓名、拼音、身份证后四位、手机号或会员证号查找会员")
        self.model = MemberMatchModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMaximumHeight(110)
        self.view.hide()
        self.empty = QLabel("没有找到符合条件的会员", self)
        self.empty.setStyleSheet("color: #555555;")
        self.empty.hide()
        # Enter with several matches says what to do next (it used to look like nothing).
        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: #1e88e5;")
        self.hint.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        layout.addWidget(self.hint)

        self.search.search_changed.connect(self.run_search)
        # After SearchBox's own returnPressed → flush, so the matches are current.
        self.search.returnPressed.connect(self._enter_in_box)
        self.view.doubleClicked.connect(self._pick_index)
        self.view.installEventFilter(self)

    def run_search(self, query: str) -> None:
        """Look up now; the search index answers in milliseconds even at a million rows."""
        rows: list[MemberRow] = []
        if query:
            rows = member_queries.search_members(self.ctx.db, query, RESULT_LIMIT)
        self.model.set_rows(rows)
        self.hint.hide()
        self.view.setVisible(bool(rows))
        self.empty.setVisible(bool(query) and not rows)
        if rows:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def reset(self) -> None:
        """Ready for the next person: empty box, no list."""
        self.search.clear()
        self.search.flush()

    def _enter_in_box(self) -> None:
        if self.model.rowCount() == 1:
            self._pick_index(self.model.index(0, 0))
        elif self.model.rowCount() > 1:
            self.hint.setText(
                f"找到 {self.model.rowCount()} 名会员：请用 ↑↓ 选中要签到的人，再按回车（或双击）。"
            )
            self.hint.show()
            self.view.setFocus()

    def _pick_index(self, index: Index) -> None:
        member_id = index.data(ID_ROLE) if index.isValid() else None
        if member_id:
            self.hint.hide()
            self.picked.emit(str(member_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._pick_index(self.view.currentIndex())
            return True
        return super().eventFilter(watched, event)
