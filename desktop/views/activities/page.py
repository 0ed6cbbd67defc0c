"""活动管理: the activities of a year, 新增活动, and the 签到 panel for the selected one,
with this year's coverage (share of members reached by at least one activity)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.services import activities
from desktop.services.activities import ActivityRecord, categories
from desktop.views.activities.activity_dialog import ActivityDialog
from desktop.views.activities.attendance_panel import AttendancePanel
from desktop.views.activities.categories_dialog import CategoriesDialog
from desktop.views.context import AppContext
from desktop.views.qtmodels import activity_table as at
from desktop.views.qtmodels.activity_table import ActivityTableModel
from desktop.views.widgets import messages
from desktop.views.widgets.search_box import SearchBox
from desktop.views.widgets.tables import select_row


def create_page(ctx: AppContext) -> QWidget:
    return ActivitiesPage(ctx)


class ActivitiesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        this_year = clock.current().today().year

        self.year_filter = QComboBox(self)
        self.this_year = 0  # the year the filter was made for (fill_years)
        self.fill_years()
        self.category_filter = QComboBox(self)
        self.fill_categories()
        self.search = SearchBox(self)
        self.search.setPlaceholderText("按活动名称搜索")
        self.add_button = QPushButton("新增活动", self)
        self.edit_button = QPushButton("编辑活动", self)
        self.delete_button = QPushButton("删除活动", self)
        self.categories_button = QPushButton("服务类别…", self)
        self.categories_button.setToolTip("查看固定的 3 类服务，编辑本单位自定的 N 类服务")
        self.coverage_label = QLabel(self)
        self.more_label = QLabel(self)  # the list was cut at its limit
        self.more_label.setStyleSheet("color: #e65100;")
        self.more_label.hide()
        self.coverage_label.setStyleSheet("color: #1e88e5; font-weight: bold;")

        self.model = ActivityTableModel(ctx.db, this_year, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("activities_table")  # its column widths are remembered
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in {
            at.COL_STARTS: 130,
            at.COL_TITLE: 220,
            at.COL_CATEGORY: 90,
            at.COL_SITE: 150,
            at.COL_ORGANISER: 90,
            at.COL_ATTENDANCE: 70,
            at.COL_BUDGET: 90,
        }.items():
            self.table.setColumnWidth(col, width)
        self.attendance = AttendancePanel(ctx, self)

        # Two rows, so the search box keeps a usable width on a 1024×768 screen.
        self.search.setMinimumWidth(180)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份", self))
        top.addWidget(self.year_filter)
        top.addWidget(self.category_filter)
        top.addWidget(self.search, 2)
        top.addStretch(1)
        top.addWidget(self.coverage_label)
        actions = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.categories_button,
        ):
            actions.addWidget(button)
        actions.addWidget(self.more_label)
        actions.addStretch(1)
        splitter = QSplitter(self)
        splitter.setObjectName("activities_splitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.attendance)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        self.year_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.category_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search.search_changed.connect(lambda _t: self.apply_filter())
        self.add_button.clicked.connect(self.add_activity)
        self.edit_button.clicked.connect(self.edit_activity)
        self.delete_button.clicked.connect(self.delete_activity)
        self.table.doubleClicked.connect(lambda _i: self.edit_activity())
        self.categories_button.clicked.connect(self.edit_categories)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.attendance.attended.connect(lambda _r: self._attended())
        self.update_coverage()
        self._selected()

    # ---- area protocol ---------------------------------------------------------------

    def refresh(self) -> None:
        current = self.selected()
        if self.fill_years():
            self.apply_filter()
        self.fill_categories()
        self.model.refresh()
        self._show_cut()
        if current is not None:
            self.select_activity(current.id)
        self.update_coverage()

    def navigate(self, **params: Any) -> None:
        """Click-throughs: activity_id selects that activity; category (with year, from
        the 首页 charts) narrows the list to that 服务类别 in that year."""
        if "category" in params:
            self.fill_categories()  # a category added since the page was made
            index = self.year_filter.findData(params.get("year"))
            blocked = [w.blockSignals(True) for w in (self.year_filter, self.category_filter)]
            self.year_filter.setCurrentIndex(
                index if index >= 0 else self.year_filter.findData(None)
            )
            self.category_filter.setCurrentIndex(
                max(self.category_filter.findData(params["category"]), 0)
            )
            for w, was in zip((self.year_filter, self.category_filter), blocked, strict=True):
                w.blockSignals(was)
            self.search.clear()
            self.apply_filter()
        if params.get("activity_id"):
            self.select_activity(str(params["activity_id"]))

    def fill_years(self) -> bool:
        """Next year, this year and four before, then 全部年份; on this year, or on the
        year chosen. Rebuilt when the calendar year has turned since (a window left open
        over New Year), moving an old 本年 to the new one; True then."""
        this_year = clock.current().today().year
        if this_year == self.this_year:
            return False
        combo = self.year_filter
        chosen = combo.currentData() if self.this_year else this_year
        if chosen == self.this_year:
            chosen = this_year
        self.this_year = this_year
        blocked = combo.blockSignals(True)
        combo.clear()
        # Next year too: December plans January's activities.
        for year in range(this_year + 1, this_year - 5, -1):
            combo.addItem(f"{year}年", year)
        combo.addItem("全部年份", None)
        index = combo.findData(chosen)
        combo.setCurrentIndex(index if index >= 0 else combo.findData(this_year))
        combo.blockSignals(blocked)
        return True

    def fill_categories(self) -> None:
        """全部服务类别, then the 3+N list (a retired one too: its past activities)."""
        combo = self.category_filter
        chosen = combo.currentData()
        blocked = combo.blockSignals(True)
        combo.clear()
        combo.addItem("全部服务类别", None)
        try:
            known = categories.list_categories(self.ctx.db, include_inactive=True)
        except UnionDeskError:
            known = []
        for c in known:
            combo.addItem(c.name + ("" if c.active else "（已停用）"), c.code)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(blocked)

    # ---- list ------------------------------------------------------------------------

    def apply_filter(self) -> None:
        self.model.set_query(
            self.year_filter.currentData(),
            self.search.text().strip(),
            self.category_filter.currentData(),
        )
        self._selected()

    def selected(self) -> ActivityRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def select_activity(self, activity_id: str) -> None:
        row = self.model.row_of(activity_id)
        if row < 0 and self.year_filter.currentData() is not None:
            self.year_filter.setCurrentIndex(self.year_filter.findData(None))
            row = self.model.row_of(activity_id)
        if row >= 0:
            select_row(self.table, row)
        self._selected()

    def _show_cut(self) -> None:
        self.more_label.setVisible(self.model.truncated)
        self.more_label.setText(
            f"只显示最近的 {at.LIMIT:,} 项活动：请选择年份、服务类别或按名称搜索，缩小范围"
            if self.model.truncated
            else ""
        )

    def _selected(self) -> None:
        self._show_cut()
        current = self.selected()
        self.attendance.set_activity(current)
        self.edit_button.setEnabled(current is not None)
        self.delete_button.setEnabled(current is not None)

    def update_coverage(self) -> None:
        year = clock.current().today().year
        try:
            cov = activities.coverage(self.ctx.db, year)
        except UnionDeskError as exc:
            self.coverage_label.setText(exc.message)
            return
        self.coverage_label.setText(
            f"{year}年活动覆盖面 {cov.share:.1%}（{cov.reached:,} / {cov.members:,} 名会员）"
        )

    # ---- actions ---------------------------------------------------------------------

    def add_activity(self) -> None:
        dialog = ActivityDialog(self.ctx, self)
        dialog.saved.connect(self._added)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def edit_activity(self) -> None:
        current = self.selected()
        if current is None:
            return
        dialog = ActivityDialog(self.ctx, self, editing=current)
        dialog.saved.connect(self._added)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def delete_activity(self) -> None:
        """Delete a mistyped activity with its check-ins (tombstones, so other offices
        drop it too at the next sync), after the clerk confirms."""
        current = self.selected()
        if current is None:
            return
        attended = (
            f"\n\n它的 {current.attendance} 条签到记录也将一并删除，活动覆盖面随之重新计算。"
            if current.attendance
            else ""
        )
        if not messages.confirm(
            self,
            "删除活动",
            f"确定删除活动「{current.title}」（{current.starts_at:%Y-%m-%d}）吗？{attended}",
            yes="删除活动",
            no="不删除",
        ):
            return
        try:
            activities.delete(self.ctx.db, current.id)
        except UnionDeskError as exc:
            messages.error(self, "无法删除活动", exc.message)
            return
        self.refresh()
        self._selected()
        self.ctx.changed("activities")
        self.ctx.status_message.emit(f"已删除活动「{current.title}」")

    def edit_categories(self) -> None:
        """The 3+N list; its changes reach other pages through ``ctx.changed``."""
        dialog = CategoriesDialog(self.ctx, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def _added(self, record: ActivityRecord) -> None:
        self.model.refresh()
        self.select_activity(record.id)
        self.ctx.changed("activities")

    def _attended(self) -> None:
        self.refresh()
        self.ctx.changed("activities")
