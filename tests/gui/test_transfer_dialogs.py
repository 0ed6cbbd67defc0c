"""会籍转接 dialogs (issue #21 item 3): 转出 from the member list and the member page,
转入 from the member list with a scanned slip QR pre-filling it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.transfers import queries, records, slips
from desktop.views.context import AppContext
from desktop.views.members.detail_dialog import MemberDetailDialog
from desktop.views.transfers import printouts
from desktop.views.transfers.in_dialog import TransferInDialog
from desktop.views.transfers.out_dialog import TransferOutDialog

from .conftest import Boxes, valid_id
from .test_main_window import members_page, open_window


def _transfers(ctx: AppContext) -> int:
    return len(queries.listing(ctx.db))


def test_out_inside_the_federation_from_the_member_list(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    boxes.answer = False  # print the slip later
    page = members_page(open_window(qtbot, ctx))
    page.select_member(registry["张三"])
    assert page.transfer_button.isEnabled()
    qtbot.mouseClick(page.transfer_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, TransferOutDialog)
    assert [dialog.union.itemText(i) for i in range(dialog.union.count())] == ["乙公司工会"]
    dialog.reason.setText("岗位调整")
    dialog.ok_button.click()
    moved = members.get(ctx.db, registry["张三"])
    assert moved.union_id == registry["乙公司工会"] and moved.membership_status == "active"
    [record] = queries.listing(ctx.db)
    assert record.kind == "internal" and record.reason == "岗位调整"
    assert boxes.kinds() == ["confirm"] and record.slip_no in boxes.shown[0][2]


def test_out_of_the_federation_from_the_member_page_prints_the_slip(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "slip.pdf"
    monkeypatch.setattr(printouts, "save_path", lambda *_: target)
    detail = MemberDetailDialog(ctx, registry["李四"])
    qtbot.addWidget(detail)
    detail.transfer_button.click()
    dialog = detail.child
    assert isinstance(dialog, TransferOutDialog)
    dialog.outside.setChecked(True)
    assert not dialog.union.isEnabled() and dialog.destination.isEnabled()
    dialog.destination.setText("深圳市南山区总工会")
    dialog.ok_button.click()
    assert members.get(ctx.db, registry["李四"]).membership_status == "transferred_out"
    assert target.stat().st_size > 1000  # the slip was written
    assert detail.tabs.tabText(3) == "会籍转接（1）"  # the page reloaded
    assert "已生成" in boxes.shown[-1][2]


def test_out_refusals_show_in_the_dialog_and_write_nothing(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    dialog = TransferOutDialog(ctx, registry["王五"])
    qtbot.addWidget(dialog)
    dialog.outside.setChecked(True)
    dialog.destination.setText("乙公司工会")  # the union the member is already in
    dialog.ok_button.click()
    assert "不能转接到其所在的工会" in dialog.error.text()
    assert dialog.result() == 0 and _transfers(ctx) == 0 and boxes.shown == []


def test_in_from_a_scanned_slip_links_the_earlier_record(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    out = records.transfer_out(ctx.db, registry["张三"], to_union_name="外区总工会")
    with ctx.db.connect(write=False) as conn:
        qr = slips.payload_in(conn, out)
    page = members_page(open_window(qtbot, ctx))
    qtbot.mouseClick(page.transfer_in_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, TransferInDialog)
    dialog.scan.setText(qr)
    qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert dialog.slip.text() == out.slip_no and dialog.name.text() == "张三"
    assert dialog.source.text() == "甲公司工会" and "签名有效" in dialog.scan_state.text()
    dialog.id_number.setText(members.get(ctx.db, registry["张三"]).id_number)
    dialog.union.setCurrentIndex(dialog.union.findData(registry["乙公司工会"]))
    dialog.ok_button.click()
    back = members.get(ctx.db, registry["张三"])
    assert back.membership_status == "active" and back.union_id == registry["乙公司工会"]
    assert dialog.result_ is not None and dialog.result_.outcome == "linked"
    assert history.life(ctx.db, registry["张三"]).transfers[-1].from_union == "甲公司工会"
    assert boxes.kinds() == ["inform"] and "关联" in boxes.shown[0][2]


def test_in_with_an_unknown_slip_and_id_is_a_plain_join_with_a_note(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    dialog = TransferInDialog(ctx, registry["甲公司工会"])
    qtbot.addWidget(dialog)
    dialog.scan.setText("UD1:not-a-slip")
    qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert "UDTR1" in dialog.scan_state.text()
    dialog.slip.setText("SZ2026X0001")
    dialog.name.setText("赵六")
    dialog.id_number.setText(valid_id("44030419800202456"))
    dialog.source.setText("深圳市南山区总工会")
    dialog.ok_button.click()
    assert dialog.result_ is not None and dialog.result_.outcome == "new"
    assert "按新入会办理" in boxes.shown[-1][2] and "说明" in boxes.shown[-1][2]
    assert members.get(ctx.db, dialog.result_.member_id).union_id == registry["甲公司工会"]
    again = TransferInDialog(ctx, registry["甲公司工会"])
    qtbot.addWidget(again)
    again.name.setText("赵六")
    again.id_number.setText(valid_id("44030419800202456"))
    again.ok_button.click()
    assert "在会会员" in again.error.text() and _transfers(ctx) == 1


def test_a_member_who_left_cannot_be_transferred_from_the_list_or_the_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    members.mark_left(ctx.db, registry["王五"], "withdrawn", on=None, reason="本人申请")
    detail = MemberDetailDialog(ctx, registry["王五"])
    qtbot.addWidget(detail)
    assert not detail.transfer_button.isEnabled()
    page = members_page(open_window(qtbot, ctx))
    page.navigate(status="all")
    page.select_member(registry["王五"])
    # off, as on the member's page, with the reason on the button (was: an error box)
    assert not page.transfer_button.isEnabled()
    assert "「已退会」" in page.transfer_button.toolTip()
    qtbot.mouseClick(page.transfer_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None and boxes.kinds() == []
