"""重复会员 page and the merge dialog: masked pairs, a per-field choice, the second
question for different ID numbers, and the merge written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import audit
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.views.context import AppContext
from desktop.views.duplicates.merge_dialog import OTHER, MergeDialog
from desktop.views.duplicates.page import DuplicatesPage
from desktop.views.widgets import messages
from tests.gui.conftest import Boxes, valid_id

ID_A = valid_id("44030419900101123")  # 张三's in the registry fixture


def _second_record(ctx: AppContext, union_id: str, id_number: str, phone: str) -> str:
    """What sync leaves after two offices registered one person."""
    with ctx.db.connect() as conn:
        checked = members.validate(
            conn,
            {"name": "张三", "id_number": id_number, "union_id": union_id, "phone": phone},
            check_duplicates=False,
        )
        return member_writer.insert_one(conn, dict(checked.values))


def _deleted(ctx: AppContext, member_id: str) -> int:
    with ctx.db.connect(write=False) as conn:
        return int(
            conn.execute(text("SELECT deleted FROM members WHERE id = :i"), {"i": member_id}).one()[
                0
            ]
        )


@pytest.fixture
def pair(ctx: AppContext, registry: dict[str, str]) -> tuple[str, str]:
    other = _second_record(ctx, registry["甲公司工会"], ID_A, "13900139000")
    return registry["张三"], other


def test_page_lists_the_pair_masked_and_the_dialog_merges_the_chosen_fields(
    qtbot: QtBot, ctx: AppContext, pair: tuple[str, str], boxes: Boxes
) -> None:
    keep, other = pair
    page = DuplicatesPage(ctx)
    qtbot.addWidget(page)
    assert page.table.rowCount() == 1
    shown = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert "身份证号相同" in shown and ID_A not in shown and "139****9000" in shown
    page.table.selectRow(0)
    page.merge_selected()
    dialog = page.dialog
    assert isinstance(dialog, MergeDialog)
    qtbot.addWidget(dialog)
    ids = {dialog.keep_id, dialog.other_id}
    assert ids == {keep, other}
    if dialog.keep_id != keep:
        qtbot.mouseClick(dialog.swap_button, Qt.MouseButton.LeftButton)
    assert (dialog.keep_id, dialog.other_id) == (keep, other)
    assert not dialog.radios[("id_number", OTHER)].isEnabled()  # same on both sides
    qtbot.mouseClick(dialog.radios[("phone", OTHER)], Qt.MouseButton.LeftButton)
    assert dialog.taken() == ["phone"]
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["confirm"]  # same ID number: one question only
    assert _deleted(ctx, other) == 1
    assert members.get(ctx.db, keep).phone == "13900139000"
    assert page.table.rowCount() == 0 and "没有发现" in page.summary.text()


def test_different_id_numbers_ask_a_second_question(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep = registry["张三"]
    other = _second_record(
        ctx, registry["甲公司工会"], valid_id("11010119810101123"), "13900139000"
    )
    dialog = MergeDialog(ctx, keep, other)
    qtbot.addWidget(dialog)
    answers = [True, False, True, True]  # the second question declined, then accepted

    def confirm(_parent: object, title: str, text_: str, **_buttons: object) -> bool:
        boxes.shown.append(("confirm", title, text_))
        return answers.pop(0)

    monkeypatch.setattr(messages, "confirm", confirm)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert [t for _k, t, _x in boxes.shown] == ["合并会员记录", "身份证号不同"]
    assert _deleted(ctx, other) == 0 and audit.recent(ctx.db) == []
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert _deleted(ctx, other) == 1
    assert members.get(ctx.db, keep).id_number == valid_id("44030419900101123")
    assert [e.action for e in audit.recent(ctx.db)] == [audit.MEMBER_MERGE_DIFFERENT_IDS]
