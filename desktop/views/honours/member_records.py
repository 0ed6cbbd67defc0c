"""A member's honours and legal-aid cases, as one small panel for the member page.

The member detail page (another branch) embeds it with one line:
``layout.addWidget(MemberCareRecords(ctx, member_id, self))``; ``set_member`` shows
another member. Read-only: honours are given on the 荣誉 page, cases handled on the
法律援助 page (a double-click on a case opens it there).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.services.honours import records
from desktop.services.legal import cases
from desktop.views.context import AppContext

CASE_ROLE = Qt.ItemDataRole.UserRole + 1


class MemberCareRecords(QWidget):
    def __init__(
        self, ctx: AppContext, member_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.honours = QListWidget(self)
        self.cases = QListWidget(self)
        for view in (self.honours, self.cases):
            view.setMaximumHeight(110)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("荣誉", self))
        layout.addWidget(self.honours)
        layout.addWidget(QLabel("法律援助案件", self))
        layout.addWidget(self.cases)
        self.cases.itemDoubleClicked.connect(self._open_case)
        self.set_member(member_id)

    def set_member(self, member_id: str | None) -> None:
        self.honours.clear()
        self.cases.clear()
        if member_id is None:
            return
        for h in records.honours_of_member(self.ctx.db, member_id):
            body = f"（{h.awarding_body}）" if h.awarding_body else ""
            self.honours.addItem(f"{h.year}年  {h.title}  {h.level_label}{body}")
        if not self.honours.count():
            self.honours.addItem("（无）")
        for c in cases.cases_of_member(self.ctx.db, member_id):
            item = QListWidgetItem(f"{c.intake_on}  {c.type_label}  {c.status_label}")
            item.setData(CASE_ROLE, c.id)
            self.cases.addItem(item)
        if not self.cases.count():
            self.cases.addItem("（无）")

    def _open_case(self, item: QListWidgetItem) -> None:
        case_id = item.data(CASE_ROLE)
        if case_id:
            self.ctx.navigate("legal", case_id=case_id)
