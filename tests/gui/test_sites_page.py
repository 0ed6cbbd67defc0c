"""会站家 page: adding and editing a site through the dialog, the daily service-log
entry (several categories in one save; a negative 人次 refused with nothing written),
facilities and union workers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import sites
from desktop.services.sites import service_log
from desktop.services.sites.service_log import DayEntry
from desktop.views.context import AppContext
from desktop.views.sites import site_table as st
from desktop.views.sites.page import SitesPage
from desktop.views.sites.site_dialog import SiteDialog
from desktop.views.sites.worker_dialog import WorkerDialog
from tests.conftest import TEST_TODAY
from tests.gui.conftest import Boxes


def count(ctx: AppContext, sql: str) -> int:
    with ctx.db.connect(write=False) as conn:
        return int(conn.execute(text(sql)).scalar_one())


@pytest.fixture
def station(ctx: AppContext) -> str:
    return sites.add_site(ctx.db, "station", "幸福路职工服务站", area_m2="120", seats=40).id


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, station: str) -> SitesPage:
    widget = SitesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def open_site_dialog(page: SitesPage, *, edit: bool = False) -> SiteDialog:
    if edit:
        page.edit_site()
    else:
        page.add_site()
    dialog = page.dialog
    assert isinstance(dialog, SiteDialog) and dialog.isVisible()
    return dialog


def test_page_lists_sites_and_selects_the_first(page: SitesPage, station: str) -> None:
    assert page.model.rowCount() == 1
    assert page.selected() is not None and page.selected().id == station  # type: ignore[union-attr]
    assert page.model.data(page.model.index(0, st.COL_KIND)) == "站"
    assert page.model.data(page.model.index(0, st.COL_AREA)) == "120"
    assert page.model.data(page.model.index(0, st.COL_STAR)) == "未评定"
    assert "幸福路职工服务站" in page.service_log.title.text()


def test_add_site_through_the_dialog(qtbot: QtBot, ctx: AppContext, page: SitesPage) -> None:
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    dialog = open_site_dialog(page)
    dialog.editors["kind"].set_code("home")  # type: ignore[attr-defined]
    dialog.line("name").setText("职工之家（科技园 3 号）")
    dialog.line("address").setText("科技园路 3 号")
    qtbot.keyClicks(dialog.line("area_m2"), "85.5")
    qtbot.keyClicks(dialog.line("seats"), "30")
    dialog.line("opening_hours").setText("周一至周五 9:00–18:00")
    dialog.save()

    assert not dialog.isVisible()
    rows = sites.list_sites(ctx.db, "home")
    assert [(s.name, s.address, s.area_m2, s.seats) for s in rows] == [
        ("职工之家（科技园 3 号）", "科技园路 3 号", 85.5, 30)
    ]
    assert changed == ["sites"]
    # The new site is listed and selected, and the tabs follow it.
    chosen = page.selected()
    assert chosen is not None and chosen.id == rows[0].id
    assert page.model.data(page.model.index(page.model.row_of(chosen.id), st.COL_KIND)) == "家"
    assert page.facilities.site is not None and page.facilities.site.id == chosen.id


def test_site_dialog_shows_the_error_under_the_field_and_writes_nothing(
    qtbot: QtBot, ctx: AppContext, page: SitesPage
) -> None:
    dialog = open_site_dialog(page)
    dialog.save()  # no name
    assert dialog.errors["name"].is_error
    assert dialog.errors["name"].text() == "阵地名称不能为空"
    assert dialog.isVisible()

    dialog.line("name").setText("新站")
    dialog.line("area_m2").setText("一百平")
    dialog.save()
    assert not dialog.errors["name"].is_error
    assert dialog.errors["area_m2"].is_error
    assert "面积应为数字" in dialog.errors["area_m2"].text()
    assert dialog.isVisible()
    assert count(ctx, "SELECT count(*) FROM sites") == 1  # only the fixture's station


def test_edit_site_changes_only_what_was_edited(
    qtbot: QtBot, ctx: AppContext, page: SitesPage, station: str
) -> None:
    dialog = open_site_dialog(page, edit=True)
    assert dialog.line("name").text() == "幸福路职工服务站"
    assert dialog.line("area_m2").text() == "120"
    dialog.line("seats").setText("-5")
    dialog.save()
    assert dialog.errors["seats"].is_error and "不能为负数" in dialog.errors["seats"].text()
    assert sites.get_site(ctx.db, station).seats == 40

    dialog.line("seats").setText("60")
    dialog.save()
    assert not dialog.isVisible()
    saved = sites.get_site(ctx.db, station)
    assert (saved.name, saved.area_m2, saved.seats) == ("幸福路职工服务站", 120.0, 60)
    assert page.model.data(page.model.index(0, st.COL_SEATS)) == "60"


def test_delete_site_asks_first(
    ctx: AppContext, page: SitesPage, station: str, boxes: Boxes
) -> None:
    boxes.answer = False
    page.delete_site()
    assert boxes.kinds() == ["confirm"]
    assert len(sites.list_sites(ctx.db)) == 1
    boxes.answer = True
    page.delete_site()
    assert sites.list_sites(ctx.db) == []
    assert page.model.rowCount() == 0 and page.selected() is None
    assert not page.service_log.save_button.isEnabled()


def test_kind_filter(ctx: AppContext, page: SitesPage, station: str) -> None:
    home = sites.add_site(ctx.db, "home", "职工之家（甲）").id
    page.refresh()
    assert page.model.rowCount() == 2
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("home"))
    assert page.model.rowCount() == 1 and page.model.record_at(0).id == home  # type: ignore[union-attr]
    # Asking for a site the filter hides clears the filter.
    page.select_site(station)
    assert page.kind_filter.currentData() is None
    assert page.selected() is not None and page.selected().id == station  # type: ignore[union-attr]


# ---- 服务台账 ---------------------------------------------------------------------------


def records(ctx: AppContext) -> list[tuple[str, str, int, str | None]]:
    with ctx.db.connect(write=False) as conn:
        return [
            (str(r[0]), str(r[1]), int(r[2]), r[3])
            for r in conn.execute(
                text(
                    "SELECT served_on, category, people, notes FROM service_records "
                    "WHERE deleted = 0 ORDER BY category"
                )
            )
        ]


def test_daily_entry_saves_several_categories_in_one_go(
    qtbot: QtBot, ctx: AppContext, page: SitesPage
) -> None:
    log = page.service_log
    codes = [c.code for c in log.categories]
    assert codes[:3] == ["hardship_help", "legal_aid", "culture_sport_health"]
    assert log.date.date() == QDate(TEST_TODAY)  # today by default
    day = TEST_TODAY - timedelta(days=1)
    log.date.setDate(QDate(day.year, day.month, day.day))

    # The clerk types straight down the column: a number, Enter, the next number …
    first = log.people_edits[0]
    first.setFocus()
    qtbot.keyClicks(first, "12")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is log.people_edits[1]
    qtbot.keyClick(log.people_edits[1], Qt.Key.Key_Return)  # none today
    assert QApplication.focusWidget() is log.people_edits[2]
    qtbot.keyClicks(log.people_edits[2], "26")
    log.note_edits[2].setText("工间操")
    qtbot.keyClicks(log.people_edits[4], "3")
    assert log.total_label.text() == "当天合计 41 人次"
    qtbot.mouseClick(log.save_button, Qt.MouseButton.LeftButton)

    assert records(ctx) == [
        (day.isoformat(), "culture_sport_health", 26, "工间操"),
        (day.isoformat(), codes[4], 3, None),
        (day.isoformat(), "hardship_help", 12, None),
    ]
    assert not log.message.is_error
    assert "3 条，共 41 人次" in log.message.text()
    assert all(e.text() == "" for e in log.people_edits)  # ready for the next day
    assert log.model.rowCount() == 3  # the recent list shows what was saved


def test_negative_people_refused_and_nothing_written(
    qtbot: QtBot, ctx: AppContext, page: SitesPage
) -> None:
    log = page.service_log
    qtbot.keyClicks(log.people_edits[0], "12")
    qtbot.keyClicks(log.people_edits[1], "-3")
    log.save()
    assert log.message.is_error
    assert log.message.text() == "第 2 行：服务人次不能为负数（当前为 -3）"
    assert QApplication.focusWidget() is log.people_edits[1]  # the wrong row, to fix
    assert records(ctx) == []  # not even the good first row
    assert log.people_edits[0].text() == "12"  # nothing typed is lost

    log.people_edits[1].setText("3")
    log.save()
    assert sorted(r[2] for r in records(ctx)) == [3, 12]
    assert not log.message.is_error


def test_figures_typed_for_one_site_are_never_saved_under_another(
    qtbot: QtBot, ctx: AppContext, page: SitesPage, station: str, boxes: Boxes
) -> None:
    """A clerk types the day's figures, then clicks another site: the figures stayed in
    the form and 保存 filed them under the site clicked last."""
    other = sites.add_site(ctx.db, "station", "滨海大道职工服务站").id
    page.refresh()
    page.select_site(station)
    log = page.service_log
    qtbot.keyClicks(log.people_edits[0], "5")
    log.note_edits[0].setText("走访")

    boxes.answer = False  # 继续填写
    page.select_site(other)
    assert boxes.kinds() == ["confirm"]
    assert "幸福路职工服务站" in boxes.shown[0][2]
    assert page.selected().id == station and log.site.id == station  # type: ignore[union-attr]
    assert log.people_edits[0].text() == "5" and log.note_edits[0].text() == "走访"

    boxes.answer = True  # 放弃并切换
    page.select_site(other)
    assert page.selected().id == other and log.site.id == other  # type: ignore[union-attr]
    assert not log.has_unsaved()
    log.save()
    assert records(ctx) == []  # nothing filed under either site

    # Figures typed for a site that is then deleted go with it, without a question.
    qtbot.keyClicks(log.people_edits[0], "7")
    asked = len(boxes.kinds())
    sites.delete_site(ctx.db, other)
    page.refresh()
    assert len(boxes.kinds()) == asked and not log.has_unsaved()
    assert page.selected() is None and log.site is None


def test_empty_day_is_not_saved(ctx: AppContext, page: SitesPage) -> None:
    page.service_log.save()
    assert page.service_log.message.text() == "没有填写任何人次或备注，未保存"
    assert records(ctx) == []


def test_recent_record_can_be_deleted(
    ctx: AppContext, page: SitesPage, station: str, boxes: Boxes
) -> None:
    service_log.add_day(ctx.db, TEST_TODAY, station, [DayEntry("legal_aid", 4)])
    log = page.service_log
    log.reload()
    log.table.selectRow(0)
    log.delete_selected()
    assert boxes.kinds() == ["confirm"]
    assert records(ctx) == []
    assert log.model.rowCount() == 0


# ---- 设施 and 工会工作者 --------------------------------------------------------------


def test_facility_added_updated_and_removed(
    ctx: AppContext, page: SitesPage, station: str, boxes: Boxes
) -> None:
    panel = page.facilities
    panel.facility.set_code("aed")
    panel.condition.set_code("good")
    panel.save()
    assert [(f.facility, f.condition) for f in sites.list_facilities(ctx.db, station)] == [
        ("aed", "good")
    ]
    panel.quantity.setText("-1")
    panel.save()
    assert panel.message.is_error and "数量不能为负数" in panel.message.text()
    # Picking the listed row fills the form; a new condition updates the same facility.
    panel.table.selectRow(0)
    assert panel.facility.code() == "aed" and panel.quantity.text() == "1"
    panel.condition.set_code("poor")
    panel.save()
    assert [(f.facility, f.condition) for f in sites.list_facilities(ctx.db, station)] == [
        ("aed", "poor")
    ]
    assert panel.model.data(panel.model.index(0, 1)) == "需维修"
    panel.table.selectRow(0)
    panel.remove()
    assert boxes.kinds() == ["confirm"]
    assert sites.list_facilities(ctx.db, station) == []


def test_worker_added_with_contract_and_site(
    qtbot: QtBot, ctx: AppContext, page: SitesPage, station: str
) -> None:
    panel = page.workers
    panel.add_worker()
    dialog = panel.dialog
    assert isinstance(dialog, WorkerDialog)
    assert dialog.editors["site_id"].currentData() == station  # type: ignore[attr-defined]
    dialog.line("name").setText("林小燕")
    qtbot.keyClicks(dialog.line("phone"), "13800138000")
    dialog.line("contract_start").setText("2026-01-01")
    dialog.line("contract_end").setText("2025-12-31")
    dialog.save()
    assert dialog.errors["contract_end"].is_error
    assert dialog.errors["contract_end"].text() == "合同结束日期不能早于开始日期"
    assert count(ctx, "SELECT count(*) FROM union_workers") == 0

    dialog.line("contract_end").setText("2028-12-31")
    dialog.save()
    assert not dialog.isVisible()
    workers = sites.list_workers(ctx.db, station)
    assert [(w.name, w.contract_start, w.contract_end) for w in workers] == [
        ("林小燕", date(2026, 1, 1), date(2028, 12, 31))
    ]
    shown = [panel.model.data(panel.model.index(0, c)) for c in range(panel.model.columnCount())]
    assert shown[0] == "林小燕" and "138****8000" in shown and "13800138000" not in shown
    assert "2026-01-01 至 2028-12-31" in shown

    # Editing: the worker leaves; the list hides leavers unless asked.
    panel.table.selectRow(0)
    panel.edit_worker()
    edit = panel.dialog
    assert isinstance(edit, WorkerDialog) and edit.line("name").text() == "林小燕"
    edit.editors["status"].set_code("left")  # type: ignore[attr-defined]
    edit.save()
    assert sites.list_workers(ctx.db, include_left=True)[0].status == "left"
    assert panel.model.rowCount() == 0
    panel.include_left.setChecked(True)
    assert panel.model.rowCount() == 1


# ---- in the main window ---------------------------------------------------------------


def test_sites_area_in_the_main_window_follows_other_writes(
    qtbot: QtBot, ctx: AppContext, station: str
) -> None:
    from desktop.services.activities import categories
    from desktop.views.main_window import MainWindow

    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    keys = [a.key for a in window.areas]
    assert keys.index("sites") == keys.index("activities") + 1
    assert window.areas[keys.index("sites")].label == "会站家"
    page = window.show_area("sites", {"site_id": station, "tab": "workers"})
    assert isinstance(page, SitesPage)
    assert page.tabs.currentWidget() is page.workers
    assert page.selected() is not None and page.selected().id == station  # type: ignore[union-attr]

    # A new N category added elsewhere gets its own row in the daily-entry form.
    before = len(page.service_log.people_edits)
    categories.add_category(ctx.db, "技能培训")
    ctx.changed("activities")
    assert len(page.service_log.people_edits) == before + 1
    assert page.selected() is not None and page.selected().id == station  # type: ignore[union-attr]


def test_site_table_model_without_a_window(ctx: AppContext) -> None:
    sites.add_site(ctx.db, "federation", "联合会办公室", area_m2="1200.5", seats=1500)
    home = sites.add_site(ctx.db, "home", "职工之家（甲）", opening_hours="每天 8:30–20:30")
    with ctx.db.connect() as conn:
        conn.execute(text("UPDATE sites SET star_level = 2 WHERE id = :id"), {"id": home.id})
    model = st.SiteTableModel(ctx.db)
    rows = [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert rows == [
        ["会", "联合会办公室", "", "1,200.5", "1,500", "", ""],
        ["家", "职工之家（甲）", "", "", "", "每天 8:30–20:30", "二星 ★★"],
    ]
    assert model.data(model.index(1, st.COL_KIND), Qt.ItemDataRole.ToolTipRole) == "职工之家"
    assert model.data(model.index(1, 0), st.SiteIdRole) == home.id
    model.set_kind("federation")
    assert model.rowCount() == 1 and model.row_of(home.id) == -1


def test_an_empty_list_says_what_to_do(qtbot: QtBot, ctx: AppContext, page: SitesPage) -> None:
    """The site's 最近记录 was a blank grid before its first day's figures."""
    from desktop.views.widgets.tables import RecordTable

    table = page.service_log.table
    assert isinstance(table, RecordTable) and page.service_log.model.rowCount() == 0
    assert "还没有台账记录" in table.empty_text
    said = table.viewport().grab().toImage()
    table.set_empty_text("")
    blank = table.viewport().grab().toImage()
    assert said != blank  # the sentence is painted where the rows would be


def test_contract_ending_today_is_not_yet_expired() -> None:
    """A contract's last day is still inside it: 即将到期 today, 已到期 from tomorrow."""
    from desktop.services.sites.workers import WorkerRecord
    from desktop.views.sites.workers_panel import status_text

    def worker(end: date) -> WorkerRecord:
        return WorkerRecord(
            "w", "李社工", None, None, None, None, None, date(2025, 1, 1), end, "active", None
        )

    assert status_text(worker(TEST_TODAY), TEST_TODAY) == "在岗（合同即将到期）"
    assert status_text(worker(TEST_TODAY - timedelta(days=1)), TEST_TODAY) == "在岗（合同已到期）"


def test_daily_entry_date_follows_the_calendar_when_left_open_overnight(
    ctx: AppContext, page: SitesPage, fixed_clock: object
) -> None:
    """The form opened yesterday still showed yesterday: this morning's figures went
    under yesterday's date. A date left on 今天 moves with the calendar at the next
    refresh; a date the clerk chose stays."""
    from desktop import clock

    assert isinstance(fixed_clock, clock.FixedClock)
    log = page.service_log
    assert log.date.date() == QDate(TEST_TODAY)
    fixed_clock.advance(timedelta(days=1))
    page.refresh()
    assert log.date.date() == QDate(TEST_TODAY + timedelta(days=1))
    chosen = TEST_TODAY - timedelta(days=3)
    log.date.setDate(QDate(chosen))
    fixed_clock.advance(timedelta(days=1))
    page.refresh()
    assert log.date.date() == QDate(chosen)
