"""Honours: the 登记荣誉 dialog (member and team titles, refusals inline, nothing
written), the 荣誉 page, and the member list's honour filter."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from desktop.services.honours import records
from desktop.storage.database import Database
from desktop.views.context import AppContext
from desktop.views.honours.honour_dialog import HonourDialog
from desktop.views.honours.page import HonoursPage
from desktop.views.members.page import MembersPage


def _title(dialog: HonourDialog, code: str) -> None:
    combo = dialog.editors["title"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(code))


def test_honour_dialog_member_and_team(
    ctx: AppContext, registry: dict[str, str], db: Database, qtbot: object
) -> None:
    page = HonoursPage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.add_button.click()
    dialog = page.dialog
    assert isinstance(dialog, HonourDialog)
    _title(dialog, "model_worker")
    dialog.editors["level"].set_code("provincial")  # type: ignore[attr-defined]
    dialog.save()  # no member picked
    assert "请选择获奖会员" in dialog.messages["member_id"].text()
    dialog.picker.search.setText("李四")
    dialog.picker.search.flush()
    dialog.picker._enter_in_box()
    year = dialog.editors["year"]
    assert isinstance(year, QLineEdit) and year.text() == "2026"  # the pinned clock's year
    year.setText("2031")
    dialog.save()
    assert "晚于今年" in dialog.messages["year"].text()
    assert records.list_honours(db) == []
    year.setText("2024")
    dialog.save()
    [honour] = records.list_honours(db)
    assert (honour.holder, honour.title, honour.level_label) == ("李四", "劳动模范", "省级")
    assert page.model.rowCount() == 1

    page.add_button.click()
    team = page.dialog
    assert isinstance(team, HonourDialog)
    _title(team, "pioneer_team")
    assert team.editors["team_name"].isEnabled()
    team.editors["level"].set_code("city")  # type: ignore[attr-defined]
    team.save()
    assert "是集体荣誉" in team.messages["team_name"].text()
    name = team.editors["team_name"]
    assert isinstance(name, QLineEdit)
    name.setText("焊装三班")
    team.save()
    assert page.model.rowCount() == 2
    assert "焊装三班（集体）" in [page.model.data(page.model.index(r, 3)) for r in range(2)]


def test_member_list_filters_by_honour(
    ctx: AppContext, registry: dict[str, str], db: Database, qtbot: object
) -> None:
    records.add_honour(
        db, {"member_id": registry["王五"], "title": "南粤工匠", "level": "省", "year": 2025}
    )
    page = MembersPage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.apply_filter()
    assert page.model.rowCount() == 3
    combo = page.honour_filter
    combo.setCurrentIndex(combo.findText("南粤工匠"))
    assert page.model.filter.honour_title == "nanyue_craftsman"
    assert page.model.rowCount() == 1
    assert page.count_label.text() == "共 1 人"
    combo.setCurrentIndex(combo.findText("劳动模范"))
    assert page.model.rowCount() == 0
    page.navigate(honour_title="")
    assert page.model.rowCount() == 3


def test_member_panel_lists_honours_and_cases(
    ctx: AppContext, registry: dict[str, str], db: Database, qtbot: object
) -> None:
    from desktop.services.legal import cases
    from desktop.views.honours.member_records import MemberCareRecords

    member = registry["张三"]
    records.add_honour(
        db, {"member_id": member, "title": "五一劳动奖章", "level": "国家", "year": 2023}
    )
    case = cases.add_case(db, {"member_id": member, "case_type": "工伤", "intake_on": "2026-05-06"})
    panel = MemberCareRecords(ctx, member)
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    assert panel.honours.item(0).text() == "2023年  五一劳动奖章  国家级"
    assert panel.cases.item(0).text() == "2026-05-06  工伤  受理"
    asked: list[tuple[str, dict[str, object]]] = []
    ctx.navigate_requested.connect(lambda area, params: asked.append((area, params)))
    panel.cases.itemDoubleClicked.emit(panel.cases.item(0))
    assert asked == [("legal", {"case_id": case.id})]
    panel.set_member(registry["王五"])
    assert panel.honours.item(0).text() == "（无）" and panel.cases.item(0).text() == "（无）"
