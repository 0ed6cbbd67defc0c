"""Small pieces the 会站家 panels share: how a list table looks and how stars read."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.models.codes import STAR_LEVELS
from desktop.views.widgets.tables import RecordTable

STAR_NAMES = dict(STAR_LEVELS)
OK_STYLE = "color: #2e7d32;"


def star_text(level: int | None) -> str:
    """三星 ★★★ — the name a clerk says and the stars a glance reads; 未评定 if none."""
    if not level:
        return "未评定"
    return f"{STAR_NAMES.get(level, f'{level}星')} {'★' * level}"


def item_title(title: str, is_bonus: bool) -> str:
    """The item as listed, marked 加分项 unless its title already says so."""
    return title if not is_bonus or "加分" in title else f"{title}（加分项）"


def list_table(
    model: QAbstractItemModel, parent: QWidget | None = None, *, empty_text: str = ""
) -> QTableView:
    """A read-only, whole-row, single-selection table as every list on the page uses;
    ``empty_text`` is shown in it while it has no rows."""
    table = RecordTable(parent, empty_text=empty_text)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def selected_row(table: QTableView) -> int:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else -1
