"""Open sync conflicts, the two values side by side (a handful of rows: loaded whole).

``load_conflicts`` asks the engine (which first closes conflicts later writes settled)
and words every row; the model only presents. ``ConflictRole`` gives the engine's
``ConflictView`` for resolving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from desktop.sync import office
from desktop.sync.office import ConflictView
from desktop.views.qtmodels.loaded_table import Index, LoadedTableModel
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


@dataclass(frozen=True)
class ConflictRow:
    conflict: ConflictView
    texts: tuple[str, ...]

    @property
    def id(self) -> str:
        return str(self.conflict.id)


def load_conflicts(db: Database) -> list[ConflictRow]:
    items = office.open_conflicts(db)
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


class ConflictTableModel(LoadedTableModel[ConflictRow]):
    headers = HEADERS

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.refresh()

    def _load(self) -> list[ConflictRow]:
        return load_conflicts(self._db)

    def conflict_at(self, row: int) -> ConflictView | None:
        found = self.record_at(row)
        return None if found is None else found.conflict

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_of(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.texts[index.column()] if index.column() < len(row.texts) else None
        if role == ConflictRole:
            return row.conflict
        return None
