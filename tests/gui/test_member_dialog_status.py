"""The member dialog offers only the statuses an edit may set (QA report B3): a new
member is 申请中, 在会 or 保留会籍; leaving is 会员离会 (with a date) or a transfer out
(with a slip). A member who left shows that status as it is and may be made 在会 again."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.members import history
from desktop.services.members import registry as members
from desktop.services.transfers import records as transfers
from desktop.views.context import AppContext
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.widgets.code_combo import CodeCombo

from .test_main_window import members_page, open_window


def _offered(dialog: MemberDialog) -> list[str | None]:
    combo = dialog.editors["membership_status"]
    assert isinstance(combo, CodeCombo)
    return [combo.itemData(i) for i in range(combo.count())]


def test_a_new_member_is_offered_no_leaving_status(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    page = members_page(open_window(qtbot, ctx))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MemberDialog)
    assert _offered(dialog) == [None, "applicant", "active", "retained"]
    assert dialog.values()["membership_status"] == "active"


def test_an_edit_offers_no_leaving_status_to_a_current_member(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    dialog = MemberDialog(ctx, registry["张三"])
    qtbot.addWidget(dialog)
    assert _offered(dialog) == [None, "applicant", "active", "retained"]


def test_a_member_transferred_out_shows_it_and_may_return(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    member_id = registry["王五"]
    members.update(ctx.db, member_id, {"joined_on": "2020-01-01"})
    transfers.transfer_out(ctx.db, member_id, to_union_name="外区总工会")
    dialog = MemberDialog(ctx, member_id)
    qtbot.addWidget(dialog)
    assert _offered(dialog) == [None, "applicant", "active", "retained", "transferred_out"]
    assert dialog.values()["membership_status"] == "transferred_out"
    dialog.set_value("position", "焊工")  # an edit that leaves the status alone
    dialog.save()
    record = members.get(ctx.db, member_id)
    assert (record.membership_status, record.position) == ("transferred_out", "焊工")
    assert record.left_on is not None

    again = MemberDialog(ctx, member_id)
    qtbot.addWidget(again)
    again.set_value("membership_status", "active")
    again.save()
    back = members.get(ctx.db, member_id)
    assert back.membership_status == "active" and back.left_on is None
    assert history.status_history(ctx.db, member_id)[-1].to_status == "active"
    assert back.joined_on == date(2020, 1, 1)
