"""The review queue's phone-application parts: the scan box and the page dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.cards import application_qr as aq
from desktop.services.unions import registry as unions
from desktop.sync import trust
from desktop.views.context import AppContext
from desktop.views.intake.page_dialog import ApplicationPageDialog
from desktop.views.intake.scan_box import ApplicationScanBox
from tests.gui.conftest import Boxes

GOOD_ID = "11010519491231002X"
PAYLOAD_ID = "0011223344556677"


def _payload(ctx: AppContext, union_id: str) -> str:
    with ctx.db.connect(write=False) as conn:
        keys = trust.self_keys(conn)
    draft = aq.ApplicationDraft(
        payload_id=PAYLOAD_ID, page_version=aq.PAGE_VERSION, office_node=keys.node_id,
        name="李四", id_number=GOOD_ID, phone="13800138000", employer=None,
        union_id=union_id, is_migrant_worker=False, hukou_type=None, education=None,
        political_status=None, consent=True,
    )  # fmt: skip
    return aq.seal(
        draft, office_node=keys.node_id, office_box_public=keys.box_public,
        eph_private=bytes(range(32)),
    )  # fmt: skip


def _scan(qtbot: Any, box: ApplicationScanBox, text: str) -> None:
    qtbot.keyClicks(box.edit, text)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)


def test_scan_box_reads_refuses_and_clears(qtbot: Any, ctx: AppContext) -> None:
    union = unions.add(ctx.db, "甲公司工会")
    filed: set[str] = set()
    box = ApplicationScanBox(ctx, seen=lambda: filed)
    qtbot.addWidget(box)
    got: list[Any] = []
    box.scanned.connect(got.append)
    _scan(qtbot, box, _payload(ctx, union.id).lower())  # a scanner with Caps Lock on
    (scanned,) = got
    assert scanned.values["union_id"] == union.id and scanned.draft.payload_id == PAYLOAD_ID
    assert box.edit.text() == ""
    assert "李四" in box.result.text() and "110*************2X" in box.result.text()
    assert GOOD_ID not in box.result.text()
    filed.add(PAYLOAD_ID)  # the queue filed it: the same QR again is a replay
    _scan(qtbot, box, _payload(ctx, union.id))
    assert "已经登记过" in box.result.text() and len(got) == 1
    _scan(qtbot, box, "UD1:GH2026000123:0189" + "A" * 28 + ":0123ABCD:" + "A" * 103)
    assert "会员卡二维码" in box.result.text() and len(got) == 1
    assert box.edit.text() == ""


def test_page_dialog_writes_page_and_poster(
    qtbot: Any, ctx: AppContext, boxes: Boxes, tmp_path: Path
) -> None:
    unions.add(ctx.db, "甲公司工会")
    dialog = ApplicationPageDialog(ctx)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    out = tmp_path / "out"
    out.mkdir()
    dialog.page_edit.setText(str(out / "apply"))  # the .html is added
    dialog.url_edit.setText("example.org/apply")  # no scheme: refused, nothing written
    ok.click()
    assert boxes.kinds() == ["warn"] and "https://" in boxes.shown[0][2]
    assert list(out.iterdir()) == []
    dialog.url_edit.setText("https://example.org/apply.html")
    ok.click()
    assert boxes.kinds() == ["warn", "inform"]
    assert "甲公司工会" in (out / "apply.html").read_text("utf-8")
    assert (out / "apply.pdf").read_bytes().startswith(b"%PDF")
    assert dialog.result() == dialog.DialogCode.Accepted
