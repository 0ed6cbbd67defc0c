"""Roll-up pages at an upper office (issue #25 item 5): the 工会 page, 首页 and the member
list of a district union holding its parks' registries (received by sync, built through
the CLI in tests/hub_offices.py) show every federation and filter by one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.storage.database import Database
from desktop.views.context import AppContext
from desktop.views.dashboard.page import DashboardPage
from desktop.views.main_window import MainWindow
from desktop.views.members.page import MembersPage
from desktop.views.qtmodels import member_table as mt
from desktop.views.qtmodels import union_table as ut
from desktop.views.tasks import SyncTaskRunner
from desktop.views.unions.page import UnionsPage
from tests.gui.conftest import Boxes
from tests.hub_offices import DISTRICT, PARK_A, PARK_B, hub_db, hub_offices

__all__ = ["hub_db", "hub_offices"]


@pytest.fixture
def hub_ctx(hub_db: Database, qapp: Any, boxes: Boxes) -> Iterator[AppContext]:
    context = AppContext(hub_db, SyncTaskRunner())
    yield context
    context.deleteLater()


def open_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx, DISTRICT)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def pick(combo: Any, text: str) -> None:
    """Choose the item whose label starts with ``text``, as a clerk's click would."""
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    combo.setCurrentIndex(index)


def union_rows(page: UnionsPage) -> list[tuple[str, str]]:
    model = page.model
    return [
        (
            model.data(model.index(r, ut.COL_NAME)),
            model.data(model.index(r, ut.COL_FEDERATION)),
        )
        for r in range(model.rowCount())
    ]


def member_names(page: MembersPage) -> list[str]:
    model = page.model
    return sorted(model.data(model.index(r, mt.COL_NAME)) for r in range(model.rowCount()))


def test_unions_page_lists_every_federation_and_filters_by_one(
    qtbot: QtBot, hub_ctx: AppContext, boxes: Boxes
) -> None:
    page = UnionsPage(hub_ctx)
    qtbot.addWidget(page)
    assert union_rows(page) == [
        ("区机关工会", f"{DISTRICT}（本会）"),
        ("甲二公司工会", PARK_A),
        ("甲一公司工会", PARK_A),
        ("乙一公司工会", PARK_B),
    ]
    combo = page.federation_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "全部联合会",
        f"本会（{DISTRICT}）",
        PARK_A,
        PARK_B,
    ]
    assert not combo.isHidden()
    pick(combo, PARK_A)
    assert [name for name, _fed in union_rows(page)] == ["甲二公司工会", "甲一公司工会"]

    # another federation's union: shown, not editable here
    page.table.selectRow(0)
    assert page.members_button.isEnabled()
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert "其他联合会" in page.edit_button.toolTip()
    page.edit_union()  # a double-click
    assert page.dialog is None
    [(kind, _title, text)] = boxes.shown
    assert kind == "inform" and f"属于「{PARK_A}」" in text and "不能修改" in text

    pick(combo, "本会")
    assert [name for name, _fed in union_rows(page)] == ["区机关工会"]
    page.table.selectRow(0)
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()


def test_dashboard_filters_by_federation_and_clicks_through_to_its_members(
    qtbot: QtBot, hub_ctx: AppContext
) -> None:
    window = open_window(qtbot, hub_ctx)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    assert page.total.value.text() == "8"
    assert {bar.label for bar in page.union_chart.bars} == {
        "区机关工会",
        "甲一公司工会",
        "甲二公司工会",
        "乙一公司工会",
    }
    assert page.scope_label.isHidden()

    pick(page.federation_filter, PARK_A)
    assert page.total.value.text() == "4"
    bars = {bar.label: bar.value for bar in page.union_chart.bars}
    assert bars == {"甲一公司工会": 3, "甲二公司工会": 1}
    assert not page.scope_label.isHidden()  # activities stay the whole registry's

    page.open_members(migrant=None)  # the page's click-through, narrowed the same way
    members = window.pages["members"]
    assert isinstance(members, MembersPage)
    assert members.current_filter().federation_id == page.federation_filter.federation_id()
    assert member_names(members) == ["会员a1", "会员a2", "会员a3", "会员a4"]


def test_members_page_filters_by_federation(qtbot: QtBot, hub_ctx: AppContext) -> None:
    page = MembersPage(hub_ctx)
    qtbot.addWidget(page)
    page.navigate(status="all")
    assert len(member_names(page)) == 8
    pick(page.federation_filter, PARK_B)
    assert member_names(page) == ["会员b1", "会员b2"]
    assert page.count_label.text() == "共 2 人"
    page.union_filter.reload()
    unions = [page.union_filter.itemText(i) for i in range(page.union_filter.count())]
    assert unions == ["全部工会", "乙一公司工会（2）"]
    pick(page.federation_filter, "全部")
    assert len(member_names(page)) == 8


def test_a_grassroots_office_sees_no_federation_filter(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    page = UnionsPage(ctx)
    qtbot.addWidget(page)
    assert page.federation_filter.isHidden() and page.federation_label.isHidden()
    assert union_rows(page)[0][1] == "测试街道总工会（本会）"


def test_roster_export_from_the_members_page_keeps_to_the_chosen_federation(
    qtbot: QtBot,
    hub_ctx: AppContext,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import load_workbook

    from desktop.views.roster import actions

    target = tmp_path / "甲园区名册.xlsx"
    monkeypatch.setattr(actions, "_save_path", lambda *_: target)
    boxes.answer = False  # masked
    page = MembersPage(hub_ctx)
    qtbot.addWidget(page)
    page.navigate(status="all")
    pick(page.federation_filter, PARK_A)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    book = load_workbook(target, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    records = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert sorted(str(r["姓名"]) for r in records) == ["会员a1", "会员a2", "会员a3", "会员a4"]
    assert {r["所属工会"] for r in records} == {"甲一公司工会", "甲二公司工会"}


def test_a_park_member_is_corrected_at_the_district(qtbot: QtBot, hub_ctx: AppContext) -> None:
    """The member dialog offers a sub-federation member's own union (named with its
    federation), so the district can correct the record; the change is saved as any
    edit (it travels to the park in the district's packages)."""
    from desktop.services.members import registry as members
    from desktop.views.members.member_dialog import MemberDialog

    page = MembersPage(hub_ctx)
    qtbot.addWidget(page)
    page.navigate(status="all")
    pick(page.federation_filter, PARK_B)
    first = page.model.row_at(0)
    assert first is not None
    member_id = first.id
    dialog = MemberDialog(hub_ctx, member_id)
    qtbot.addWidget(dialog)
    combo = dialog.editors["union_id"]
    assert combo.currentText() == f"乙一公司工会（{PARK_B}）"
    dialog.editors["employer"].setText("乙一公司（新址）")
    dialog.save()
    assert dialog.saved_id == member_id
    saved = members.get(hub_ctx.db, member_id)
    assert saved.employer == "乙一公司（新址）" and saved.union_name == "乙一公司工会"


def test_two_federations_of_one_name_are_told_apart_in_the_filter(
    qtbot: QtBot, hub_db: Database, qapp: Any
) -> None:
    """Two sub-federations bearing one name were two identical lines in the box."""
    from sqlalchemy import text

    from desktop.services.unions import scope
    from desktop.views.widgets.federation_combo import FederationFilterCombo

    ids = {c.name: c.id for c in scope.held(hub_db)}
    with hub_db.connect() as conn:
        conn.execute(
            text("UPDATE federations SET name = :a WHERE id = :b"),
            {"a": PARK_A, "b": ids[PARK_B]},
        )
    combo = FederationFilterCombo(hub_db)
    qtbot.addWidget(combo)
    labels = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert labels[ids[PARK_A]] != labels[ids[PARK_B]]
    for federation in (ids[PARK_A], ids[PARK_B]):
        assert labels[federation].startswith(PARK_A) and federation[-8:] in labels[federation]
    assert labels[ids[DISTRICT]] == f"本会（{DISTRICT}）"  # a name held once: as before


def test_long_federation_names_keep_the_member_page_within_a_small_screen(
    qtbot: QtBot, hub_ctx: AppContext
) -> None:
    """The federation box took the width of its longest name (with the number of a
    repeated name, 30+ characters): at 1366 × 768 the window grew past the screen and
    the filters at the right were cut off."""
    from sqlalchemy import text

    from desktop.services.unions import scope

    ids = {c.name: c.id for c in scope.held(hub_ctx.db)}
    long_name = "新疆维吾尔自治区乌鲁木齐经济技术开发区（头屯河区）总工会高新技术产业园区工会联合会"
    with hub_ctx.db.connect() as conn:
        for federation in (ids[PARK_A], ids[PARK_B]):
            conn.execute(
                text("UPDATE federations SET name = :n WHERE id = :i"),
                {"n": long_name, "i": federation},
            )
    window = open_window(qtbot, hub_ctx)
    page = window.show_area("members")
    assert isinstance(page, MembersPage)
    assert page.federation_filter.isVisible()
    assert window.minimumSizeHint().width() <= 1366, window.minimumSizeHint()
    assert page.federation_filter.sizeHint().width() <= 320
    window.resize(1280, 744)  # the window as it opens on a 1366 × 768 screen
    qtbot.waitUntil(lambda: window.width() == 1280)
    # the search box kept room to type in (it was squeezed to one character)
    assert page.search.width() >= 200, page.search.width()
