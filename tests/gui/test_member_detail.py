"""会员详情 (issue #21): double-click from the member list and from an activity's
sign-in list opens the member's page with masked fields, history, activities, transfers."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.models.ids import new_id
from desktop.services import activities
from desktop.services.members import registry as members
from desktop.views.activities.attendance_panel import AttendancePanel
from desktop.views.context import AppContext
from desktop.views.members.detail_dialog import MemberDetailDialog

from .test_main_window import members_page, open_window


def _field_texts(dialog: MemberDetailDialog) -> dict[str, str]:
    form = dialog.fields
    found = {}
    for row in range(form.rowCount()):
        label = form.itemAt(row, form.ItemRole.LabelRole).widget().text()
        found[label] = form.itemAt(row, form.ItemRole.FieldRole).widget().text()
    return found


def _cells(model: object) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]  # type: ignore[attr-defined]
        for r in range(model.rowCount())  # type: ignore[attr-defined]
    ]


def test_double_click_on_the_member_list_opens_the_detail_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    member_id = registry["张三"]
    members.update(ctx.db, member_id, {"phone": "13912345678", "joined_on": "2020-01-01"})
    members.mark_left(ctx.db, member_id, "withdrawn", on=date(2026, 6, 1), reason="本人申请")
    with ctx.db.connect() as conn:  # a transfers row, as the transfer feature will write it
        conn.exec_driver_sql(
            "INSERT INTO transfers (id, member_id, from_union_id, to_union_name, "
            "transferred_on, slip_no, reason, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (new_id(), member_id, registry["甲公司工会"], "外区工会", "2026-06-01", "ZJ-1", "调动"),
        )
    page = members_page(open_window(qtbot, ctx))
    page.navigate(status="all")
    page.select_member(member_id)
    page.table.doubleClicked.emit(page.table.currentIndex())
    dialog = page.dialog
    assert isinstance(dialog, MemberDetailDialog) and dialog.member_id == member_id
    fields = _field_texts(dialog)
    record = members.get(ctx.db, member_id)
    assert fields["姓名"] == "张三" and fields["会籍状态"] == "已退会"
    assert record.id_number not in fields["身份证号"] and "*" in fields["身份证号"]
    assert "13912345678" not in fields["手机号"]
    [change] = _cells(dialog.history_model)
    assert change[:4] == ["2026-06-01", "在会", "已退会", "本人申请"] and change[4]
    assert _cells(dialog.transfers_model) == [
        ["2026-06-01", "甲公司工会", "外区工会", "ZJ-1", "调动"]
    ]
    assert dialog.tabs.tabText(1) == "会籍变更（1）"


def test_double_click_on_a_sign_in_opens_the_members_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    activity = activities.add(
        ctx.db,
        {
            "title": "职工运动会",
            "category": "文体健康",
            "starts_at": "2026-11-01 09:00",
            "ends_at": "2026-11-01 11:00",
        },
    )
    activities.attend_member(ctx.db, activity.id, registry["李四"])
    panel = AttendancePanel(ctx)
    qtbot.addWidget(panel)
    panel.set_activity(activity)
    panel.list.setCurrentRow(0)
    panel.list.itemDoubleClicked.emit(panel.list.item(0))
    dialog = panel.member_dialog
    assert isinstance(dialog, MemberDetailDialog) and dialog.member_id == registry["李四"]
    assert _cells(dialog.activities_model)[0][:2] == ["2026-11-01", "职工运动会"]
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert dialog.child is not None  # 编辑… opens the member dialog


def test_the_member_page_shows_the_members_honours(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """Issue #22 item 4: honours are shown on the member page (the 荣誉与法律援助 tab)."""
    from desktop.services.honours import records

    member_id = registry["张三"]
    records.add_honour(
        ctx.db,
        {"member_id": member_id, "title": "劳动模范", "level": "市", "year": 2025},
        today=date(2026, 11, 21),
    )
    dialog = MemberDetailDialog(ctx, member_id)
    qtbot.addWidget(dialog)
    shown = [
        dialog.care_records.honours.item(i).text()
        for i in range(dialog.care_records.honours.count())
    ]
    assert len(shown) == 1 and "劳动模范" in shown[0] and "2025" in shown[0]
    other = MemberDetailDialog(ctx, registry["李四"])
    qtbot.addWidget(other)
    assert other.care_records.honours.item(0).text() == "（无）"


def test_the_member_page_shows_the_card_photo(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    import io

    from PIL import Image

    from desktop.services.members import photos

    member_id = registry["李四"]
    dialog = MemberDetailDialog(ctx, member_id)
    qtbot.addWidget(dialog)
    assert dialog.portrait.pixmap().isNull() and "无照片" in dialog.portrait.text()
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "navy").save(out, "JPEG")
    photos.attach(ctx.db, member_id, "照片.jpg", out.getvalue())
    dialog.load()
    shown = dialog.portrait.pixmap()
    assert not shown.isNull() and shown.width() == 120 and dialog.portrait.text() == ""
