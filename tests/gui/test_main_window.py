"""The main window as a clerk uses it: navigate, search, add, edit, leave, delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services.members import registry as members
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.members.leave_dialog import LeaveDialog
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.members.page import MembersPage
from desktop.views.qtmodels import member_table as mt
from desktop.views.unions.page import UnionsPage
from desktop.views.unions.union_dialog import UnionDialog

from .conftest import Boxes, bad_check_digit, valid_id


def open_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_key() == "dashboard"  # 首页 is the start page
    window.show_area("members")
    return window


def members_page(window: MainWindow) -> MembersPage:
    page = window.pages["members"]
    assert isinstance(page, MembersPage)
    return page


def names(page: MembersPage) -> list[str]:
    model = page.model
    return [model.data(model.index(r, mt.COL_NAME)) for r in range(model.rowCount())]


def member_rows(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.db.connect(write=False) as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT name, id_number, union_id, phone FROM members WHERE deleted = 0")
            )
        ]


def type_text(qtbot: QtBot, editor: QLineEdit, value: str) -> None:
    """Type like a clerk: keys for ASCII, an input-method commit for Chinese (QTest's
    key simulation only knows ASCII)."""
    if value.isascii():
        qtbot.keyClicks(editor, value)
    else:
        editor.insert(value)


def type_into(qtbot: QtBot, dialog: MemberDialog, field: str, value: str) -> None:
    editor = dialog.editors[field]
    assert isinstance(editor, QLineEdit)
    editor.clear()
    type_text(qtbot, editor, value)


def test_window_opens_on_members_with_counts(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    assert window.windowTitle() == "测试街道总工会"
    assert window.current_key() == "members"
    assert "unions" not in window.pages  # built on first show only
    qtbot.waitUntil(lambda: "在会会员 3 人" in window.counts.text())
    assert "基层工会 2 个" in window.counts.text()
    page = members_page(window)
    assert names(page) == ["李四", "王五", "张三"]
    qtbot.waitUntil(lambda: page.count_label.text() == "共 3 人")

    window.nav.setCurrentRow([a.key for a in window.areas].index("unions"))
    assert isinstance(window.pages["unions"], UnionsPage)
    assert window.stack.currentWidget() is window.pages["unions"]


def test_search_box_filters_after_typing_pauses(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    page = members_page(open_window(qtbot, ctx))
    with qtbot.waitSignal(page.search.search_changed, timeout=2000):
        qtbot.keyClicks(page.search, "zhang")
    assert names(page) == ["张三"]
    assert page.count_label.text() == "共 1 人"
    page.search.clear()
    type_text(qtbot, page.search, "王")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert names(page) == ["王五"]
    page.search.clear()
    page.search.flush()
    assert not page.union_filter.loaded  # the first screen does not list the unions
    page.union_filter.select_union(registry["甲公司工会"])
    assert page.union_filter.currentText() == "甲公司工会（2）"
    assert names(page) == ["李四", "张三"]


def test_add_member_through_the_dialog(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    window = open_window(qtbot, ctx)
    page = members_page(window)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MemberDialog) and dialog.isVisible()
    number = valid_id("44030419920229456")
    type_into(qtbot, dialog, "name", "赵六")
    type_into(qtbot, dialog, "id_number", number)
    assert "1992-02-29" in dialog.derived.text() and "女" in dialog.derived.text()
    type_into(qtbot, dialog, "phone", "13900001111")
    union = dialog.editors["union_id"]
    assert isinstance(union, QComboBox)
    union.setCurrentIndex(union.findData(registry["乙公司工会"]))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert ("赵六", number, registry["乙公司工会"], "13900001111") in member_rows(ctx)
    assert not dialog.isVisible()
    assert "赵六" in names(page)
    assert page.selected_row() is not None and page.selected_row().name == "赵六"  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "在会会员 4 人" in window.counts.text())
    assert boxes.shown == []


def test_invalid_id_is_rejected_inline_and_nothing_is_written(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    page = members_page(open_window(qtbot, ctx))
    before = member_rows(ctx)
    with ctx.db.connect(write=False) as conn:
        changes = conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MemberDialog)
    type_into(qtbot, dialog, "name", "钱七")
    type_into(qtbot, dialog, "id_number", bad_check_digit("44030419900101888"))
    type_into(qtbot, dialog, "phone", "1390000111")  # 10 digits
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.errors["id_number"].is_error
    assert "校验位错误" in dialog.errors["id_number"].text()
    assert dialog.errors["phone"].is_error
    assert (
        "所属工会" in dialog.errors["union_id"].text() or "工会" in dialog.errors["union_id"].text()
    )
    assert not dialog.errors["name"].is_error
    assert member_rows(ctx) == before
    with ctx.db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one() == changes

    # Fixing the ID number clears its message as soon as it is retyped.
    type_into(qtbot, dialog, "id_number", valid_id("44030419900101888"))
    assert not dialog.errors["id_number"].is_error
    dialog.reject()


def test_duplicate_id_names_the_existing_member(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog, "name", "张三丰")
    type_into(qtbot, dialog, "id_number", valid_id("44030419900101123"))
    dialog.set_value("union_id", registry["乙公司工会"])
    dialog.save()
    assert "张三" in dialog.errors["id_number"].text()
    assert "甲公司工会" in dialog.errors["id_number"].text()


def test_edit_shows_full_numbers_and_saves_changes(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    members.update(ctx.db, registry["王五"], {"phone": "13712345678"})
    page = members_page(open_window(qtbot, ctx))
    page.select_member(registry["王五"])
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MemberDialog)
    id_edit = dialog.editors["id_number"]
    assert isinstance(id_edit, QLineEdit)
    assert id_edit.text() == valid_id("44030419950310345")
    type_into(qtbot, dialog, "position", "焊工")
    dialog.save()
    assert not dialog.isVisible()
    assert members.get(ctx.db, registry["王五"]).position == "焊工"
    assert members.get(ctx.db, registry["王五"]).phone == "13712345678"


def test_mark_left_and_delete(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    page = members_page(open_window(qtbot, ctx))
    page.select_member(registry["李四"])
    qtbot.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, LeaveDialog)
    offered = [dialog.status.itemData(i) for i in range(dialog.status.count())]
    assert offered == ["retained", "withdrawn", "expelled"]  # 已转出 is a transfer out
    dialog.status.set_code("withdrawn")
    dialog.reason.setText("调往外区")
    dialog.save()
    record = members.get(ctx.db, registry["李四"])
    assert record.membership_status == "withdrawn" and record.leave_reason == "调往外区"
    assert "李四" not in names(page)  # the default filter shows current members

    page.select_member(registry["张三"])
    boxes.answer = False
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert members.get(ctx.db, registry["张三"]).name == "张三"
    boxes.answer = True
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["confirm", "confirm"]
    with ctx.db.connect(write=False) as conn:
        assert conn.execute(
            text("SELECT deleted FROM members WHERE id = :i"), {"i": registry["张三"]}
        ).scalar_one()
    assert names(page) == ["王五"]


def test_unions_page_adds_a_union_and_checks_the_credit_code(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    page = window.show_area("unions")
    assert isinstance(page, UnionsPage)
    assert page.model.rowCount() == 2
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, UnionDialog)
    name, credit = dialog.editors["name"], dialog.editors["credit_code"]
    assert isinstance(name, QLineEdit) and isinstance(credit, QLineEdit)
    type_text(qtbot, name, "丙公司工会")
    qtbot.keyClicks(credit, "91440300MA5FAKE001")
    assert dialog.errors["credit_code"].is_error
    dialog.save()
    assert dialog.isVisible() and page.model.rowCount() == 2
    credit.clear()
    dialog.save()
    assert not dialog.isVisible()
    assert page.model.rowCount() == 3

    # 查看会员 jumps to the member list filtered by that union.
    row = next(r for r in range(3) if page.model.record_at(r).name == "甲公司工会")  # type: ignore[union-attr]
    page.table.selectRow(row)
    qtbot.mouseClick(page.members_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "members"
    assert names(members_page(window)) == ["李四", "张三"]


def test_dialog_join_date_by_the_roster_rule(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog, "name", "孙八")
    type_into(qtbot, dialog, "id_number", valid_id("44030419900101888"))
    dialog.set_value("union_id", registry["甲公司工会"])
    type_into(qtbot, dialog, "joined_on", "2005")  # the member was 15
    dialog.save()
    assert "年满 16 周岁" in dialog.errors["joined_on"].text()
    type_into(qtbot, dialog, "joined_on", "2019.3")
    dialog.save()
    assert dialog.saved_id is not None
    assert members.get(ctx.db, dialog.saved_id).joined_on.isoformat() == "2019-03-01"
    assert boxes.shown == [
        ("inform", "已保存，请核对", "入会日期只写到月份（2019.3），已按 2019-03-01 记录，请核对")
    ]
