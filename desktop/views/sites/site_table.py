"""The sites (会/站/家) of the federation: tens to a few hundred rows, loaded whole, with
the star level of each site's latest evaluation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.db import Database
from desktop.services import sites
from desktop.services.sites import SiteRecord
from desktop.views.sites.common import star_text

COL_KIND = 0
COL_NAME = 1
COL_ADDRESS = 2
COL_AREA = 3
COL_SEATS = 4
COL_HOURS = 5
COL_STAR = 6

HEADERS = {
    COL_KIND: "类别",
    COL_NAME: "阵地名称",
    COL_ADDRESS: "地址",
    COL_AREA: "面积（㎡）",
    COL_SEATS: "座位",
    COL_HOURS: "开放时间",
    COL_STAR: "星级",
}
NUMERIC = (COL_AREA, COL_SEATS)
SHORT_KIND = {"federation": "会", "station": "站", "home": "家"}

SiteIdRole = Qt.ItemDataRole.UserRole + 1
SiteRecordRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def area_text(area: float | None) -> str:
    return "" if area is None else f"{area:,.1f}".removesuffix(".0")


class SiteTableModel(QAbstractTableModel):
    def __init__(self, db: Database, kind: str | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.kind = kind
        self._rows: list[SiteRecord] = sites.list_sites(db, kind)

    def set_kind(self, kind: str | None) -> None:
        self.kind = kind
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = sites.list_sites(self._db, self.kind)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        return None

    def record_at(self, row: int) -> SiteRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, site_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == site_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_KIND:
                return s.kind_label
            if col in (COL_NAME, COL_ADDRESS):
                return s.address or s.name
        if role == SiteIdRole:
            return s.id
        if role == SiteRecordRole:
            return s
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_KIND:
                return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _display(s: SiteRecord, col: int) -> str | None:
        if col == COL_KIND:
            return SHORT_KIND.get(s.kind, s.kind_label)
        if col == COL_NAME:
            return s.name
        if col == COL_ADDRESS:
            return s.address or ""
        if col == COL_AREA:
            return area_text(s.area_m2)
        if col == COL_SEATS:
            return "" if s.seats is None else f"{s.seats:,}"
        if col == COL_HOURS:
            return s.opening_hours or ""
        if col == COL_STAR:
            return star_text(s.star_level) if s.kind != "federation" or s.star_level else ""
        return None
