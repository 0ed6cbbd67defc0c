"""A union filter that lists the unions only when first opened.

Listing the unions also counts their members, which takes a noticeable moment over a
million members; the member page's first screen must not wait for it, so the list is
read when the clerk opens the box (or a click-through picks a union), not at start.

It lists every federation's unions held here (an upper office receives its
sub-federations' by sync), or one federation's after ``set_federation``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from desktop.services.unions import registry as unions
from desktop.storage.database import Database


class UnionFilterCombo(QComboBox):
    ALL = "全部工会"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._loaded = False
        self._federation: str | None = None
        self.addItem(self.ALL, None)

    @property
    def loaded(self) -> bool:
        return self._loaded

    def union_id(self) -> str | None:
        value = self.currentData()
        return None if value is None else str(value)

    def reload(self) -> None:
        """Read the unions now, keeping the current choice (without emitting a change)."""
        chosen = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.ALL, None)
        for u in unions.list_held(self._db, self._federation):
            self.addItem(f"{u.name}（{u.member_count:,}）", u.id)
        self.setCurrentIndex(max(self.findData(chosen), 0))
        self.blockSignals(False)
        self._loaded = True

    def invalidate(self) -> None:
        """Unions changed: read them again next time they are needed."""
        if self._loaded:
            self._loaded = False

    def set_federation(self, federation_id: str | None) -> None:
        """Offer only that federation's unions (None: every federation's); a chosen union
        of another federation falls back to 全部工会 (without emitting a change)."""
        if federation_id == self._federation:
            return
        self._federation = federation_id
        if self._loaded:
            self.reload()

    def select_union(self, union_id: str | None) -> None:
        if union_id is not None and (not self._loaded or self.findData(union_id) < 0):
            self.reload()
        self.setCurrentIndex(max(self.findData(union_id), 0) if union_id else 0)

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        if not self._loaded:
            self.reload()
        super().showPopup()
