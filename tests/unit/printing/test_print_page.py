"""打印中心 page, headless: make cards for a union, preview, save, verify a card."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.db import Database
from tests.unit.printing.conftest import pdf_text, seed

pytest.importorskip("pytestqt")


def test_page_makes_previews_saves_and_verifies(
    db: Database, tmp_path: Path, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QLabel

    from desktop.printing.card_signing import self_signer
    from desktop.tasks import SyncTaskRunner
    from desktop.views.context import AppContext
    from desktop.views.printing.page import PrintPage

    s = seed(db, 3)
    ctx = AppContext(db, SyncTaskRunner())
    page = PrintPage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.union_combo.setCurrentIndex(page.union_combo.findData(s.union_name))
    page.make_cards()
    assert page.pdf is not None and page.print_button.isEnabled()
    previews = [w for w in page.preview.findChildren(QLabel)
                if w.pixmap() is not None and not w.pixmap().isNull()]
    assert len(previews) == 2  # one A4 front sheet and its back
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.save_pdf()
    assert "测试会员2" in pdf_text(target)

    page.set_members([str(s.members[1]["id"])])
    page.make_cards()
    page.save_pdf()
    body = pdf_text(target)
    assert "测试会员1" in body and "测试会员2" not in body

    with db.connect(write=False) as conn:
        payload = self_signer(conn).payload("SZ2026TEST00000", str(s.members[0]["id"]))
    page.verify_edit.setText(payload)
    page.verify_card()
    assert page.verify_result.text().startswith("有效")
    page.verify_edit.setText(payload.replace("TEST00000", "TEST00009"))
    page.verify_card()
    assert page.verify_result.text().startswith("无效")
