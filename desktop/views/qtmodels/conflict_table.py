"""Open sync conflicts, the two values side by side (a handful of rows: loaded whole).

``load_conflicts`` asks the engine (which first closes conflicts later writes settled)
and words every row; the model only presents. ``ConflictRole`` gives the engine's
``ConflictView`` for resolving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.db import Database
from desktop.sync import conflicts
from desktop.sync.conflicts import ConflictView
from desktop.views.sync import labels

COL_TABLE = 0
COL_RECORD = 1
COL_FIELD = 2
COL_CURRENT = 3
COL_OTHER = 4
COL_DETECTED = 5

HEADERS = {
    COL_TABLE: "类别",
    COL_RECORD: "记录",
    COL_FIELD: "字段",
    COL_CURRENT: "当前值（来源）",
    COL_OTHER: "另一值（来源）",
    COL_DETECTED: "发现时间",
}

ConflictRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ConflictRow:
    conflict: ConflictView
    texts: tuple[str, ...]


def load_conflicts(db: Database) -> list[ConflictRow]:
    with db.connect() as conn:
        conflicts.refresh(conn)
        items = conflicts.list_open(conn)
    if not items:
        return []
    nodes = labels.NodeNames(db)
    union_names = labels.union_names(db)
    rows = []
    for c in items:
        current = labels.value_text(c.table, c.field, c.winner_value, union_names)
        other = labels.value_text(c.table, c.field, c.loser_value, union_names)
        rows.append(
            ConflictRow(
                c,
                (
                    labels.table_label(c.table),
                    labels.record_label(db, c.table, c.row_id),
                    labels.field_label(c.table, c.field),
                    f"{current}（{nodes(c.winner_node)}）",
                    f"{other}（{nodes(c.loser_node)}）",
                    labels.local_time(c.detected_at),
                ),
            )
        )
    return rows


class ConflictTableModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[ConflictRow] = load_conflicts(db)

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = load_conflicts(self._db)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        return None

    def conflict_at(self, row: int) -> ConflictView | None:
        return self._rows[row].conflict if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.texts[index.column()] if index.column() < len(row.texts) else None
        if role == ConflictRole:
            return row.conflict
        return None
