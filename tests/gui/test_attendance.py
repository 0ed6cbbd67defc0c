"""签到 by card number as a USB scanner does it (the number, then Enter), and 新增活动."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop import clock
from desktop.cards import signing
from desktop.services import activities
from desktop.services.members import registry as members
from desktop.views.activities.activity_dialog import ActivityDialog
from desktop.views.activities.page import ActivitiesPage
from desktop.views.context import AppContext
from desktop.views.qtmodels import activity_table as at
from tests.conftest import TEST_TODAY
from tests.gui.conftest import Boxes, valid_id


def card_of(ctx: AppContext, member_id: str) -> str:
    with ctx.db.connect(write=False) as conn:
        return str(
            conn.execute(
                text("SELECT card_no FROM members WHERE id = :id"), {"id": member_id}
            ).scalar_one()
        )


def attendance_rows(ctx: AppContext) -> list[str | None]:
    with ctx.db.connect(write=False) as conn:
        return [
            r[0] for r in conn.execute(text("SELECT member_id FROM attendances WHERE deleted = 0"))
        ]


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, registry: dict[str, str]) -> ActivitiesPage:
    activity = activities.add(
        ctx.db,
        {
            "title": "职工健步走",
            "category": "文体健康",
            "starts_at": f"{TEST_TODAY:%Y-%m-%d} 09:00",
            "ends_at": f"{TEST_TODAY:%Y-%m-%d} 11:00",
        },
    )
    widget = ActivitiesPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.select_activity(activity.id)
    assert widget.attendance.activity is not None
    return widget


def scan(qtbot: QtBot, page: ActivitiesPage, card: str) -> None:
    page.attendance.card_input.setFocus()
    qtbot.keyClicks(page.attendance.card_input, card)
    qtbot.keyClick(page.attendance.card_input, Qt.Key.Key_Return)


def test_scanned_card_checks_the_member_in(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    scan(qtbot, page, card_of(ctx, registry["张三"]))
    assert attendance_rows(ctx) == [registry["张三"]]
    panel = page.attendance
    assert not panel.message.is_error
    assert "张三" in panel.message.text()
    assert panel.card_input.text() == ""  # ready for the next scan
    assert panel.list.count() == 1
    assert "已签到 1 人" in panel.count_label.text()
    assert page.model.data(page.model.index(0, at.COL_ATTENDANCE)) == "1"
    assert "（1 / 3 名会员）" in page.coverage_label.text()

    # The same card again is refused, nothing more written.
    scan(qtbot, page, card_of(ctx, registry["张三"]))
    assert panel.message.is_error and "已签到" in panel.message.text()
    assert len(attendance_rows(ctx)) == 1


def test_unknown_or_withdrawn_card_is_refused_inline(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    panel = page.attendance
    scan(qtbot, page, "NO-SUCH-CARD-9")
    assert panel.message.is_error
    assert "未找到该会员" in panel.message.text()
    assert attendance_rows(ctx) == []

    withdrawn = card_of(ctx, registry["王五"])
    members.mark_left(ctx.db, registry["王五"], "withdrawn")
    scan(qtbot, page, withdrawn)
    assert panel.message.is_error
    assert "退会" in panel.message.text() or "不能以会员身份签到" in panel.message.text()
    assert attendance_rows(ctx) == []
    assert panel.list.count() == 0


def test_scanned_card_qr_checks_the_member_in_and_a_forged_one_is_refused(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    """The scanner types the printed card's whole QR payload, then Enter."""
    with ctx.db.connect(write=False) as conn:
        signer = signing.self_signer(conn)
    qr = signer.payload(card_of(ctx, registry["张三"]), registry["张三"])
    panel = page.attendance
    scan(qtbot, page, qr)
    assert attendance_rows(ctx) == [registry["张三"]]
    assert not panel.message.is_error and "张三 签到成功" in panel.message.text()
    assert panel.card_input.text() == ""

    # 李四's card with 王五's number written in: the signature no longer matches.
    genuine = signer.payload(card_of(ctx, registry["李四"]), registry["李四"])
    altered = genuine.replace(card_of(ctx, registry["李四"]), card_of(ctx, registry["王五"]))
    scan(qtbot, page, altered)
    assert panel.message.is_error
    assert panel.message.text() == "会员证二维码校验失败：可能是伪造或被改动的卡，请核对"
    assert panel.card_input.selectedText() == altered  # the next scan replaces it
    assert attendance_rows(ctx) == [registry["张三"]]


def test_add_activity_shows_bad_times_inline(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    dialog = ActivityDialog(ctx, page)
    qtbot.addWidget(dialog)
    dialog.line("title").setText("法律咨询进企业")
    dialog.line("starts_at").setText("2026-11-21 14:30")
    dialog.line("ends_at").setText("2026-11-21 10:00")
    dialog.save()
    assert dialog.record is None
    assert dialog.messages["ends_at"].is_error
    assert "不能早于开始时间" in dialog.messages["ends_at"].text()
    dialog.line("ends_at").setText("2026-11-21 16:30")
    dialog.line("budget").setText("-5")
    dialog.save()
    assert dialog.messages["budget"].is_error
    assert not dialog.messages["ends_at"].is_error
    dialog.line("budget").setText("1500.50")
    dialog.save()
    assert dialog.record is not None
    assert dialog.record.budget_fen == 150050


def search_for(qtbot: QtBot, page: ActivitiesPage, query: str) -> None:
    box = page.attendance.picker.search
    box.setFocus()
    # As an input method commits Chinese text (QTest cannot type CJK keys), then Enter.
    box.clear()
    box.insert(query)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_member_found_by_search_is_checked_in(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    panel = page.attendance
    picker = panel.picker
    search_for(qtbot, page, "李四")  # one match: Enter in the box checks in
    assert attendance_rows(ctx) == [registry["李四"]]
    assert not panel.message.is_error and "李四 签到成功" in panel.message.text()
    assert picker.search.text() == ""
    assert "已签到 1 人" in panel.count_label.text()
    with ctx.db.connect(write=False) as conn:
        method = conn.execute(text("SELECT method FROM attendances")).scalar_one()
    assert method == "search"

    # Typing pauses → the list fills (the debounce fires), then a double-click picks.
    picker.search.insert("张三")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1)
    line = picker.model.data(picker.model.index(0, 0))
    assert "张三" in line and "甲公司工会" in line and card_of(ctx, registry["张三"]) in line
    rect = picker.view.visualRect(picker.model.index(0, 0))
    # A real double-click is a click then a double-click event; QTest needs both.
    qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sorted(attendance_rows(ctx)) == sorted([registry["李四"], registry["张三"]])
    assert "（2 / 3 名会员）" in page.coverage_label.text()

    # The same member again is refused in the panel, nothing written.
    search_for(qtbot, page, "张三")
    assert panel.message.is_error and "已签到" in panel.message.text()
    assert len(attendance_rows(ctx)) == 2


def test_several_matches_wait_for_a_choice_in_the_list(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    second, _ = members.add(
        ctx.db,
        {
            "name": "张三",
            "id_number": valid_id("44030419700202456"),
            "union_id": registry["乙公司工会"],
            "phone": "13800138000",
        },
    )
    picker = page.attendance.picker
    search_for(qtbot, page, "张三")
    assert picker.model.rowCount() == 2
    lines = [picker.model.data(picker.model.index(i, 0)) for i in range(2)]
    assert any("138****8000" in line for line in lines)  # masked, never the full phone
    assert not any("13800138000" in line for line in lines)
    assert attendance_rows(ctx) == []  # Enter with two 张三 picks nobody
    assert picker.view.hasFocus()
    # ...and says what to do, rather than seeming to do nothing.
    assert picker.hint.isVisible() and "找到 2 名会员" in picker.hint.text()
    assert "↑↓" in picker.hint.text()
    pick = next(i for i, line in enumerate(lines) if "乙公司工会" in line)
    picker.view.setCurrentIndex(picker.model.index(pick, 0))
    qtbot.keyClick(picker.view, Qt.Key.Key_Return)
    assert attendance_rows(ctx) == [second.id]
    assert not picker.hint.isVisible()


def test_withdrawn_member_found_by_search_is_refused(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    members.mark_left(ctx.db, registry["王五"], "withdrawn")
    panel = page.attendance
    search_for(qtbot, page, "王五")
    assert "退会" in panel.picker.model.data(panel.picker.model.index(0, 0))
    assert panel.message.is_error
    assert "不能以会员身份签到" in panel.message.text()
    assert attendance_rows(ctx) == []
    assert panel.list.count() == 0
    assert panel.picker.search.text() == "王五"  # kept, so the clerk sees whom it was


def test_undo_a_check_in_asks_first_and_updates_the_counts(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    page: ActivitiesPage,
    boxes: Boxes,
) -> None:
    panel = page.attendance
    scan(qtbot, page, card_of(ctx, registry["张三"]))
    scan(qtbot, page, card_of(ctx, registry["李四"]))
    assert "（2 / 3 名会员）" in page.coverage_label.text()
    assert not panel.undo_button.isEnabled()  # nothing selected yet

    panel.list.setCurrentRow(0)  # newest first: 李四
    assert panel.undo_button.isEnabled()
    boxes.answer = False
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["confirm"] and "李四" in boxes.shown[0][2]
    assert len(attendance_rows(ctx)) == 2  # said no: nothing changed

    boxes.answer = True
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert attendance_rows(ctx) == [registry["张三"]]
    with ctx.db.connect(write=False) as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM attendances WHERE deleted = 1")).scalar() == 1
        )
    assert "已撤销 李四" in panel.message.text()
    assert panel.list.count() == 1
    assert "已签到 1 人" in panel.count_label.text()
    assert page.model.data(page.model.index(0, at.COL_ATTENDANCE)) == "1"
    assert "（1 / 3 名会员）" in page.coverage_label.text()
    assert not panel.undo_button.isEnabled()

    # Undone, the member can check in again.
    scan(qtbot, page, card_of(ctx, registry["李四"]))
    assert len(attendance_rows(ctx)) == 2


def test_check_in_time_is_shown_in_local_time(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    page: ActivitiesPage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """签到时间 is stored in UTC; a clerk in China (UTC+8) reads the time on the wall
    clock, in the panel and in 会员详情's activity list."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        scan(qtbot, page, card_of(ctx, registry["张三"]))  # stored 09:00 UTC
        line = page.attendance.list.item(0).text()
        assert "刷卡 17:00" in line, line
        from desktop.views.members.detail_dialog import MemberDetailDialog

        dialog = MemberDetailDialog(ctx, registry["张三"])
        qtbot.addWidget(dialog)
        model = dialog.activities_model
        texts = [
            model.data(model.index(r, c))
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        ]
        assert f"{TEST_TODAY:%Y-%m-%d} 17:00" in texts, texts
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_next_years_planned_activity_has_its_year_in_the_filter(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """December's planning of January: the year filter offers next year too, and opens
    on this year."""
    planned = activities.add(
        ctx.db,
        {"title": "新春慰问", "category": "节日喜庆", "starts_at": f"{TEST_TODAY.year + 1}-01-05"},
    )
    widget = ActivitiesPage(ctx)
    qtbot.addWidget(widget)
    assert widget.year_filter.currentData() == TEST_TODAY.year
    index = widget.year_filter.findData(TEST_TODAY.year + 1)
    assert index >= 0
    widget.year_filter.setCurrentIndex(index)
    assert widget.model.row_of(planned.id) == 0


def test_double_click_on_an_erased_attendee_says_why_there_is_no_detail(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    from desktop.services.erasure import records as erasure

    scan(qtbot, page, card_of(ctx, registry["张三"]))
    erasure.erase(ctx.db, registry["张三"], "request")
    page.attendance.reload()
    panel = page.attendance
    panel.list.setCurrentRow(0)
    panel.show_member()
    assert panel.message.is_error and "个人信息已删除" in panel.message.text()
    assert registry["张三"] not in panel.message.text()


def test_a_list_cut_at_its_limit_says_so(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """全部年份 of a busy office can pass the list's limit: the page says the oldest are
    not shown and how to narrow, instead of looking complete."""
    monkeypatch.setattr(at, "LIMIT", 2)
    for day in (1, 2, 3):
        activities.add(
            ctx.db, {"title": f"讲座{day}", "category": "法律援助", "starts_at": f"2026-11-0{day}"}
        )
    widget = ActivitiesPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.model.rowCount() == 2
    assert widget.more_label.isVisible() and "最近的 2 项" in widget.more_label.text()
    widget.search.setText("讲座3")
    widget.apply_filter()
    assert widget.model.rowCount() == 1 and not widget.more_label.isVisible()


def test_a_check_in_typed_in_on_a_later_day_shows_its_date(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], page: ActivitiesPage
) -> None:
    """Last month's paper sheet typed in today: the list says when it was entered, with
    the date, not a bare time that reads like the activity's own hour."""
    earlier = activities.add(
        ctx.db, {"title": "秋季健步走", "category": "文体健康", "starts_at": "2026-10-15 09:00"}
    )
    page.refresh()
    page.select_activity(earlier.id)
    scan(qtbot, page, card_of(ctx, registry["张三"]))
    assert f"刷卡 {TEST_TODAY:%Y-%m-%d} 09:00" in page.attendance.list.item(0).text()


def test_the_year_filter_follows_new_year_while_the_window_stays_open(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], fixed_clock: clock.FixedClock
) -> None:
    """Left open over New Year: the next refresh offers the new year (and the one after)
    and moves the list from the old 本年 to the new one."""
    widget = ActivitiesPage(ctx)
    qtbot.addWidget(widget)
    assert widget.year_filter.currentData() == TEST_TODAY.year
    fixed_clock.advance(date(TEST_TODAY.year + 1, 1, 2) - TEST_TODAY)
    widget.refresh()
    assert widget.year_filter.currentData() == TEST_TODAY.year + 1
    assert widget.year_filter.findData(TEST_TODAY.year + 2) >= 0
    assert widget.model.year == TEST_TODAY.year + 1
