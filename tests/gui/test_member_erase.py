"""删除个人信息 on the member's page (issue #23 part 3): administrators only; the name
must be typed to confirm; afterwards the backups still holding the person are shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop import acting
from desktop.services.erasure import records as erasure
from desktop.views.context import AppContext
from desktop.views.members.detail_dialog import MemberDetailDialog
from desktop.views.members.erase_dialog import EraseDialog

from .conftest import Boxes

ADMIN = acting.Actor("boss", "管理员", acting.ADMIN, account_id=1)
STAFF = acting.Actor("clerk", "办事员", acting.STAFF, account_id=2)


def test_staff_do_not_see_the_action(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    with acting.acting_as(STAFF):
        page = MemberDetailDialog(ctx, registry["张三"])
        qtbot.addWidget(page)
        assert page.erase_button.isHidden()
    with acting.acting_as(ADMIN):
        page = MemberDetailDialog(ctx, registry["张三"])
        qtbot.addWidget(page)
        assert not page.erase_button.isHidden()


def test_typing_the_name_erases_and_lists_the_backups(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    member_id = registry["张三"]
    older = ctx.db.backup("manual")
    with acting.acting_as(ADMIN):
        page = MemberDetailDialog(ctx, member_id)
        qtbot.addWidget(page)
        page.show()
        qtbot.mouseClick(page.erase_button, Qt.MouseButton.LeftButton)
        dialog = page.child
        assert isinstance(dialog, EraseDialog)
        assert "不可撤销" in dialog.explain.text()
        dialog.reason.setCurrentIndex(dialog.reason.findData("expired"))
        assert not dialog.erase_button.isEnabled()
        dialog.typed.setText("李四")  # another member's name
        assert not dialog.erase_button.isEnabled()
        dialog.typed.clear()
        dialog.typed.setText("张三")
        assert dialog.erase_button.isEnabled()
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert boxes.shown == []
    shown = dialog.result_text.toPlainText()
    assert older.name in shown and "最迟" in shown and "张三" not in shown
    assert erasure.erased_at(ctx.db, member_id) is not None
    [entry] = erasure.list_erasures(ctx.db)
    assert entry.reason == "expired"
    with qtbot.waitSignal(page.finished):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
