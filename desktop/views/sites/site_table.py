"""The sites (会/站/家) of the federation: tens to a few hundred rows, loaded whole, with
the star level of each site's latest evaluation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop.services import sites
from desktop.services.sites import SiteRecord
from desktop.storage.database import Database
from desktop.views.qtmodels.loaded_table import Index, LoadedTableModel
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


def area_text(area: float | None) -> str:
    return "" if area is None else f"{area:,.1f}".removesuffix(".0")


class SiteTableModel(LoadedTableModel[SiteRecord]):
    headers = HEADERS

    def __init__(self, db: Database, kind: str | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.kind = kind
        self._rows = self._load()

    def set_kind(self, kind: str | None) -> None:
        self.kind = kind
        self.refresh()

    def _load(self) -> list[SiteRecord]:
        return sites.list_sites(self._db, self.kind)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self.record_of(index)
        if s is None:
            return None
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
