"""签到 by card number as a USB scanner does it (the number, then Enter), and 新增活动."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import activities, members
from desktop.views.activities.activity_dialog import ActivityDialog
from desktop.views.activities.page import ActivitiesPage
from desktop.views.context import AppContext
from desktop.views.qtmodels import activity_table as at


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
            "starts_at": f"{date.today():%Y-%m-%d} 09:00",
            "ends_at": f"{date.today():%Y-%m-%d} 11:00",
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
