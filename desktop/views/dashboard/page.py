"""首页: the dashboard. Every figure comes from ``services.dashboard`` (SQL aggregates),
computed off the GUI thread; union, age-band, status and migrant figures click through
to the member list filtered the same way.

At an upper office a box narrows the figures to one federation (本会 or a sub-federation
received by sync); activities and the service log carry no union, so their figures stay
the whole registry's and a note under the heading says so while a federation is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.views.context import AppContext
from desktop.views.widgets.bar_chart import Bar, BarChart
from desktop.views.widgets.federation_combo import FederationFilterCombo

if TYPE_CHECKING:
    from desktop.services.figures.dashboard import Dashboard
    from desktop.storage.database import Database

# The member list filter a click-through starts from: the dashboard counts current
# members (active + retained) unless a status bar is clicked.
_RESET: dict[str, Any] = {
    "federation_id": None,
    "union_id": None,
    "status": "current",
    "migrant": None,
    "age_band": None,
    "search": "",
}

# Cards a row by the page's width: all six from 1150 pixels, three from 620, else two.
FIGURE_ROWS = ((6, 1150), (3, 620))

_CARD_STYLE = (
    "QFrame#figure { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 6px; }"
)


def create_page(ctx: AppContext) -> QWidget:
    return DashboardPage(ctx)


SCOPE_NOTE = (
    "所选联合会的会员、困难职工、入会申请和会站家阵地；"
    "活动场次、服务人次和活动覆盖面不分联合会，为本库全部数据。"
)


def _compute(db: Database, federation_id: str | None = None) -> Dashboard:
    # Imported here, on the worker: the figures are computed after the first paint, so
    # the service and its helpers stay off the cold start.
    from desktop.services.figures import dashboard

    return dashboard.dashboard(db, federation_id=federation_id)


class Figure(QFrame):
    """One big number with its caption; optionally a link to a filtered list."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure")
        self.setStyleSheet(_CARD_STYLE)
        self.value = QLabel("—", self)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption, self)
        self.caption.setStyleSheet("color: #546e7a;")
        self.note = QLabel(self)
        self.note.setStyleSheet("color: #546e7a;")
        layout = QVBoxLayout(self)
        self.body = layout  # typed handle (QWidget.layout() may be None to mypy)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)

    def set(self, value: str, note: str = "", colour: str = "#263238") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};")
        self.note.setText(note)


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self._loading = False
        self._pending = False

        self.heading = QLabel("首页", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.as_of_label = QLabel(self)
        self.as_of_label.setStyleSheet("color: #546e7a;")
        self.refresh_button = QPushButton("刷新", self)
        self.report_button = QPushButton("生成上报报表…", self)
        self.report_button.setToolTip("会员情况月报表、年度统计表（Excel）")
        self.report_dialog: QWidget | None = None
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.federation_filter = FederationFilterCombo(ctx.db, self)
        self.scope_label = QLabel(SCOPE_NOTE, self)
        self.scope_label.setStyleSheet("color: #546e7a;")
        self.scope_label.setWordWrap(True)
        self.scope_label.hide()

        self.total = Figure("在会会员（含保留会籍）")
        self.new_members = Figure("本月 / 本年新入会")
        self.migrant = Figure("农民工会员")
        self.new_generation = Figure("新生代（16–34岁）")
        self.coverage = Figure("本年活动覆盖面")
        self.hardship = Figure("困难职工档案待复核")
        self.applications = Figure("入会申请待审核")
        self.applications_button = QPushButton("打开审核队列", self.applications)
        self.applications_button.setFlat(True)
        self.applications_button.setStyleSheet("color: #1e88e5; text-align: left;")
        self.applications.body.addWidget(self.applications_button)
        self.migrant_button = QPushButton("查看农民工名单", self.migrant)
        self.migrant_button.setFlat(True)
        self.migrant_button.setStyleSheet("color: #1e88e5; text-align: left;")
        self.migrant.body.addWidget(self.migrant_button)
        self.new_gen_button = QPushButton("查看新生代名单", self.new_generation)
        self.new_gen_button.setFlat(True)
        self.new_gen_button.setStyleSheet("color: #1e88e5; text-align: left;")
        self.new_generation.body.addWidget(self.new_gen_button)
        self.hardship_button = QPushButton("查看待复核名单", self.hardship)
        self.hardship_button.setFlat(True)
        self.hardship_button.setStyleSheet("color: #1e88e5; text-align: left;")
        self.hardship.body.addWidget(self.hardship_button)

        self.union_chart = BarChart("各基层工会会员数（点击查看名单）")
        self.age_chart = BarChart("年龄结构（红色为16–34岁新生代）")
        self.status_chart = BarChart("会籍状态（全部在册人员）")
        self.gender_chart = BarChart("性别")
        self.activity_chart = BarChart("活动场次（按服务类别，本年与上年）")
        self.people_chart = BarChart("服务人次（活动签到＋服务台账，本年与上年）")
        for chart in (self.activity_chart, self.people_chart):
            chart.click_hint = ""
        self.gender_chart.click_hint = ""
        self.sites_label = QLabel()
        self.sites_label.setWordWrap(True)

        # The figure cards reflow (6, 3 or 2 a row) with the page's width, so a 1024×768
        # screen needs no sideways scrolling to see them all.
        figures = QGridLayout()
        self.figure_grid = figures
        self.figure_cards: tuple[Figure, ...] = (
            self.total,
            self.new_members,
            self.migrant,
            self.new_generation,
            self.coverage,
            self.hardship,
            self.applications,
        )
        self._figure_columns = 0
        self._reflow_figures(len(self.figure_cards))
        left = QVBoxLayout()
        right = QVBoxLayout()
        for column, widgets in (
            (left, (self.union_chart, self.status_chart, self.sites_label)),
            (right, (self.age_chart, self.gender_chart, self.activity_chart, self.people_chart)),
        ):
            column.setSpacing(16)
            for widget in widgets:
                column.addWidget(widget)
            column.addStretch(1)
        charts = QHBoxLayout()
        charts.setSpacing(24)
        charts.addLayout(left, 1)
        charts.addLayout(right, 1)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(figures)
        inner.addLayout(charts)
        inner.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.as_of_label)
        top.addStretch(1)
        top.addWidget(self.federation_filter)
        top.addWidget(self.report_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scope_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.scroll_area, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.report_button.clicked.connect(self.make_report)
        self.federation_filter.federation_changed.connect(lambda _f: self.refresh())
        self.union_chart.bar_clicked.connect(lambda key: self.open_members(union_id=key))
        self.age_chart.bar_clicked.connect(lambda key: self.open_members(age_band=key))
        self.status_chart.bar_clicked.connect(lambda key: self.open_members(status=key))
        for chart in (self.activity_chart, self.people_chart):
            chart.bar_clicked.connect(self.open_activities)
        self.migrant_button.clicked.connect(lambda: self.open_members(migrant=True))
        self.new_gen_button.clicked.connect(self.open_new_generation)
        self.applications_button.clicked.connect(self.open_applications)
        self.hardship_button.clicked.connect(self.open_due_hardship)
        self.refresh()

    # ---- layout ----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        width = event.size().width()
        columns = next((n for n, least in FIGURE_ROWS if width >= least), 2)
        self._reflow_figures(columns)
        super().resizeEvent(event)

    def _reflow_figures(self, columns: int) -> None:
        if columns == self._figure_columns:
            return
        self._figure_columns = columns
        for card in self.figure_cards:
            self.figure_grid.removeWidget(card)
        for column in range(len(self.figure_cards)):
            self.figure_grid.setColumnStretch(column, 1 if column < columns else 0)
        for n, card in enumerate(self.figure_cards):
            self.figure_grid.addWidget(card, n // columns, n % columns)

    # ---- area protocol ---------------------------------------------------------------

    def make_report(self) -> None:
        """生成上报报表: the month's or year's report as .xlsx (non-modal dialog)."""
        from desktop.views.dashboard.report_dialog import ReportDialog

        dialog = ReportDialog(self.ctx, self)
        fed = self.federation_filter.federation_id()
        dialog.federation_combo.select_federation(fed)
        self.report_dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def refresh(self) -> None:
        """Recompute every figure on a worker thread; one run at a time."""
        if self._loading:
            self._pending = True
            return
        self._loading = True
        self.federation_filter.reload()  # a package may have brought a sub-federation
        self.refresh_button.setEnabled(False)
        self._show_busy(True)
        db = self.ctx.db
        federation_id = self.federation_filter.federation_id()
        self.ctx.runner.run(
            lambda _progress, _cancel: _compute(db, federation_id),
            title="正在统计首页数据…",
            parent=self,
            on_done=self._loaded,
            on_error=self._failed,
            cancellable=False,
        )

    def open_members(self, **params: Any) -> None:
        scoped = {"federation_id": self.federation_filter.federation_id()}
        self.ctx.navigate("members", **{**_RESET, **scoped, **params})

    def open_activities(self, category: str) -> None:
        """A 服务类别 bar: that category's activities in the figures' year."""
        year = self.data.activities.year if self.data is not None else None
        self.ctx.navigate("activities", category=category, year=year)

    def open_applications(self) -> None:
        self.ctx.navigate("applications", status="submitted")

    def open_due_hardship(self) -> None:
        """The card's click-through: hardship files overdue or due within 30 days."""
        from desktop.services.figures.dashboard import REVIEW_WINDOW_DAYS

        self.ctx.navigate("hardship", due_within=REVIEW_WINDOW_DAYS)

    def open_new_generation(self) -> None:
        from desktop.services.figures.dashboard import NEW_GENERATION_BAND

        self.open_members(age_band=NEW_GENERATION_BAND)

    # ---- results ---------------------------------------------------------------------

    def _finish(self) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, UnionDeskError) else "首页数据统计失败，请稍后重试。"
        self._show_busy(False)
        self.error_label.setText(text)
        self.error_label.show()
        self._finish()

    def _show_busy(self, busy: bool) -> None:
        """While figures are computed say so: never "no data" for data not read yet."""
        if busy:
            self.as_of_label.setText("正在统计…")
        elif self.data is not None:  # a failed refresh leaves the last figures, dated
            self.as_of_label.setText(f"截至 {self.data.as_of:%Y年%m月%d日}")
        else:
            self.as_of_label.setText("")
        empty = "正在统计…" if busy and self.data is None else "暂无数据"
        for chart in self.findChildren(BarChart):
            chart.empty_text = empty
            chart.update()

    def _loaded(self, data: Dashboard) -> None:
        self._show_busy(False)
        self.data = data
        self.error_label.hide()
        self.show_figures(data)
        self._finish()

    def show_figures(self, d: Dashboard) -> None:
        m = d.members
        self.scope_label.setVisible(not d.activities_scoped)
        self.as_of_label.setText(f"截至 {d.as_of:%Y年%m月%d日}")
        self.total.set(f"{m.total:,}", f"女 {m.female:,} · 男 {m.male:,}")
        self.new_members.set(
            f"{m.new_in_month:,} / {m.new_in_year:,}",
            f"本年离会 {m.left_in_year:,} 人",
        )
        self.migrant.set(f"{m.migrant:,}", f"占在会会员 {m.migrant_share:.1%}")
        share = m.new_generation / m.total if m.total else 0.0
        self.new_generation.set(f"{m.new_generation:,}", f"占 {share:.1%}", "#e53935")
        cov = d.activities.coverage
        self.coverage.set(f"{cov.share:.1%}", f"{cov.reached:,} 名会员参加过活动", "#1e88e5")
        h = d.hardship
        self.hardship.set(
            f"{h.overdue:,}",
            f"已逾期；30天内到期 {h.due_soon:,}（在档 {h.open_cases:,}）",
            "#e53935" if h.overdue else "#263238",
        )

        self.applications.set(
            f"{d.applications_pending:,}",
            "点击下方打开审核队列",
            "#e53935" if d.applications_pending else "#263238",
        )

        unions = sorted(m.by_union, key=lambda r: -r.total)
        self.union_chart.set_bars(
            [
                Bar(
                    r.union_name,
                    r.total,
                    key=r.union_id,
                    text=f"{r.total:,}",
                    tooltip=f"{r.union_name}：在会 {r.total:,} 人，本年新入会 {r.new_in_year:,}",
                )
                for r in unions
            ]
        )
        bands = [Bar(b.label, b.count, key=b.code, highlight=b.new_generation) for b in m.age_bands]
        if m.age_other:
            bands.append(Bar("出生日期不详或不足16岁", m.age_other))
        self.age_chart.set_bars(bands)
        self.status_chart.set_bars(
            [Bar(MEMBERSHIP_STATUS.label(code), n, key=code) for code, n in m.statuses.items()]
        )
        genders = [Bar("女", m.female), Bar("男", m.male)]
        if m.gender_unknown:
            genders.append(Bar("未填", m.gender_unknown))
        self.gender_chart.set_bars(genders)

        a = d.activities
        legend = (f"{a.year}年", f"{a.year - 1}年")
        self.activity_chart.set_bars(
            [Bar(r.label, r.activities, compare=r.activities_last, key=r.code) for r in a.rows]
        )
        self.activity_chart.set_legend(*legend)
        self.people_chart.set_bars(
            [Bar(r.label, r.people, compare=r.people_last, key=r.code) for r in a.rows]
        )
        self.people_chart.set_legend(*legend)

        parts = [
            f"{s.label} {s.sites} 个（{s.area_m2:,.0f} m²，社会化工会工作者 {s.workers} 人，"
            f"本年服务 {s.service_people:,} 人次）"
            for s in d.sites
        ]
        if d.unassigned_workers:
            parts.append(f"未分配阵地的社会化工会工作者 {d.unassigned_workers} 人")
        self.sites_label.setText("<b>会站家阵地</b><br>" + "<br>".join(parts))
