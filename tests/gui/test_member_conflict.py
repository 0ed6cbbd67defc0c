"""Two clerks, one member (issue #25, item 3): the member dialog's second save is told
and shown the difference, then reloads, saves anyway or goes back — as chosen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services.members import registry as members
from desktop.views.context import AppContext
from desktop.views.members import conflict_dialog
from desktop.views.members.leave_dialog import LeaveDialog
from desktop.views.members.member_dialog import MemberDialog

from .conftest import Boxes
from .test_main_window import type_into

THEIRS = "13912345678"
MINE = "13700001111"


def _stored(ctx: AppContext, member_id: str) -> tuple[str | None, str | None, int]:
    with ctx.db.connect(write=False) as conn:
        row = conn.execute(
            text("SELECT phone, employer, version FROM members WHERE id = :i"), {"i": member_id}
        ).one()
    return row.phone, row.employer, int(row.version)


@pytest.fixture
def conflicted(qtbot: QtBot, ctx: AppContext, registry: dict[str, str]) -> tuple[MemberDialog, str]:
    """The dialog open on 张三 with a phone typed, while another clerk saved a phone and
    an employer, then 保存 pressed: the conflict dialog is up."""
    member_id = registry["张三"]
    dialog = MemberDialog(ctx, member_id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog, "phone", MINE)
    members.update(ctx.db, member_id, {"phone": THEIRS, "employer": "乙公司"})  # behind its back
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.conflict is not None
    qtbot.waitUntil(dialog.conflict.isVisible)
    return dialog, member_id


def _phone(dialog: MemberDialog) -> str:
    editor = dialog.editors["phone"]
    assert isinstance(editor, QLineEdit)
    return editor.text()


def test_the_second_save_shows_the_differences_masked(
    conflicted: tuple[MemberDialog, str], ctx: AppContext
) -> None:
    dialog, member_id = conflicted
    assert dialog.conflict is not None
    assert dialog.conflict.rows() == [
        ("手机号", "139****5678", "137****1111"),
        ("工作单位", "乙公司", "（空）"),
    ]
    assert [
        dialog.conflict.table.horizontalHeaderItem(i).text()  # type: ignore[union-attr]
        for i in range(3)
    ] == ["字段", "对方保存的值", "您填写的值"]
    assert "已被另一位工作人员" in dialog.general_error.text()
    assert _stored(ctx, member_id) == (THEIRS, "乙公司", 2)  # nothing overwritten


def test_cancel_keeps_the_typing_and_saves_nothing(
    qtbot: QtBot, conflicted: tuple[MemberDialog, str], ctx: AppContext
) -> None:
    dialog, member_id = conflicted
    assert dialog.conflict is not None
    qtbot.mouseClick(dialog.conflict.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.conflict is None and dialog.isVisible()
    assert _phone(dialog) == MINE
    assert _stored(ctx, member_id) == (THEIRS, "乙公司", 2)


def test_reload_shows_theirs_after_asking_and_the_next_save_builds_on_it(
    qtbot: QtBot, conflicted: tuple[MemberDialog, str], ctx: AppContext, boxes: Boxes
) -> None:
    dialog, member_id = conflicted
    assert dialog.conflict is not None
    boxes.answer = False  # 「返回编辑」: the typing stays
    qtbot.mouseClick(dialog.conflict.reload_button, Qt.MouseButton.LeftButton)
    assert boxes.buttons[-1] == {"yes": "重新载入", "no": "返回编辑"}
    assert _phone(dialog) == MINE
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # refused again
    assert dialog.conflict is not None
    boxes.answer = True
    qtbot.mouseClick(dialog.conflict.reload_button, Qt.MouseButton.LeftButton)
    assert _phone(dialog) == THEIRS and dialog.isVisible()
    assert _stored(ctx, member_id) == (THEIRS, "乙公司", 2)
    type_into(qtbot, dialog, "position", "焊工")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _stored(ctx, member_id) == (THEIRS, "乙公司", 3)
    assert members.get(ctx.db, member_id).position == "焊工"


def test_save_anyway_writes_mine_over_theirs_on_the_new_version(
    qtbot: QtBot, conflicted: tuple[MemberDialog, str], ctx: AppContext
) -> None:
    dialog, member_id = conflicted
    assert dialog.conflict is not None
    qtbot.mouseClick(dialog.conflict.save_anyway_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    # every value in the dialog stands: my phone, and the employer as I left it (empty)
    assert _stored(ctx, member_id) == (MINE, None, 3)


def test_escape_on_the_conflict_is_cancel(
    qtbot: QtBot, conflicted: tuple[MemberDialog, str], ctx: AppContext
) -> None:
    dialog, member_id = conflicted
    conflict = dialog.conflict
    assert conflict is not None
    qtbot.keyClick(conflict, Qt.Key.Key_Escape)
    assert conflict.choice == conflict_dialog.CANCEL and dialog.conflict is None
    assert _stored(ctx, member_id) == (THEIRS, "乙公司", 2)


def test_leave_dialog_refuses_a_status_change_on_a_record_changed_since_it_opened(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    member_id = registry["李四"]
    dialog = LeaveDialog(ctx, member_id, "李四")
    qtbot.addWidget(dialog)
    dialog.show()
    members.update(ctx.db, member_id, {"employer": "乙公司"})  # another clerk, meanwhile
    dialog.save()
    assert "已被他人修改（工作单位）" in dialog.error.text()
    assert members.get(ctx.db, member_id).membership_status == "active"
    again = LeaveDialog(ctx, member_id, "李四")  # reopened: based on the record as it is
    qtbot.addWidget(again)
    again.save()
    assert members.get(ctx.db, member_id).membership_status == "withdrawn"
