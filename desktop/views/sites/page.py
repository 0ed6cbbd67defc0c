"""会站家: the federation office, service stations and worker homes in one list (with the
star level of each one's latest evaluation); add, edit and delete a site; and, for the
selected site, tabs for its facilities, union workers, the daily service log and its
star-level evaluations."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import SITE_KIND
from desktop.services import sites
from desktop.services.sites import SiteRecord
from desktop.views.context import AppContext
from desktop.views.sites import site_table as st
from desktop.views.sites.common import list_table, selected_row
from desktop.views.sites.evaluation_panel import EvaluationPanel
from desktop.views.sites.facilities_panel import FacilitiesPanel
from desktop.views.sites.service_log_panel import ServiceLogPanel
from desktop.views.sites.site_dialog import SiteDialog
from desktop.views.sites.site_table import SiteTableModel
from desktop.views.sites.workers_panel import WorkersPanel
from desktop.views.widgets import messages
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.tables import select_row

AREA = "sites"


def create_page(ctx: AppContext) -> QWidget:
    return SitesPage(ctx)


class SitesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None

        self.kind_filter = QComboBox(self)
        self.kind_filter.addItem("全部（会/站/家）", None)
        for code, label in SITE_KIND:
            self.kind_filter.addItem(f"{st.SHORT_KIND.get(code, '')}：{label}", code)
        self.add_button = QPushButton("新增阵地", self)
        self.edit_button = QPushButton("编辑", self)
        self.delete_button = QPushButton("删除", self)
        self.count_label = QLabel(self)

        self.model = SiteTableModel(ctx.db, parent=self)
        self.table = list_table(
            self.model, self, empty_text="还没有登记阵地：按「新增阵地」登记会、站、家。"
        )
        self.table.setObjectName("sites_table")  # its column widths are remembered
        for col, width in {
            st.COL_KIND: 32,
            st.COL_NAME: 170,
            st.COL_ADDRESS: 100,
            st.COL_AREA: 66,
            st.COL_SEATS: 44,
            st.COL_HOURS: 110,
        }.items():
            self.table.setColumnWidth(col, width)

        self.facilities = FacilitiesPanel(ctx, self)
        self.workers = WorkersPanel(ctx, self)
        self.service_log = ServiceLogPanel(ctx, self)
        self.evaluations = EvaluationPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.service_log, "服务台账")
        self.tabs.addTab(self.facilities, "设施")
        self.tabs.addTab(self.workers, "工会工作者")
        self.tabs.addTab(self.evaluations, "星级评定")

        top = QHBoxLayout()
        top.addWidget(QLabel("类别", self))
        top.addWidget(self.kind_filter)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        splitter = QSplitter(self)
        splitter.setObjectName("sites_splitter")  # remembered between runs
        splitter.addWidget(self.table)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([640, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.kind_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.add_button.clicked.connect(self.add_site)
        self.edit_button.clicked.connect(self.edit_site)
        self.delete_button.clicked.connect(self.delete_site)
        self.table.doubleClicked.connect(lambda _i: self.edit_site())
        self._going_back = False  # reselecting the site whose day entry is unsaved
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        for panel in (self.facilities, self.workers, self.service_log, self.evaluations):
            panel.changed.connect(self._panel_changed)
        self._selected()
        if self.model.rowCount() > 0:
            self.select_site(self.model.record_at(0).id)  # type: ignore[union-attr]

    # ---- area protocol ---------------------------------------------------------------

    def refresh(self) -> None:
        current = self.selected()
        self.model.refresh()
        self.service_log.load_categories()
        self.evaluations.load_templates()
        if current is not None:
            self.select_site(current.id)
        else:
            self._selected()

    def navigate(self, **params: Any) -> None:
        """Click-throughs: site_id selects that site; tab picks 台账/设施/工作者/评定."""
        if params.get("site_id"):
            self.select_site(str(params["site_id"]))
        tabs = {"service_log": 0, "facilities": 1, "workers": 2, "evaluations": 3}
        if params.get("tab") in tabs:
            self.tabs.setCurrentIndex(tabs[str(params["tab"])])

    # ---- list ------------------------------------------------------------------------

    def apply_filter(self) -> None:
        current = self.selected()
        self.model.set_kind(self.kind_filter.currentData())
        if current is not None and self.model.row_of(current.id) >= 0:
            self.select_site(current.id)
        else:
            self._selected()

    def selected(self) -> SiteRecord | None:
        return self.model.record_at(selected_row(self.table))

    def _may_leave_day_entry(self, site: SiteRecord | None) -> bool:
        """Another site picked while the day's figures of the one before are typed and
        not saved: the figures stay with their site. Asked first; 继续填写 selects that
        site again (the panel would otherwise save them under the new one)."""
        log = self.service_log
        before = log.site
        if self._going_back or before is None or (site is not None and site.id == before.id):
            return True
        if not log.has_unsaved():
            return True
        if self.model.row_of(before.id) < 0 and self.kind_filter.currentData() is None:
            log.clear_entries()  # the site itself was deleted: nothing to keep them for
            return True
        day = day_of(log.date.date())
        if messages.confirm(
            self,
            "放弃未保存的台账？",
            f"「{before.name}」{day:%Y-%m-%d} 的服务台账还没有保存。\n\n"
            "换到其他阵地将放弃已填写的人次和备注。",
            yes="放弃并切换",
            no="继续填写",
        ):
            log.clear_entries()
            return True
        self._going_back = True
        try:
            self.select_site(before.id)  # back to the site the figures were typed for
        finally:
            self._going_back = False
        return False

    def select_site(self, site_id: str) -> None:
        row = self.model.row_of(site_id)
        if row < 0 and self.kind_filter.currentData() is not None:
            self.kind_filter.blockSignals(True)
            self.kind_filter.setCurrentIndex(0)
            self.kind_filter.blockSignals(False)
            self.model.set_kind(None)
            row = self.model.row_of(site_id)
        if row >= 0:
            select_row(self.table, row)
        self._selected()

    def _selected(self) -> None:
        site = self.selected()
        if not self._may_leave_day_entry(site):
            return
        for panel in (self.facilities, self.workers, self.service_log, self.evaluations):
            panel.set_site(site)
        self.edit_button.setEnabled(site is not None)
        self.delete_button.setEnabled(site is not None)
        counts = {code: 0 for code in SITE_KIND.codes}
        for row in range(self.model.rowCount()):
            record = self.model.record_at(row)
            if record is not None:
                counts[record.kind] = counts.get(record.kind, 0) + 1
        self.count_label.setText(
            "　".join(f"{label} {counts[code]} 个" for code, label in SITE_KIND if counts[code])
        )

    # ---- actions ---------------------------------------------------------------------

    def _open(self, dialog: SiteDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog.saved_id))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def add_site(self) -> None:
        self._open(SiteDialog(self.ctx, parent=self))

    def edit_site(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            self._open(SiteDialog(self.ctx, record.id, parent=self))
        except UnionDeskError as exc:
            messages.error(self, "无法编辑", exc.message)

    def _saved(self, site_id: str | None) -> None:
        self.model.refresh()
        if site_id:
            self.select_site(site_id)
        self.ctx.changed(AREA)

    def delete_site(self) -> None:
        record = self.selected()
        if record is None:
            return
        if not messages.confirm(
            self,
            "删除阵地",
            f"确定删除「{record.name}」吗？其设施登记一并删除，在此的工会工作者改为未分配阵地，"
            "已有的服务台账和评定记录保留。",
        ):
            return
        try:
            sites.delete_site(self.ctx.db, record.id)
        except UnionDeskError as exc:
            messages.error(self, "无法删除", exc.message)
            return
        self.model.refresh()
        self._selected()
        self.ctx.changed(AREA)

    def _panel_changed(self) -> None:
        current = self.selected()
        self.model.refresh()
        if current is not None:
            self.select_site(current.id)
        self.ctx.changed(AREA)
