"""A filter by federation: 全部 / 本会 / each sub-federation held in this registry.

An upper office (a district union) holds its sub-federations' unions and members,
received by sync; its union list, member list and 首页 narrow to one of them with this
box (docs/HUB.md, "Roll-ups"). A grassroots office holds one federation: the box then
offers nothing to choose, and pages hide it (``worth_showing``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.errors import UnionDeskError
from desktop.services.unions import scope
from desktop.storage.database import Database


class FederationFilterCombo(QComboBox):
    ALL = "全部联合会"

    #: The chosen federation id, or None for every federation (emitted on a clerk's pick).
    federation_changed = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setObjectName("federation_filter")
        # as wide as a short name, not the longest one (a city hub's may run to 40
        # characters, a repeated one carries its number): the pages fit 1366 × 768;
        # the open list shows the whole names
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip("按联合会筛选：本会，或收到的下级联合会")
        self.currentIndexChanged.connect(
            lambda _i: self.federation_changed.emit(self.federation_id())
        )
        self.reload()

    def _emit(self, _index: int) -> None:
        self.federation_changed.emit(self.federation_id())

    def federation_id(self) -> str | None:
        value = self.currentData()
        return None if value is None else str(value)

    def worth_showing(self) -> bool:
        """More than one federation held: there is something to choose."""
        return self.count() > 2

    def reload(self) -> None:
        """Read the federations again, keeping the current choice (no change signal)."""
        chosen = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.ALL, None)
        try:
            choices = scope.held(self._db)
        except UnionDeskError:
            choices = []
        repeated = scope.repeated_names(choices)
        for c in choices:
            label = f"{scope.OWN_WORD}（{c.name}）" if c.own else c.name
            if c.name in repeated:  # sub-federations of one name: told apart by number
                label += f"（编号 …{c.id[-8:]}，工会 {c.unions} 个）"
            self.addItem(label, c.id)
            if c.name in repeated:
                self.setItemData(self.count() - 1, f"编号 {c.id}", Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(max(self.findData(chosen), 0))
        # the open list as wide as its longest name (the box itself stays narrow)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)
        self.blockSignals(False)
        self.setVisible(self.worth_showing())

    def select_federation(self, federation_id: str | None) -> None:
        """Pick a federation (a click-through); emits the change like a clerk's pick."""
        self.setCurrentIndex(max(self.findData(federation_id), 0) if federation_id else 0)
