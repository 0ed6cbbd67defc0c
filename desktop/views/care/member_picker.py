"""Choose the member a new file is for: type a name, pinyin, card number or ID tail."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from desktop.services.members import queries
from desktop.storage.database import Database


class MemberPicker(QComboBox):
    """The matches of the last search; ``currentData()`` is the member id."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.addItem("（先在上一栏输入姓名或卡号查找）", None)

    def search(self, text: str) -> None:
        self.clear()
        query = text.strip()
        rows = queries.search_members(self.db, query, limit=30) if query else []
        if not rows:
            self.addItem("（没有找到）" if query else "（先在上一栏输入姓名或卡号查找）", None)
            return
        for r in rows:
            self.addItem(f"{r.name}　{r.union_name}　{r.id_number_masked}", r.id)
