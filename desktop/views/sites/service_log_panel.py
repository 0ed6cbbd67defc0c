"""服务台账 daily entry for the selected site: the date once (today by default), then one
row per service category with 人次 and notes. Enter moves to the next row, so a clerk
types the day's figures straight down the column; one save writes the whole day in one
transaction (``service_log.add_day``) or, if any row is wrong, nothing at all. The
site's recent records are listed underneath.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.services.activities import categories
from desktop.services.activities.categories import CategoryRecord
from desktop.services.sites import SiteRecord, service_log
from desktop.services.sites.service_log import DayEntry, ServiceRow
from desktop.views.context import AppContext
from desktop.views.sites.common import OK_STYLE, list_table, selected_row
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage

RECENT_LIMIT = 200
ROW_IN_MESSAGE = re.compile(r"^第 (\d+) 行")

COLUMNS: tuple[Column[ServiceRow], ...] = (
    Column("日期", lambda r: r.served_on.isoformat()),
    Column("服务类别", lambda r: r.category_name),
    Column("人次", lambda r: f"{r.people:,}", numeric=True),
    Column("备注", lambda r: r.notes or "", tooltip=lambda r: r.notes),
)


class ServiceLogPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteRecord | None = None
        self.categories: list[CategoryRecord] = []
        self.people_edits: list[QLineEdit] = []
        self.note_edits: list[QLineEdit] = []

        self.title = QLabel(self)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.today = clock.current().today()  # the day the form last took as today
        self.date = QDateEdit(QDate(self.today), self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.today_button = QPushButton("今天", self)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.total_label = QLabel(self)
        self.save_button = QPushButton("保存当天台账（Ctrl+S）", self)
        # Enter on the focused button saves, as it would in a dialog.
        self.save_button.setAutoDefault(True)
        self.message = FieldMessage(self)
        self.model: RecordTableModel[ServiceRow] = RecordTableModel(COLUMNS, self)
        self.table = list_table(
            self.model,
            self,
            empty_text="这个阵地还没有台账记录：在上方填写当天各类服务的人次，按「保存当天台账」。",
        )
        for col, width in enumerate((96, 150, 60)):
            self.table.setColumnWidth(col, width)
        self.delete_button = QPushButton("删除所选记录", self)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(QLabel("服务日期", self))
        head.addWidget(self.date)
        head.addWidget(self.today_button)
        foot = QHBoxLayout()
        foot.addWidget(self.total_label)
        foot.addStretch(1)
        foot.addWidget(self.save_button)
        recent = QHBoxLayout()
        recent.addWidget(QLabel("最近记录", self))
        recent.addStretch(1)
        recent.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.grid_host)
        layout.addLayout(foot)
        layout.addWidget(self.message)
        layout.addLayout(recent)
        layout.addWidget(self.table, 1)

        self.today_button.clicked.connect(lambda: self.date.setDate(QDate(clock.current().today())))
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.load_categories()
        self.set_site(None)

    # ---- the entry grid --------------------------------------------------------------

    def load_categories(self) -> None:
        """Build one row per active category (again only if the list changed)."""
        cats = categories.list_categories(self.ctx.db)
        if [(c.code, c.name) for c in cats] == [(c.code, c.name) for c in self.categories]:
            return
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.categories = cats
        self.people_edits, self.note_edits = [], []
        for col, text in enumerate(("服务类别", "人次", "备注")):
            header = QLabel(text, self.grid_host)
            header.setStyleSheet("color: #555555;")
            self.grid.addWidget(header, 0, col)
        for n, cat in enumerate(cats):
            name = QLabel(f"{n + 1}. {cat.name}", self.grid_host)
            people = QLineEdit(self.grid_host)
            people.setPlaceholderText("0")
            people.setFixedWidth(80)
            people.setAlignment(Qt.AlignmentFlag.AlignRight)
            note = QLineEdit(self.grid_host)
            note.setPlaceholderText("备注（选填）")
            people.returnPressed.connect(lambda n=n: self._next_row(n))
            note.returnPressed.connect(lambda n=n: self._next_row(n))
            people.textChanged.connect(lambda _t: self._update_total())
            self.grid.addWidget(name, n + 1, 0)
            self.grid.addWidget(people, n + 1, 1)
            self.grid.addWidget(note, n + 1, 2)
            self.people_edits.append(people)
            self.note_edits.append(note)
        self.grid.setColumnStretch(2, 1)
        self._update_total()

    def _next_row(self, n: int) -> None:
        if n + 1 < len(self.people_edits):
            target = self.people_edits[n + 1]
            target.setFocus()
            target.selectAll()
        else:
            self.save_button.setFocus()

    def _update_total(self) -> None:
        total = 0
        for edit in self.people_edits:
            try:
                total += max(int(edit.text().strip() or 0), 0)
            except ValueError:
                continue
        self.total_label.setText(f"当天合计 {total:,} 人次")

    def entries(self) -> list[DayEntry]:
        return [
            DayEntry(cat.code, people.text().strip() or "0", note.text())
            for cat, people, note in zip(
                self.categories, self.people_edits, self.note_edits, strict=True
            )
        ]

    def has_unsaved(self) -> bool:
        """Figures or notes typed and not saved: they belong to ``self.site``."""
        return any(edit.text().strip() for edit in (*self.people_edits, *self.note_edits))

    def clear_entries(self) -> None:
        for edit in (*self.people_edits, *self.note_edits):
            edit.clear()

    # ---- state -----------------------------------------------------------------------

    def follow_today(self) -> None:
        """A date left on today moves on when the calendar has (a window left open
        overnight); a date the clerk chose stays."""
        today = clock.current().today()
        if today != self.today:
            if day_of(self.date.date()) == self.today:
                self.date.setDate(QDate(today))
            self.today = today

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self.follow_today()  # back on the page (or the tab) the next morning
        super().showEvent(event)

    def set_site(self, site: SiteRecord | None) -> None:
        self.follow_today()
        if site is None or self.site is None or site.id != self.site.id:
            self.message.clear_message()
        self.site = site
        self.title.setText(
            "请在左侧选择一个阵地" if site is None else f"{site.name} · 每日服务台账"
        )
        for w in (self.grid_host, self.save_button, self.date, self.today_button):
            w.setEnabled(site is not None)
        self.reload()

    def reload(self) -> None:
        rows = (
            []
            if self.site is None
            else service_log.list_records(self.ctx.db, site_id=self.site.id, limit=RECENT_LIMIT)
        )
        self.model.set_rows(rows)

    def selected(self) -> ServiceRow | None:
        return self.model.record_at(selected_row(self.table))

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    # ---- actions ---------------------------------------------------------------------

    def save(self) -> None:
        if self.site is None:
            return
        self.message.clear_message()
        day = day_of(self.date.date())
        try:
            ids = service_log.add_day(self.ctx.db, day, self.site.id, self.entries())
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            match = ROW_IN_MESSAGE.match(exc.message)
            if match and 0 < int(match.group(1)) <= len(self.people_edits):
                wrong = self.people_edits[int(match.group(1)) - 1]
                wrong.setFocus()
                wrong.selectAll()
            return
        if not ids:
            self.message.show_warning("没有填写任何人次或备注，未保存")
            return
        self.clear_entries()
        self.reload()
        saved = set(ids)
        people = sum(r.people for r in self.model.rows() if r.id in saved)
        self.message.show_hint(f"已保存 {day:%Y-%m-%d} 的台账 {len(ids)} 条，共 {people:,} 人次")
        self.message.setStyleSheet(OK_STYLE)
        if self.people_edits:
            self.people_edits[0].setFocus()
        self.changed.emit()

    def delete_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        if not messages.confirm(
            self,
            "删除台账记录",
            f"确定删除 {record.served_on:%Y-%m-%d}「{record.category_name}」{record.people} 人次"
            "这条记录吗？",
        ):
            return
        try:
            service_log.delete_record(self.ctx.db, record.id)
        except UnionDeskError as exc:
            messages.error(self, "无法删除", exc.message)
            return
        self.reload()
        self.changed.emit()
