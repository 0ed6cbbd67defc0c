"""首页: figures from the services, and bars that click through to the filtered list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop.services.members import registry as members
from desktop.views.context import AppContext
from desktop.views.dashboard.page import DashboardPage
from desktop.views.dashboard.report_dialog import ReportDialog
from desktop.views.main_window import MainWindow
from desktop.views.members.page import MembersPage
from desktop.views.qtmodels import member_table as mt
from desktop.views.widgets.bar_chart import Bar, BarChart


def open_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_bar(qtbot: QtBot, chart: BarChart, key: object) -> None:
    index = next(i for i, bar in enumerate(chart.bars) if bar.key == key)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.row_rect(index).center())


def names(page: MembersPage) -> list[str]:
    model = page.model
    return sorted(model.data(model.index(r, mt.COL_NAME)) for r in range(model.rowCount()))


def titles(page: Any) -> list[str]:
    """The activity titles the 活动管理 list shows, top to bottom."""
    model = page.model
    return [model.record_at(r).title for r in range(model.rowCount())]


def test_dashboard_is_the_start_page_with_figures(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    assert window.stack.currentWidget() is page
    assert page.total.value.text() == "3"
    unions = {bar.label: bar.value for bar in page.union_chart.bars}
    assert unions == {"甲公司工会": 2, "乙公司工会": 1}
    new_gen = [bar for bar in page.age_chart.bars if bar.highlight]
    assert [bar.key for bar in new_gen] == ["under_35"]


def test_union_bar_opens_the_member_list_of_that_union(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    click_bar(qtbot, page.union_chart, registry["甲公司工会"])
    assert window.current_key() == "members"
    members_page = window.pages["members"]
    assert isinstance(members_page, MembersPage)
    assert members_page.current_filter().union_id == registry["甲公司工会"]
    assert members_page.union_filter.currentText().startswith("甲公司工会")
    assert names(members_page) == ["张三", "李四"]


def test_status_bar_and_refresh_after_a_write(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    members.mark_left(ctx.db, registry["王五"], "withdrawn")
    ctx.changed("members")
    assert page.total.value.text() == "2"
    click_bar(qtbot, page.status_chart, "withdrawn")
    members_page = window.pages["members"]
    assert isinstance(members_page, MembersPage)
    assert members_page.current_filter().status == "withdrawn"
    assert names(members_page) == ["王五"]


def test_a_narrow_chart_puts_its_legend_under_the_title(qtbot) -> None:  # type: ignore[no-untyped-def]
    """At 1024×768 a chart is narrow: its legend must not be painted over the title, so it
    takes a line of its own and the chart grows by that line."""
    chart = BarChart("活动场次（按服务类别，本年与上年）")
    qtbot.addWidget(chart)
    chart.set_bars([Bar("困难帮扶", 13, compare=16)])
    chart.set_legend("2026年", "2025年")
    chart.show()
    chart.resize(900, chart.height())
    wide = chart.height()
    chart.resize(260, chart.height())
    assert chart.height() == wide + chart.fontMetrics().height()
    chart.resize(900, chart.height())
    assert chart.height() == wide


def test_narrow_union_bars_keep_the_words_that_tell_unions_apart(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Eliding 成都市晨光五金制品有限公司工会委员会 in the middle showed every bar as
    成都市…委员会; the shared beginning and the company-form ending go first."""
    chart = BarChart("各基层工会会员数")
    qtbot.addWidget(chart)
    names = ["成都市晨光五金制品有限公司工会委员会", "成都市德邦塑胶制品有限公司工会委员会"]
    chart.set_bars([Bar(name, 10 + i) for i, name in enumerate(names)])
    fm = chart.fontMetrics()
    shown = [chart.shown_label(n, fm, fm.horizontalAdvance("晨光五金制品有")) for n in names]
    assert shown == ["晨光五金制品", "德邦塑胶制品"]
    assert chart.shown_label(names[0], fm, 10_000) == names[0]  # fits: whole


def test_category_bars_open_the_activities_of_that_category_this_year(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """活动场次 and 服务人次 by 服务类别 click through like the member charts: to 活动管理,
    narrowed to that category and the dashboard's year."""
    from desktop.services import activities
    from desktop.views.activities.page import ActivitiesPage
    from tests.conftest import TEST_TODAY

    for title, category, year in (
        ("普法讲座", "legal_aid", TEST_TODAY.year),
        ("中秋游园", "festival", TEST_TODAY.year),
        ("去年的普法讲座", "legal_aid", TEST_TODAY.year - 1),
    ):
        activities.add(
            ctx.db, {"title": title, "category": category, "starts_at": f"{year}-09-01 09:00"}
        )
    window = open_window(qtbot, ctx)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    page.refresh()
    click_bar(qtbot, page.activity_chart, "legal_aid")
    assert window.current_key() == "activities"
    acts = window.pages["activities"]
    assert isinstance(acts, ActivitiesPage)
    assert acts.category_filter.currentData() == "legal_aid"
    assert acts.year_filter.currentData() == TEST_TODAY.year
    assert titles(acts) == ["普法讲座"]
    # and the category filter is the clerk's own too: 全部服务类别 shows both of this year
    acts.category_filter.setCurrentIndex(acts.category_filter.findData(None))
    assert sorted(titles(acts)) == ["中秋游园", "普法讲座"]
    window.show_area("dashboard")
    click_bar(qtbot, page.people_chart, "festival")
    assert titles(acts) == ["中秋游园"]


def test_the_clerk_makes_the_monthly_and_annual_reports_from_the_window(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(qtbot, ctx)
    window.actions_by_name["make_report"].trigger()  # 文件 → 生成上报报表…
    assert window.current_key() == "dashboard"
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    dialog = page.report_dialog
    assert isinstance(dialog, ReportDialog) and dialog.isVisible()
    today = ctx.db.clock.today()
    assert (dialog.year_spin.value(), dialog.month_spin.value()) == (today.year, today.month)
    target = tmp_path / "月报"  # the suffix is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.generate()
    out = tmp_path / "月报.xlsx"
    assert dialog.written == out and boxes.kinds() == ["inform"]
    sheet = load_workbook(out)["会员月报"]
    totals = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "合计")
    assert totals[1] == 3  # the registry's three members, as on the 首页 card

    page.make_report()
    dialog = page.report_dialog
    assert isinstance(dialog, ReportDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("annual"))
    assert not dialog.month_spin.isEnabled()
    annual = tmp_path / "年报.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(annual), ""))
    dialog.generate()
    assert "会员情况" in load_workbook(annual).sheetnames
    # A refusal (a file that cannot be written) is shown, not raised.
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "无/此/目录.xlsx"), "")
    )
    page.make_report()
    assert isinstance(page.report_dialog, ReportDialog)
    page.report_dialog.generate()
    assert boxes.kinds()[-1] == "error" and page.report_dialog.written is None
