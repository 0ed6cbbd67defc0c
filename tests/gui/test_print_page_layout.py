"""打印中心 keeps its preview in view: a long verification result (a long name and union)
wraps inside the left column instead of widening it over the preview."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.printing.records import load_cards
from desktop.services import audit
from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.views.context import AppContext
from desktop.views.printing.page import PrintPage
from tests.gui.conftest import valid_id
from tests.unit.printing.conftest import pdf_text

LONG_NAME = "阿卜杜热合曼·买买提艾力·库尔班江·艾合买提·吐尔逊·阿不都拉·热合曼·买买提·艾力"
LONG_UNION = "成都市高新技术产业开发区某某智能装备制造股份有限公司第二分公司工会委员会"


def test_a_long_verification_result_does_not_squeeze_the_preview(
    qtbot: QtBot, ctx: AppContext
) -> None:
    union = unions.add(ctx.db, LONG_UNION)
    member, _ = members.add(
        ctx.db,
        {"name": LONG_NAME, "id_number": valid_id("44030419900101123"), "union_id": union.id},
    )
    with ctx.db.connect(write=False) as conn:
        payload = load_cards(conn, member_ids=[member.id]).records[0].payload
    page = PrintPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    before = page.preview.parentWidget().width()
    page.verify_edit.setText(payload)
    page.verify_card()
    qtbot.wait(50)
    assert "签名有效" in page.verify_result.text()
    preview_width = page.preview.parentWidget().width()
    assert preview_width >= before - 10, (before, preview_width)
    assert page.verify_result.width() <= 1366 // 2


def test_the_next_scan_replaces_the_last_one(qtbot: QtBot, ctx: AppContext) -> None:
    """A barcode scanner types the payload and Enter: the second card scanned must be
    read alone, not appended to the first (which would read as a forged card)."""
    union = unions.add(ctx.db, "甲公司工会")
    ids = [
        members.add(ctx.db, {"name": name, "id_number": valid_id(id17), "union_id": union.id})[0].id
        for name, id17 in (("张三", "44030419900101123"), ("李四", "44030419850615234"))
    ]
    with ctx.db.connect(write=False) as conn:
        payloads = [r.payload for r in load_cards(conn, member_ids=ids).records]
    page = PrintPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.verify_edit.setFocus()
    for payload in payloads:
        qtbot.keyClicks(page.verify_edit, payload)
        qtbot.keyClick(page.verify_edit, Qt.Key.Key_Return)
        assert page.verify_result.text().startswith("有效"), page.verify_result.text()


def test_a_rare_character_can_be_marked_and_printed_from_the_window(
    qtbot: QtBot, ctx: AppContext, boxes: Any
) -> None:
    """The refusal says 「或选择用〓标出缺字继续打印」: the window offers that choice
    (the CLI's --allow-missing-glyphs), for cards and forms alike."""
    union = unions.add(ctx.db, "甲公司工会")
    member, _ = members.add(
        ctx.db, {"name": "王𠮷", "id_number": valid_id("44030419900101123"), "union_id": union.id}
    )
    page = PrintPage(ctx)
    qtbot.addWidget(page)
    page.set_members([member.id])
    boxes.answer = False  # 取消: nothing made, nothing recorded
    page.make_cards()
    assert page.pdf is None and audit.recent(ctx.db) == []
    assert boxes.kinds() == ["confirm"] and "𠮷" in boxes.shown[0][2]
    assert boxes.buttons[0]["yes"] == "用〓标出并继续"
    boxes.answer = True
    page.make_cards()
    assert page.pdf is not None and "王〓" in "".join(pdf_text(page.pdf).split())
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("registration"))
    page.subject_edit.setText(member.id)
    page.make_form()
    assert page.made[0] == "会员登记表" and "王〓" in "".join(pdf_text(page.pdf).split())
    assert boxes.kinds() == ["confirm", "confirm", "confirm"]
