"""The member dialog reads ID numbers as the CLI and rosters do (issue 17, point 9):
hyphens, blanks and a pasted apostrophe removed, a 15-digit number saved in its
18-digit form with a note the clerk sees."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.views.context import AppContext
from desktop.views.members.member_dialog import MemberDialog

from .conftest import Boxes
from .test_main_window import members_page, open_window, type_into

OLD_15 = "110105491231002"
GOOD = "11010519491231002X"


def _dialog(qtbot: QtBot, ctx: AppContext) -> MemberDialog:
    page = members_page(open_window(qtbot, ctx))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MemberDialog)
    return dialog


def test_hyphens_and_an_apostrophe_are_cleaned_as_typed(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    dialog = _dialog(qtbot, ctx)
    type_into(qtbot, dialog, "id_number", "'110105-19491231-002x")
    assert not dialog.errors["id_number"].is_error
    assert "1949-12-31" in dialog.derived.text() and "女" in dialog.derived.text()


def test_a_15_digit_number_is_saved_as_18_digits_with_a_note(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    dialog = _dialog(qtbot, ctx)
    type_into(qtbot, dialog, "name", "赵六")
    type_into(qtbot, dialog, "id_number", OLD_15)
    assert "1949-12-31" in dialog.derived.text()
    assert "已将 15 位身份证号转换为 18 位" in dialog.derived.text()
    union = dialog.editors["union_id"]
    union.setCurrentIndex(union.findData(registry["乙公司工会"]))  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.connect(write=False) as conn:
        saved = conn.execute(text("SELECT id_number FROM members WHERE name = '赵六'")).scalar()
    assert saved == GOOD
    assert any("已将 15 位身份证号转换为 18 位" in shown for _k, _t, shown in boxes.shown)
