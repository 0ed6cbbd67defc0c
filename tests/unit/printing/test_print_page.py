"""打印中心 page, headless: make cards for a union, preview, save, verify a card."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.storage.database import Database
from tests.unit.printing.conftest import pdf_text, seed

pytest.importorskip("pytestqt")


def test_page_makes_previews_saves_and_verifies(
    db: Database, tmp_path: Path, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QLabel

    from desktop.cards.signing import self_signer
    from desktop.views.context import AppContext
    from desktop.views.printing.page import PrintPage
    from desktop.views.tasks import SyncTaskRunner

    s = seed(db, 3)
    ctx = AppContext(db, SyncTaskRunner())
    page = PrintPage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.union_combo.setCurrentIndex(page.union_combo.findData(s.union_name))
    page.make_cards()
    assert page.pdf is not None and page.print_button.isEnabled()
    previews = [
        w
        for w in page.preview.findChildren(QLabel)
        if w.pixmap() is not None and not w.pixmap().isNull()
    ]
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


def test_printing_sends_every_page_at_true_size(
    db: Database, tmp_path: Path, qtbot: object
) -> None:
    """Single-card layout printed to a PDF printer: card-sized pages, never fit-to-A4."""
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter

    from desktop.views.context import AppContext
    from desktop.views.printing.page import PrintPage
    from desktop.views.tasks import SyncTaskRunner

    s = seed(db, 2)
    ctx = AppContext(db, SyncTaskRunner())
    page = PrintPage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.set_members([str(m["id"]) for m in s.members])
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("single"))
    page.make_cards()
    assert page.pdf is not None
    source_pages = len(pdfium.PdfDocument(page.pdf))
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    page.send_to_printer(printer)
    assert page.status.text().startswith(f"已发送 {source_pages} 页")
    doc = pdfium.PdfDocument(printed)
    assert len(doc) == source_pages == 4  # two cards, front and back
    for i in range(len(doc)):
        w, h = doc[i].get_size()
        assert abs(w * 25.4 / 72 - 85.60) < 0.3 and abs(h * 25.4 / 72 - 53.98) < 0.3


def test_cancelled_print_job_is_aborted(tmp_path: Path, qtbot: object) -> None:
    from PySide6.QtPrintSupport import QPrinter
    from reportlab.pdfgen.canvas import Canvas

    from desktop.progress import Cancelled
    from desktop.views.printing import pdf_pages

    pdf = tmp_path / "three.pdf"
    canvas = Canvas(str(pdf))
    for n in range(3):
        canvas.drawString(100, 700, f"page {n}")
        canvas.showPage()
    canvas.save()
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    seen: list[int] = []
    with pytest.raises(Cancelled):
        pdf_pages.print_pdf(
            printer, pdf, 72, lambda done, total, _: seen.append(done), lambda: len(seen) >= 1
        )
    assert seen == [1]


def test_working_pdf_is_removed_with_the_page(db: Database, qtbot: object) -> None:
    import gc

    from desktop.views.context import AppContext
    from desktop.views.printing.page import PrintPage
    from desktop.views.tasks import SyncTaskRunner

    seed(db, 1)
    page = PrintPage(AppContext(db, SyncTaskRunner()))
    folder = page._tmp
    assert folder.is_dir()
    page.deleteLater()
    del page
    gc.collect()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert not folder.exists()


def test_form_subject_is_found_by_card_number_or_chosen_among_names(
    db: Database, tmp_path: Path, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from desktop.storage import search_index
    from desktop.views.context import AppContext
    from desktop.views.printing.page import PrintPage
    from desktop.views.tasks import SyncTaskRunner
    from desktop.views.widgets import messages

    seed(db, 3)
    with db.connect() as conn:  # the seed writes rows directly; give them search documents
        search_index.rebuild(conn)
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: warned.append(text))
    page = PrintPage(AppContext(db, SyncTaskRunner()))
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("registration"))
    target = tmp_path / "form.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    page.subject_edit.setText("SZ2026TEST00001")
    page.make_form()
    page.save_pdf()
    assert "测试会员1" in pdf_text(target) and "测试会员2" not in pdf_text(target)

    offered: list[list[str]] = []

    def pick_third(parent: object, title: str, label: str, items: list[str], *a: object):
        offered.append(items)
        return items[2], True

    monkeypatch.setattr(QInputDialog, "getItem", pick_third)
    page.subject_edit.setText("测试会员")
    page.make_form()
    page.save_pdf()
    assert len(offered[0]) == 3
    chosen = offered[0][2].split("　")[0].split(" ", 1)[1]
    assert chosen in pdf_text(target)

    assert warned == []
    page.pdf = None
    page.subject_edit.setText("查无此人")
    page.make_form()
    assert page.pdf is None and "查无此人" in warned[0]
