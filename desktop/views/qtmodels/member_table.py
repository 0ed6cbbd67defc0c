"""The member list as a lazy table model: keyset pages of ~200 rows, fetched on demand.

The model never asks for all rows. It holds the pages it has fetched so far and, when the
view scrolls near the end, ``fetchMore`` asks ``member_queries.read_page`` for the rows
after the last one it holds (sort key, rowid). A new filter resets it to one page.
ID numbers and phones arrive masked from the service; the table cannot show them whole.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.models.codes import GENDER, MEMBERSHIP_STATUS
from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberFilter, MemberRow
from desktop.storage.database import Database

COL_NAME = 0
COL_GENDER = 1
COL_AGE = 2
COL_UNION = 3
COL_ID_NUMBER = 4
COL_PHONE = 5
COL_CARD_NO = 6
COL_STATUS = 7
COL_JOINED_ON = 8
COL_MIGRANT = 9

HEADERS = {
    COL_NAME: "姓名",
    COL_GENDER: "性别",
    COL_AGE: "年龄",
    COL_UNION: "所属工会",
    COL_ID_NUMBER: "身份证号",
    COL_PHONE: "手机号",
    COL_CARD_NO: "会员证号",
    COL_STATUS: "会籍状态",
    COL_JOINED_ON: "入会日期",
    COL_MIGRANT: "农民工",
}

MemberIdRole = Qt.ItemDataRole.UserRole + 1
MemberRowRole = Qt.ItemDataRole.UserRole + 2
StatusCodeRole = Qt.ItemDataRole.UserRole + 3

#: The columns a clerk can sort the list by (a header click), and the order each reads
#: (``member_queries.ORDERS``): those an index serves at a million members.
SORTABLE = {COL_NAME: "name", COL_JOINED_ON: "joined_on"}

PAGE_SIZE = 200
# From this many rows held, each fetched page goes to the collector's permanent
# generation (``_spare_the_collector``).
FREEZE_FROM = 20_000
_LEFT_COLOUR = QColor("#888888")
_CENTRED = {COL_GENDER, COL_AGE, COL_STATUS, COL_JOINED_ON, COL_MIGRANT}

Index = QModelIndex | QPersistentModelIndex


class MemberTableModel(QAbstractTableModel):
    def __init__(
        self,
        db: Database,
        flt: MemberFilter | None = None,
        *,
        page_size: int = PAGE_SIZE,
        today: date | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = flt or MemberFilter(status="current")
        self._page_size = page_size
        self._today = today
        self._rows: list[MemberRow] = []
        self._exhausted = False
        # How many pages were asked of the service since the last reset (for tests and
        # the benchmark: proof that rows are fetched a page at a time).
        self.pages_fetched = 0
        self._load(page_size)

    # ---- filter and reload -----------------------------------------------------------

    @property
    def filter(self) -> MemberFilter:
        return self._filter

    def set_filter(self, flt: MemberFilter) -> None:
        """Show a new filter: drop every row held and fetch its first page."""
        self._filter = flt
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.pages_fetched = 0
        self._load(self._page_size)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header clicked: read the list again in that column's order (by the
        service, a page at a time). Columns without an order (``SORTABLE``) are left as
        they are; the page puts the header's arrow back."""
        key = SORTABLE.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._filter.order, self._filter.descending):
            self.set_filter(replace(self._filter, order=key, descending=descending))

    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction the rows are in now (for the header's arrow)."""
        column = next(c for c, k in SORTABLE.items() if k == self._filter.order)
        way = (
            Qt.SortOrder.DescendingOrder if self._filter.descending else Qt.SortOrder.AscendingOrder
        )
        return column, way

    def refresh(self) -> None:
        """Reload after a write, keeping about as many rows as were shown."""
        want = max(self._page_size, len(self._rows))
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._load(want)
        self.endResetModel()

    def _load(self, limit: int) -> None:
        after = self._rows[-1].key(self._filter.order) if self._rows else None
        page = member_queries.read_page(self._db, self._filter, after=after, limit=limit)
        self.pages_fetched += 1
        if len(page) < limit:
            self._exhausted = True
        self._rows.extend(page)

    # ---- lazy fetching -------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        after = self._rows[-1].key(self._filter.order) if self._rows else None
        page = member_queries.read_page(self._db, self._filter, after=after, limit=self._page_size)
        self.pages_fetched += 1
        if len(page) < self._page_size:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
            self._spare_the_collector()

    def _spare_the_collector(self) -> None:
        """Keep the rows this model holds out of full garbage collections.

        Why: each row is a dataclass the collector tracks; scrolled deep into a 1M-member
        registry the model holds ~900k of them, and a full collection on the GUI thread
        walked them all, freezing the window for 560 ms (with the collector off: 62 ms;
        docs/benchmarks.md, "Twelfth session"). The rows live as long as the model and
        hold no cycles (reference counting frees them on a reset), so past
        ``FREEZE_FROM`` rows they go to the permanent generation (``gc.freeze``, as the
        start-up does) after a young collection, which clears the cyclic garbage of the
        moment first.
        """
        if len(self._rows) >= FREEZE_FROM:
            gc.collect(1)
            gc.freeze()

    # ---- the model -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def row_at(self, row: int) -> MemberRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, member_id: str) -> int:
        """Position of a member among the rows held, or -1."""
        for i, r in enumerate(self._rows):
            if r.id == member_id:
                return i
        return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == MemberIdRole:
            return r.id
        if role == MemberRowRole:
            return r
        if role == StatusCodeRole:
            return r.membership_status
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _CENTRED:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not member_queries.is_current(
            r.membership_status
        ):
            return QBrush(_LEFT_COLOUR)
        return None

    def _display(self, r: MemberRow, col: int) -> str:
        if col == COL_NAME:
            return r.name
        if col == COL_GENDER:
            return GENDER.label(r.gender)
        if col == COL_AGE:
            age = r.age(self._today)
            return "" if age is None else str(age)
        if col == COL_UNION:
            return r.union_name
        if col == COL_ID_NUMBER:
            return r.id_number_masked
        if col == COL_PHONE:
            return r.phone_masked
        if col == COL_CARD_NO:
            return r.card_no or ""
        if col == COL_STATUS:
            return MEMBERSHIP_STATUS.label(r.membership_status)
        if col == COL_JOINED_ON:
            return r.joined_on.isoformat() if r.joined_on else ""
        if col == COL_MIGRANT:
            return "是" if r.is_migrant_worker else ""
        return ""
