"""The member page's roster and card buttons reach the roster and printing areas."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.views.context import AppContext
from desktop.views.roster import actions

from .conftest import Boxes
from .test_main_window import members_page, open_window


def test_export_button_writes_the_filtered_list_masked(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(actions, "_save_path", lambda *_: target)
    boxes.answer = False  # "export full numbers?" → no
    page = members_page(open_window(qtbot, ctx))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    book = load_workbook(target, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()  # read-only books hold the file open until closed
    cells = [str(c) for row in rows[1:] for c in row if c]
    assert len(rows) >= 4 and any("*" in c for c in cells)
    assert ("inform", "导出完成") in [(k, t) for k, t, _ in boxes.shown]


def test_card_button_needs_a_selection_then_opens_printing(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    window = open_window(qtbot, ctx)
    page = members_page(window)
    qtbot.mouseClick(page.card_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["inform"] and window.current_key() == "members"
    page.table.selectRow(0)
    qtbot.mouseClick(page.card_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "printing"


def test_a_header_click_sorts_by_join_date_and_other_columns_say_why_not(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """QA: clicking 入会日期 did nothing; a clerk wants the newest joiners first."""
    from datetime import date

    from desktop.services.members import registry as members
    from desktop.views.qtmodels import member_table as mt

    for name, day in (
        ("张三", date(2019, 3, 1)),
        ("李四", date(2023, 8, 8)),
        ("王五", date(2021, 5, 5)),
    ):
        members.update(ctx.db, registry[name], {"joined_on": day})
    page = members_page(open_window(qtbot, ctx))
    page.refresh()
    header = page.table.horizontalHeader()

    def names() -> list[str]:
        return [page.model.row_at(r).name for r in range(page.model.rowCount())]  # type: ignore[union-attr]

    header.setSortIndicator(mt.COL_JOINED_ON, Qt.SortOrder.DescendingOrder)
    assert names() == ["李四", "王五", "张三"]
    header.setSortIndicator(mt.COL_JOINED_ON, Qt.SortOrder.AscendingOrder)
    assert names() == ["张三", "王五", "李四"]
    # the order stays while the filters change
    page.search.setText("王")
    page.apply_filter()
    assert names() == ["王五"] and page.model.filter.order == "joined_on"
    page.search.setText("")
    page.apply_filter()
    assert names() == ["张三", "王五", "李四"]

    said: list[str] = []
    ctx.status_message.connect(said.append)
    header.setSortIndicator(mt.COL_AGE, Qt.SortOrder.AscendingOrder)  # 年龄: no index
    assert names() == ["张三", "王五", "李四"]
    assert header.sortIndicatorSection() == mt.COL_JOINED_ON  # the arrow is put back
    assert said and "「年龄」列不能排序" in said[-1]


def test_leave_and_transfer_are_off_for_a_member_who_left_and_say_why(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """QA: 离会 stayed enabled for a member who had left; the dialog then refused."""
    from desktop.services.members import registry as members

    members.mark_left(ctx.db, registry["李四"], "withdrawn")
    page = members_page(open_window(qtbot, ctx))
    page.status_filter.set_code("all")
    page.apply_filter()
    page.select_member(registry["李四"])
    assert not page.leave_button.isEnabled() and not page.transfer_button.isEnabled()
    assert "已退会" in page.leave_button.toolTip()
    assert page.edit_button.isEnabled()  # the record itself can still be corrected
    page.select_member(registry["张三"])
    assert page.leave_button.isEnabled() and page.transfer_button.isEnabled()
    assert "已退会" not in page.leave_button.toolTip()
