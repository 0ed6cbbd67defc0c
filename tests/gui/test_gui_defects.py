"""The GUI defects a new user met (issue 20), each pinned: activity edit/delete, inline
messages that clear and never move other fields, an over-maximum score said out loud,
Esc asking before typed data is dropped, wizard default buttons, the demo name, and a
typed key-card path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import activities, sites
from desktop.services.sites import evaluations
from desktop.services.sites.evaluations import ItemSpec, LevelSpec
from desktop.views import first_run_dialog
from desktop.views.activities.activity_dialog import ActivityDialog
from desktop.views.activities.page import ActivitiesPage
from desktop.views.context import AppContext
from desktop.views.first_run_dialog import FirstRunDialog
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.roster.import_wizard import ImportWizard as RosterWizard
from desktop.views.sites.score_dialog import ScoreDialog
from desktop.views.sync.card_check import CardCheck
from desktop.views.sync.import_wizard import ImportWizard
from tests.conftest import TEST_TODAY
from tests.unit.sync.helpers import card_path

from .conftest import Boxes, bad_check_digit
from .test_accounts import fill_first_admin


def rows(ctx: AppContext, sql: str) -> list[tuple[Any, ...]]:
    with ctx.db.connect(write=False) as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


# ---- activities: edit and delete -------------------------------------------------------


@pytest.fixture
def activities_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> tuple[ActivitiesPage, str]:
    activity = activities.add(
        ctx.db,
        {
            "title": "职工健步走（录错）",
            "category": "文体健康",
            "starts_at": f"{TEST_TODAY:%Y-%m-%d} 09:00",
            "ends_at": f"{TEST_TODAY:%Y-%m-%d} 11:00",
            "budget": "1500.5",
        },
    )
    activities.attend_member(ctx.db, activity.id, registry["张三"])
    page = ActivitiesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_activity(activity.id)
    return page, activity.id


def test_activity_is_edited_in_the_form_it_was_added_with(
    qtbot: QtBot, ctx: AppContext, activities_page: tuple[ActivitiesPage, str]
) -> None:
    page, activity_id = activities_page
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ActivityDialog) and dialog.windowTitle() == "编辑活动"
    assert dialog.line("title").text() == "职工健步走（录错）"
    assert dialog.line("budget").text() == "1500.50"
    dialog.line("title").setText("职工健步走")
    dialog.save()
    assert rows(ctx, "SELECT title, budget_fen FROM activities WHERE deleted = 0") == [
        ("职工健步走", 150050)
    ]
    assert page.selected() is not None and page.selected().title == "职工健步走"  # type: ignore[union-attr]


def test_activity_delete_asks_then_tombstones_it_and_its_check_ins(
    ctx: AppContext, boxes: Boxes, activities_page: tuple[ActivitiesPage, str]
) -> None:
    page, activity_id = activities_page
    boxes.answer = False
    page.delete_activity()
    assert boxes.buttons[-1] == {"yes": "删除活动", "no": "不删除"}
    assert "1 条签到记录" in boxes.shown[-1][2]
    assert page.model.rowCount() == 1
    boxes.answer = True
    page.delete_activity()
    assert page.model.rowCount() == 0 and not page.delete_button.isEnabled()
    # Tombstones (deleted = 1), so the sync carries the deletion to other offices.
    assert rows(ctx, "SELECT deleted FROM activities") == [(1,)]
    assert rows(ctx, "SELECT deleted FROM attendances") == [(1,)]
    assert "（0 / 3 名会员）" in page.coverage_label.text()


# ---- inline messages -------------------------------------------------------------------


def test_field_message_clears_on_edit_and_moves_nothing(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    below = dialog.editors["category"]
    before = below.mapTo(dialog, QPoint(0, 0))
    dialog.line("title").clear()
    dialog.save()
    assert dialog.messages["title"].is_error
    assert below.mapTo(dialog, QPoint(0, 0)) == before  # the field below stayed put
    qtbot.keyClicks(dialog.line("title"), "x")
    assert not dialog.messages["title"].is_error  # fixed: the message goes


def test_member_id_message_clears_when_the_number_is_corrected(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    phone = dialog.editors["phone"]
    before = phone.mapTo(dialog, QPoint(0, 0))
    dialog.set_value("name", "赵六")
    dialog.set_value("id_number", bad_check_digit("44030419900101567"))
    dialog.save()
    assert dialog.errors["id_number"].is_error
    assert phone.mapTo(dialog, QPoint(0, 0)) == before
    name = dialog.editors["name"]
    assert isinstance(name, QLineEdit)
    dialog.errors["name"].show_error("测试")
    qtbot.keyClicks(name, "x")
    assert not dialog.errors["name"].is_error


# ---- scores above an item's maximum ------------------------------------------------------


def test_score_above_the_maximum_is_corrected_and_said(
    qtbot: QtBot, ctx: AppContext, boxes: Boxes
) -> None:
    site = sites.add_site(ctx.db, "station", "幸福路职工服务站", area_m2="120", seats=40)
    template = evaluations.create_template(
        ctx.db,
        "测试模板",
        [ItemSpec("场所", 50), ItemSpec("表彰", 10, is_bonus=True)],
        [LevelSpec(1, 30)],
        site_kind="station",
    )
    dialog = ScoreDialog(ctx, sites.get_site(ctx.db, site.id), template)
    qtbot.addWidget(dialog)
    dialog.show()
    spin = dialog.spins[1]
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "25")
    assert spin.lineEdit().text().startswith("25")  # not silently 2
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == 10
    assert dialog.message.is_error
    assert "满分 10 分，输入的 25 分已改为 10 分" in dialog.message.text()


# ---- Esc on a half-typed member ----------------------------------------------------------


def test_escape_asks_before_discarding_a_typed_member(
    qtbot: QtBot, ctx: AppContext, boxes: Boxes, registry: dict[str, str]
) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without asking
    assert not dialog.isVisible() and boxes.shown == []

    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.editors["name"]
    assert isinstance(name, QLineEdit)
    qtbot.keyClicks(name, "zhao")
    boxes.answer = False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and boxes.shown[-1][1] == "放弃未保存的修改？"
    assert boxes.buttons[-1] == {"yes": "放弃修改", "no": "继续编辑"}
    boxes.answer = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# ---- wizards: the default button moves on ------------------------------------------------


def test_sync_import_wizard_default_is_next_not_back(
    qtbot: QtBot, ctx: AppContext, no_usb: None
) -> None:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.next_button.isDefault()
    assert not wizard.back_button.isDefault() and not wizard.back_button.autoDefault()


def test_roster_wizard_default_is_next(qtbot: QtBot, ctx: AppContext) -> None:
    wizard = RosterWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.next_button.isDefault() and not wizard.back_button.isDefault()


# ---- first run with demo data ------------------------------------------------------------


def test_demo_mode_fills_a_federation_name(
    qtbot: QtBot, db: Any, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.unions import federations
    from desktop.views.tasks import SyncTaskRunner

    monkeypatch.setattr(first_run_dialog, "DEMO_MEMBERS", 50)
    ctx = AppContext(db, SyncTaskRunner())
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.demo.setChecked(True)
    assert dialog.name.text() == first_run_dialog.DEMO_NAME
    dialog.demo.setChecked(False)
    assert dialog.name.text() == ""
    dialog.demo.setChecked(True)
    dialog.name.clear()  # even emptied again, the trial starts
    fill_first_admin(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.create_federation()
    fed = federations.current(db)
    assert fed is not None and fed.name == first_run_dialog.DEMO_NAME


# ---- key card path typed by hand ---------------------------------------------------------


def test_typed_key_card_path_is_read(
    qtbot: QtBot, make_pc: Any, tmp_path: Path, boxes: Boxes
) -> None:
    other = make_pc("b", "乙街道总工会")
    path, fp = card_path(other.db, tmp_path)
    check = CardCheck()
    qtbot.addWidget(check)
    check.show()
    assert not check.path_edit.isReadOnly()
    check.path_edit.setFocus()
    qtbot.keyClicks(check.path_edit, str(tmp_path / "nope.udkey"))
    qtbot.keyClick(check.path_edit, Qt.Key.Key_Return)
    assert boxes.kinds() == ["error"] and "找不到文件" in boxes.shown[0][2]
    check.path_edit.clear()
    qtbot.keyClicks(check.path_edit, str(path))
    qtbot.keyClick(check.path_edit, Qt.Key.Key_Return)
    assert check.card == path and check.card_fingerprint == fp
    assert check.card_name == "乙街道总工会"
