"""会籍转接 page: every transfer listed newest first, filtered by kind and text, the slip
reprinted, 转入登记 from the page, the member's page on double-click."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.transfers import records
from desktop.views.context import AppContext
from desktop.views.members.detail_dialog import MemberDetailDialog
from desktop.views.qtmodels import transfer_table as tt
from desktop.views.transfers import printouts
from desktop.views.transfers.in_dialog import TransferInDialog
from desktop.views.transfers.page import TransfersPage

from .conftest import Boxes


def _cells(page: TransfersPage, column: int) -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(r, column)) for r in range(proxy.rowCount())]


def test_lists_filters_reprints_and_opens_the_member(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zhang = registry["张三"]
    records.transfer_out(ctx.db, zhang, to_union_id=registry["乙公司工会"], reason="岗位调整")
    out = records.transfer_out(ctx.db, registry["李四"], to_union_name="深圳市南山区总工会")
    page = TransfersPage(ctx)
    qtbot.addWidget(page)
    assert _cells(page, tt.COL_MEMBER) == ["李四", "张三"]  # newest first
    assert _cells(page, tt.COL_KIND) == ["转出联合会", "联合会内转接"]
    assert page.count_label.text() == "共 2 条"
    assert all("*" in v for v in _cells(page, tt.COL_ID))  # never a full ID number

    page.kind_filter.setCurrentIndex(page.kind_filter.findData("internal"))
    assert _cells(page, tt.COL_MEMBER) == ["张三"]
    page.kind_filter.setCurrentIndex(0)
    page.search.setText("南山")
    assert _cells(page, tt.COL_MEMBER) == ["李四"] and page.count_label.text() == "显示 1 / 2 条"
    page.search.setText("")

    assert not page.print_button.isEnabled()  # nothing selected
    page.select(out.id)
    assert page.print_button.isEnabled()
    target = tmp_path / "slip.pdf"
    monkeypatch.setattr(printouts, "save_path", lambda *_: target)
    page.print_slip()
    qtbot.waitUntil(lambda: target.exists() and target.stat().st_size > 1000)

    page.show_member()
    assert isinstance(page.dialog, MemberDetailDialog)
    assert page.dialog.member_id == registry["李四"]
    page.dialog.reject()

    page.in_button.click()
    assert isinstance(page.dialog, TransferInDialog)
    page.dialog.reject()
    ctx.changed("members")  # another page wrote: the list reloads, keeping the selection
    assert page.selected() is not None and page.selected().id == out.id
