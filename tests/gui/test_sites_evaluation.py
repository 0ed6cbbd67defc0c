"""星级评定 on the 会站家 page: scoring a site in the dialog (spin boxes capped at each
item's maximum, live total and star level), a score over an item's maximum refused with
nothing written, the history list, and editing templates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import sites
from desktop.services.sites import evaluations
from desktop.services.sites.evaluations import ItemSpec, LevelSpec, TemplateRecord
from desktop.views.context import AppContext
from desktop.views.sites import site_table as st
from desktop.views.sites.page import SitesPage
from desktop.views.sites.score_dialog import ScoreDialog
from desktop.views.sites.template_dialog import TemplateDialog
from tests.gui.conftest import Boxes


def count(ctx: AppContext, sql: str) -> int:
    with ctx.db.connect(write=False) as conn:
        return int(conn.execute(text(sql)).scalar_one())


@pytest.fixture
def station(ctx: AppContext) -> str:
    return sites.add_site(ctx.db, "station", "幸福路职工服务站", area_m2="120", seats=40).id


@pytest.fixture
def template(ctx: AppContext) -> TemplateRecord:
    return evaluations.create_template(
        ctx.db,
        "服务站星级评定（测试）",
        [ItemSpec("场所", 50), ItemSpec("台账", 50), ItemSpec("表彰", 10, is_bonus=True)],
        [
            LevelSpec(1, 60),
            LevelSpec(3, 80, min_area_m2=100),
            LevelSpec(4, 90, required_facilities=("aed",)),
        ],
        site_kind="station",
    )


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, station: str, template: TemplateRecord) -> SitesPage:
    widget = SitesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.tabs.setCurrentWidget(widget.evaluations)
    return widget


def open_score_dialog(page: SitesPage) -> ScoreDialog:
    panel = page.evaluations
    assert panel.template_combo.currentText() == "服务站星级评定（测试）"
    panel.score_site()
    dialog = panel.dialog
    assert isinstance(dialog, ScoreDialog) and dialog.isVisible()
    return dialog


def test_spin_boxes_are_capped_and_total_and_star_are_live(qtbot: QtBot, page: SitesPage) -> None:
    dialog = open_score_dialog(page)
    assert [s.maximum() for s in dialog.spins] == [50, 50, 10]
    dialog.spins[0].lineEdit().selectAll()
    qtbot.keyClicks(dialog.spins[0], "75")  # more than 50 cannot be typed
    assert dialog.spins[0].value() <= 50
    dialog.spins[0].setValue(40)
    dialog.spins[1].setValue(15)
    assert dialog.total_label.text() == "合计 55 分（基础满分 100，加分项最多 10）→ 未评定"
    dialog.spins[1].setValue(45)
    # 85 points and 120 m² reach 三星; 四星 would need 90 points and a usable AED.
    assert dialog.total_label.text().endswith("→ 三星 ★★★")
    assert "4 星：得分需达到 90 分" in dialog.shortfall_label.text()
    assert "AED" in dialog.shortfall_label.text()


def test_valid_score_gives_the_star_level_and_history(
    ctx: AppContext, page: SitesPage, station: str, boxes: Boxes
) -> None:
    sites.set_facility(ctx.db, station, "aed", "good")
    dialog = open_score_dialog(page)
    dialog.date.setDate(QDate(2026, 3, 1))
    dialog.assessor.setText("区总工会考核组")
    for spin, value in zip(dialog.spins, (48, 40, 5), strict=True):
        spin.setValue(value)
    assert dialog.total_label.text().endswith("→ 四星 ★★★★")
    dialog.save()

    assert not dialog.isVisible()
    assert sites.get_site(ctx.db, station).star_level == 4
    assert count(ctx, "SELECT count(*) FROM evaluation_scores") == 3
    assert boxes.kinds() == ["inform"] and "93 分，四星" in boxes.shown[0][2]
    # The list shows the new star level; the panel shows it and the history row.
    assert page.model.data(page.model.index(0, st.COL_STAR)) == "四星 ★★★★"
    panel = page.evaluations
    assert "当前星级：四星" in panel.current_label.text()
    assert panel.history_model.rowCount() == 1
    row = [
        panel.history_model.data(panel.history_model.index(0, c))
        for c in range(panel.history_model.columnCount())
    ]
    assert row[:5] == ["2026-03-01", "服务站星级评定（测试）", "区总工会考核组", "93", "四星 ★★★★"]


def test_score_over_an_items_maximum_is_refused_and_nothing_written(
    ctx: AppContext, page: SitesPage, station: str, template: TemplateRecord
) -> None:
    dialog = open_score_dialog(page)
    for spin, value in zip(dialog.spins, (45, 40, 10), strict=True):
        spin.setValue(value)
    # Meanwhile the office lowers the first item's maximum to 30 (another window, or
    # another PC through sync): the open dialog still holds 45 for it.
    a, b, bonus = template.items
    evaluations.update_template(
        ctx.db,
        template.id,
        template.name,
        [ItemSpec("场所", 30, id=a.id), b, bonus],
        list(template.levels),
        "station",
    )
    dialog.save()

    assert dialog.isVisible()
    assert dialog.message.is_error
    assert dialog.message.text() == "第 1 项「场所」：得分 45 超过该项满分 30"
    assert count(ctx, "SELECT count(*) FROM evaluations") == 0
    assert count(ctx, "SELECT count(*) FROM evaluation_scores") == 0
    assert sites.get_site(ctx.db, station).star_level is None


def test_history_lists_every_evaluation_newest_first_with_item_scores(
    ctx: AppContext, page: SitesPage, station: str, template: TemplateRecord
) -> None:
    a, b, bonus = (i.id or "" for i in template.items)
    evaluations.score_site(ctx.db, station, template.id, {a: 35, b: 30}, evaluated_on="2025-03-01")
    evaluations.score_site(
        ctx.db, station, template.id, {a: 45, b: 40, bonus: 3}, evaluated_on="2026-03-01"
    )
    page.refresh()
    panel = page.evaluations
    model = panel.history_model
    listed = [
        (
            model.data(model.index(r, 0)),
            model.data(model.index(r, 3)),
            model.data(model.index(r, 4)),
        )
        for r in range(model.rowCount())
    ]
    assert listed == [("2026-03-01", "88", "三星 ★★★"), ("2025-03-01", "65", "一星 ★")]
    assert panel.scores_model.rowCount() == 0
    panel.history.selectRow(1)
    scores = panel.scores_model
    assert [
        tuple(scores.data(scores.index(r, c)) for c in range(3)) for r in range(scores.rowCount())
    ] == [("场所", "35", "50"), ("台账", "30", "50"), ("表彰（加分项）", "0", "10")]


def test_template_created_in_the_editor(
    ctx: AppContext, page: SitesPage, template: TemplateRecord
) -> None:
    panel = page.evaluations
    panel.edit_template(new=True)
    dialog = panel.dialog
    assert isinstance(dialog, TemplateDialog)
    dialog.save()
    assert dialog.message.text() == "模板名称不能为空"
    dialog.name.setText("职工之家评定")
    dialog.kind.set_code("home")
    dialog.save()
    assert dialog.message.text() == "评分模板至少要有一个评分项"

    dialog.add_item(ItemSpec("阵地建设", 60))
    dialog.add_item(ItemSpec("活动开展", 0))
    dialog.add_item(ItemSpec("创新加分", 5, is_bonus=True))
    dialog.save()
    assert dialog.message.text() == "第 2 个评分项「活动开展」：满分应大于 0"
    assert len(evaluations.list_templates(ctx.db)) == 1

    dialog.items.cellWidget(1, 1).setValue(40)  # type: ignore[union-attr]
    on, points, area, seats, picker = dialog.level_widgets[1]
    on.setChecked(True)
    points.setValue(80)
    area.setValue(60)
    picker.set_codes(("aed", "nursing_room"))
    assert picker.text() == "母婴室、AED"
    dialog.save()
    assert not dialog.isVisible()

    made = next(t for t in evaluations.list_templates(ctx.db) if t.name == "职工之家评定")
    assert made.site_kind == "home"
    assert [(i.title, i.max_points, i.is_bonus) for i in made.items] == [
        ("阵地建设", 60, False),
        ("活动开展", 40, False),
        ("创新加分", 5, True),
    ]
    assert made.levels == (LevelSpec(2, 80, 60, None, ("nursing_room", "aed")),)
    assert panel.template() is not None and panel.template().id == made.id  # type: ignore[union-attr]


def test_template_edited_keeps_item_ids(
    ctx: AppContext, page: SitesPage, template: TemplateRecord
) -> None:
    panel = page.evaluations
    panel.edit_template(new=False)
    dialog = panel.dialog
    assert isinstance(dialog, TemplateDialog)
    assert dialog.name.text() == template.name
    assert [i.title for i in dialog.item_specs()] == ["场所", "台账", "表彰"]
    assert [lv.star_level for lv in dialog.level_specs()] == [1, 3, 4]
    dialog.items.item(0, 0).setText("场所与标识")  # type: ignore[union-attr]
    dialog.items.selectRow(1)
    dialog.remove_item()
    dialog.level_widgets[0][0].setChecked(False)
    dialog.save()
    saved = evaluations.get_template(ctx.db, template.id)
    assert [(i.title, i.id) for i in saved.items] == [
        ("场所与标识", template.items[0].id),
        ("表彰", template.items[2].id),
    ]
    assert [lv.star_level for lv in saved.levels] == [3, 4]


def test_enter_moves_to_the_next_item_instead_of_saving(
    qtbot: QtBot, ctx: AppContext, page: SitesPage
) -> None:
    from PySide6.QtCore import Qt

    dialog = open_score_dialog(page)
    # Offscreen the page keeps the active window; the dialog's own focus is what counts.
    dialog.spins[0].setFocus()
    dialog.spins[0].lineEdit().selectAll()
    qtbot.keyClicks(dialog.spins[0], "40")
    qtbot.keyClick(dialog.spins[0], Qt.Key.Key_Return)
    assert dialog.focusWidget() in (dialog.spins[1], dialog.spins[1].lineEdit())
    qtbot.keyClick(dialog.spins[1], Qt.Key.Key_Return)
    qtbot.keyClick(dialog.spins[2], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.save_button
    assert count(ctx, "SELECT count(*) FROM evaluations") == 0
    assert dialog.spins[0].value() == 40
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert count(ctx, "SELECT count(*) FROM evaluations") == 1


def test_an_older_evaluation_typed_in_later_says_the_current_level_stays(
    ctx: AppContext, page: SitesPage, station: str, template: TemplateRecord, boxes: Boxes
) -> None:
    a, b, _bonus = (i.id or "" for i in template.items)
    evaluations.score_site(ctx.db, station, template.id, {a: 45, b: 40}, evaluated_on="2026-03-01")
    page.refresh()
    dialog = open_score_dialog(page)
    dialog.date.setDate(QDate(2025, 3, 1))
    dialog.spins[0].setValue(35)
    dialog.spins[1].setValue(30)
    dialog.save()
    assert sites.get_site(ctx.db, station).star_level == 3
    assert "65 分，一星" in boxes.shown[-1][2]
    assert "当前星级仍为三星" in boxes.shown[-1][2]
    assert "当前星级：三星" in page.evaluations.current_label.text()
