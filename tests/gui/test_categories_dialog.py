"""服务类别（3+N）: the clerk edits the N list from the activities page; the activity dialog
and the 会站家 service-log form offer what the list says."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import activities
from desktop.views.activities import categories_dialog as cd
from desktop.views.activities.activity_dialog import ActivityDialog
from desktop.views.activities.categories_dialog import CategoriesDialog, CategoryTableModel
from desktop.views.activities.page import ActivitiesPage
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.qtmodels import activity_table as at
from desktop.views.sites.page import SitesPage
from tests.conftest import TEST_TODAY

from .conftest import Boxes


class Names:
    """Stands in for the name prompt: answers in turn, records what was asked."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, _parent: Any, title: str, _label: str, text: str = "") -> str | None:
        self.asked.append((title, text))
        return self.answers.pop(0)


def rows(ctx: AppContext) -> list[tuple[str, str, int]]:
    with ctx.db.connect(write=False) as conn:
        return [
            (str(r[0]), str(r[1]), int(r[2]))
            for r in conn.execute(
                text("SELECT code, name, active FROM service_categories ORDER BY code")
            )
        ]


def offered(ctx: AppContext, qtbot: QtBot) -> list[str]:
    """The category codes a fresh 新增活动 dialog offers."""
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    combo = dialog.editors["category"]
    assert isinstance(combo, QComboBox)
    return [combo.itemData(i) for i in range(combo.count())]


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> ActivitiesPage:
    widget = ActivitiesPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_dialog(qtbot: QtBot, page: ActivitiesPage) -> CategoriesDialog:
    qtbot.mouseClick(page.categories_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, CategoriesDialog)
    assert dialog.windowTitle() == "服务类别（3+N）"
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot: QtBot, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_added_category_is_offered_in_the_activity_dialog(
    qtbot: QtBot, ctx: AppContext, page: ActivitiesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, page)
    monkeypatch.setattr(cd, "ask_name", Names(" 职工技能竞赛 "))
    with qtbot.waitSignal(ctx.data_changed) as changed:
        click(qtbot, dialog.add_button)
    assert changed.args == ["categories"]
    new = next(r for r in rows(ctx) if r[1] == "职工技能竞赛")
    assert new[2] == 1
    chosen = dialog.selected()
    assert chosen is not None and chosen.code == new[0]  # the new row is selected
    assert new[0] in offered(ctx, qtbot)


def test_cancelled_prompt_writes_nothing(
    qtbot: QtBot, ctx: AppContext, page: ActivitiesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, page)
    before = rows(ctx)
    monkeypatch.setattr(cd, "ask_name", Names(None))
    with qtbot.assertNotEmitted(ctx.data_changed):
        click(qtbot, dialog.add_button)
    assert rows(ctx) == before


def test_rename_to_an_existing_name_is_refused_and_nothing_written(
    qtbot: QtBot,
    ctx: AppContext,
    page: ActivitiesPage,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, page)
    dialog.select_code("career")
    assert dialog.rename_button.isEnabled()
    names = Names("亲情关爱")
    monkeypatch.setattr(cd, "ask_name", names)
    before = rows(ctx)
    with qtbot.assertNotEmitted(ctx.data_changed):
        click(qtbot, dialog.rename_button)
    assert names.asked == [("重命名服务类别", "职业发展")]  # the prompt starts from the old name
    assert boxes.shown == [("warn", "服务类别", "服务类别「亲情关爱」已存在，请换一个名称")]
    assert rows(ctx) == before

    monkeypatch.setattr(cd, "ask_name", Names("职业技能发展"))
    with qtbot.waitSignal(ctx.data_changed):
        click(qtbot, dialog.rename_button)
    assert ("career", "职业技能发展", 1) in rows(ctx)
    model = dialog.model
    assert model.data(model.index(model.row_of("career"), cd.COL_NAME)) == "职业技能发展"


def test_disabled_category_not_offered_but_old_activities_keep_their_label(
    qtbot: QtBot, ctx: AppContext, page: ActivitiesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = activities.add(
        ctx.db,
        {
            "title": "中秋游园",
            "category": "节日喜庆",
            "starts_at": f"{TEST_TODAY:%Y-%m-%d} 09:00",
            "ends_at": f"{TEST_TODAY:%Y-%m-%d} 11:00",
        },
    )
    dialog = open_dialog(qtbot, page)
    dialog.select_code("festival")
    assert dialog.toggle_button.text() == "停用"
    with qtbot.waitSignal(ctx.data_changed):
        click(qtbot, dialog.toggle_button)
    assert ("festival", "节日喜庆", 0) in rows(ctx)
    assert dialog.toggle_button.text() == "启用"  # same row, now offers to bring it back
    model = dialog.model
    assert model.data(model.index(model.row_of("festival"), cd.COL_STATE)) == "停用"

    assert "festival" not in offered(ctx, qtbot)
    page.refresh()
    row = page.model.row_of(old.id)
    assert page.model.data(page.model.index(row, at.COL_CATEGORY)) == "节日喜庆"
    assert activities.get(ctx.db, old.id).category_name == "节日喜庆"

    with qtbot.waitSignal(ctx.data_changed):
        click(qtbot, dialog.toggle_button)
    assert "festival" in offered(ctx, qtbot)


def test_fixed_categories_cannot_be_edited(
    qtbot: QtBot,
    ctx: AppContext,
    page: ActivitiesPage,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, page)
    assert not dialog.rename_button.isEnabled()  # nothing selected yet
    assert dialog.rename_button.toolTip() == cd.PICK_TIP
    names = Names()
    monkeypatch.setattr(cd, "ask_name", names)
    before = rows(ctx)
    for code in ("hardship_help", "legal_aid", "culture_sport_health"):
        dialog.select_code(code)
        chosen = dialog.selected()
        assert chosen is not None and chosen.code == code and chosen.fixed
        for button in (dialog.rename_button, dialog.toggle_button):
            assert not button.isEnabled()
            assert "固定的 3 类服务" in button.toolTip()
        with qtbot.assertNotEmitted(ctx.data_changed):
            click(qtbot, dialog.rename_button)
            click(qtbot, dialog.toggle_button)
            dialog.table.doubleClicked.emit(dialog.table.currentIndex())
            dialog.rename_category()  # even called directly, a fixed one is left alone
            dialog.toggle_active()
    assert names.asked == [] and boxes.shown == []
    assert rows(ctx) == before


def test_service_log_form_follows_a_category_added_in_the_dialog(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    sites_page = window.show_area("sites")
    assert isinstance(sites_page, SitesPage)
    before = [c.code for c in sites_page.service_log.categories]
    acts = window.show_area("activities")
    assert isinstance(acts, ActivitiesPage)
    dialog = open_dialog(qtbot, acts)
    monkeypatch.setattr(cd, "ask_name", Names("技能培训"))
    click(qtbot, dialog.add_button)
    dialog.select_code("counselling")
    click(qtbot, dialog.toggle_button)  # 停用 心理咨询
    dialog.close()

    window.show_area("sites")
    after = sites_page.service_log.categories
    assert [c.name for c in after][-1] == "技能培训"
    assert "counselling" in before and "counselling" not in [c.code for c in after]
    assert len(sites_page.service_log.people_edits) == len(before)  # one in, one out


def test_category_table_model_without_a_window(ctx: AppContext) -> None:
    from desktop.services.activities import categories

    categories.set_active(ctx.db, "child_care", False)
    model = CategoryTableModel(ctx.db)
    assert model.rowCount() == 9 and model.columnCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "类别名称",
        "类型",
        "状态",
    ]
    first = model.index(0, cd.COL_NAME)
    assert model.data(first) == "困难帮扶"
    assert model.data(model.index(0, cd.COL_KIND)) == "固定"
    assert model.data(first, Qt.ItemDataRole.ToolTipRole) == cd.FIXED_TIP
    retired = model.row_of("child_care")
    assert model.data(model.index(retired, cd.COL_KIND)) == "自定"
    assert model.data(model.index(retired, cd.COL_STATE)) == "停用"
    assert model.data(model.index(retired, cd.COL_NAME), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, cd.COL_NAME), Qt.ItemDataRole.ForegroundRole) is None
    record = model.data(model.index(retired, 0), cd.ROLE_RECORD)
    assert record.code == "child_care" and not record.active


def test_editing_an_activity_keeps_its_retired_category_and_closed_site(
    qtbot: QtBot, ctx: AppContext
) -> None:
    """A 节日喜庆 activity at a station, then 节日喜庆 is retired and the station closed:
    correcting the activity's title keeps both as they were (they were silently
    replaced by the first category and 不指定 before)."""
    from desktop.services import sites
    from desktop.services.activities import categories

    station = sites.add_site(ctx.db, "station", "幸福路职工服务站").id
    act = activities.add(
        ctx.db,
        {
            "title": "中秋游园",
            "category": "节日喜庆",
            "starts_at": f"{TEST_TODAY:%Y}-09-15 19:00",
            "site_id": station,
        },
    )
    categories.set_active(ctx.db, "festival", False)
    sites.delete_site(ctx.db, station)
    dialog = ActivityDialog(ctx, editing=activities.get(ctx.db, act.id))
    qtbot.addWidget(dialog)
    combo = dialog.editors["category"]
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "festival" and "已停用" in combo.currentText()
    site = dialog.editors["site_id"]
    assert isinstance(site, QComboBox)
    assert site.currentData() == station
    dialog.line("title").setText("中秋游园会")
    dialog.save()
    saved = activities.get(ctx.db, act.id)
    assert (saved.title, saved.category, saved.site_id) == ("中秋游园会", "festival", station)
    # A new activity is still not offered the retired category.
    assert "festival" not in offered(ctx, qtbot)
