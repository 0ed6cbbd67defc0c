"""入会申请 review queue (issue #21): approve and reject from the page, the current-member
flag, the navigation count and the dashboard card that opens the queue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from desktop.services.applications import queries, records
from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.views.applications.approve_dialog import ApproveDialog
from desktop.views.applications.page import ApplicationsPage
from desktop.views.applications.reject_dialog import RejectDialog
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.qtmodels import application_table as at

from .conftest import valid_id

APPLICANT_ID = valid_id("44030419920202456")


def _apply(
    ctx: AppContext, union_id: str, name: str = "赵六", id_number: str = APPLICANT_ID
) -> str:
    return records.add(
        ctx.db, {"name": name, "id_number": id_number, "union_id": union_id, "channel": "扫码"}
    ).id


def _page(qtbot: QtBot, ctx: AppContext) -> ApplicationsPage:
    page = ApplicationsPage(ctx)
    qtbot.addWidget(page)
    return page


def test_approve_from_the_queue_creates_the_member(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    app_id = _apply(ctx, registry["甲公司工会"])
    page = _page(qtbot, ctx)
    assert page.model.rowCount() == 1 and "待审核 1" in page.counts_label.text()
    assert "*" in page.model.data(page.model.index(0, at.COL_ID_NUMBER))
    page.select(app_id)
    assert page.approve_button.isEnabled()
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ApproveDialog)
    dialog.approver.setText("李主席")
    said: list[str] = []
    ctx.status_message.connect(said.append)
    dialog.save()
    assert dialog.approval is not None
    # the clerk is told the card number to write on the card
    assert said == [
        f"已批准「赵六」入会：会员证号 {dialog.approval.card_no}，"
        f"入会日期 {dialog.approval.joined_on.isoformat()}"
    ]
    member = members.get(ctx.db, dialog.approval.member_id)
    assert member.name == "赵六" and member.card_no and member.membership_status == "active"
    assert [h.operator for h in history.status_history(ctx.db, member.id)] == ["李主席"]
    page.refresh()
    assert page.model.rowCount() == 0 and "已批准 1" in page.counts_label.text()


def test_reject_needs_a_reason_and_keeps_it(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    app_id = _apply(ctx, registry["甲公司工会"])
    page = _page(qtbot, ctx)
    page.select(app_id)
    qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, RejectDialog)
    dialog.save()
    assert "原因" in dialog.error.text() and queries.get(ctx.db, app_id).status == "submitted"
    dialog.reason.setText("非本单位职工")
    dialog.save()
    assert queries.get(ctx.db, app_id).reject_reason == "非本单位职工"
    page.navigate(status=None, search="本单位")
    assert page.model.rowCount() == 1
    assert "非本单位职工" in page.model.data(page.model.index(0, at.COL_REVIEW))


def test_an_application_of_a_current_member_is_flagged_and_cannot_be_approved(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    current = members.get(ctx.db, registry["张三"])
    app_id = _apply(ctx, registry["乙公司工会"], "张三", current.id_number)
    page = _page(qtbot, ctx)
    page.select(app_id)
    assert "已是在会会员" in page.model.data(page.model.index(0, at.COL_STATUS))
    assert not page.approve_button.isEnabled() and page.reject_button.isEnabled()
    row = page.selected()
    assert row is not None
    dialog = ApproveDialog(ctx, row, page)  # the service refuses even if the button were on
    qtbot.addWidget(dialog)
    dialog.joined_on.setDate(date(2026, 11, 1))
    dialog.save()
    assert "张三" in dialog.error.text() and "甲公司工会" in dialog.error.text()
    assert queries.get(ctx.db, app_id).status == "submitted"


def test_navigation_count_and_dashboard_card_open_the_queue(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    _apply(ctx, registry["甲公司工会"])
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "入会申请（1）" in labels
    dashboard = window.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.applications.value.text() == "1")
    qtbot.mouseClick(dashboard.applications_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "applications"
    page = window.pages["applications"]
    assert isinstance(page, ApplicationsPage) and page.status_filter.code() == "submitted"
    assert page.model.rowCount() == 1


def test_record_an_application_with_inline_messages(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    from desktop.views.applications.application_dialog import ApplicationDialog

    page = _page(qtbot, ctx)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ApplicationDialog)
    young = valid_id("44030420080315123")  # born 2008-03-15
    dialog.editors["name"].setText("钱七")
    dialog.editors["id_number"].setText(young)
    dialog.editors["joined_on"].setText("2023-01-01")
    dialog.save()
    assert "年满 16 周岁" in dialog.errors["joined_on"].text()
    assert young not in dialog.errors["joined_on"].text()
    assert queries.counts(ctx.db)["submitted"] == 0
    dialog.editors["joined_on"].setText("")
    migrant = dialog.editors["is_migrant_worker"]
    assert isinstance(migrant, QComboBox) and migrant.currentData() is None  # 按户籍判断
    migrant.setCurrentIndex(migrant.findText("是"))
    dialog.save()
    assert dialog.saved_id is not None
    assert queries.get(ctx.db, dialog.saved_id).is_migrant_worker is True
    page.refresh()
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, at.COL_NAME)) == "钱七"


def test_print_button_fills_the_form_from_the_application(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from tests.unit.printing.conftest import pdf_text

    app_id = _apply(ctx, registry["甲公司工会"])
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show_area("applications", {"status": "submitted"})
    page = window.pages["applications"]
    assert isinstance(page, ApplicationsPage)
    page.select(app_id)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "printing"
    target = tmp_path / "申请书.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.pages["printing"].save_pdf()
    body = pdf_text(target).replace(" ", "")
    assert "工会会员入会申请书" in body and "赵六" in body and "扫码" in body


def test_a_phone_application_scanned_into_the_queue_is_filed_once(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """Issue #24: the USB scanner types the phone's QR into the queue's scan box; the
    application lands 待审核 with channel 扫码; the same QR again is refused."""
    from tests.gui.test_intake_widgets import PAYLOAD_ID, _payload, _scan

    page = _page(qtbot, ctx)
    text = _payload(ctx, registry["甲公司工会"])
    _scan(qtbot, page.scan_box, text)
    assert page.model.rowCount() == 1
    (row,) = queries.queue(ctx.db, status="submitted")
    record = queries.get(ctx.db, row.id)
    assert record.channel == "qr" and record.name == "李四"
    assert page.selected() is not None and page.selected().id == row.id  # type: ignore[union-attr]
    _scan(qtbot, page.scan_box, text)
    assert "已经登记过" in page.scan_box.result.text()
    assert len(queries.queue(ctx.db, status="submitted")) == 1
    assert PAYLOAD_ID in records.seen_ids(ctx.db)
