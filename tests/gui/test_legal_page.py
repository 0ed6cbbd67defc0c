"""The 法律援助 page: take in a case through the dialog, move it to a stage, refuse to
close it without an outcome (inline message, nothing written), close it, file a
document and print the intake form — asserting database rows each time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from desktop.services.legal import cases, documents
from desktop.storage.database import Database
from desktop.views.context import AppContext
from desktop.views.legal import case_panel
from desktop.views.legal.case_dialog import CaseDialog
from desktop.views.legal.close_dialog import CloseDialog
from desktop.views.legal.page import LegalPage
from desktop.views.qtmodels import legal_table as lt

PDF = b"%PDF-1.4\n%%EOF\n"


def _line(dialog: CaseDialog | CloseDialog, key: str) -> QLineEdit:
    editor = dialog.editors[key]
    assert isinstance(editor, QLineEdit)
    return editor


@pytest.fixture
def page(ctx: AppContext, qtbot: object) -> LegalPage:
    widget = LegalPage(ctx)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


def test_intake_of_a_member_through_the_dialog(
    page: LegalPage, registry: dict[str, str], db: Database
) -> None:
    page.add_button.click()
    dialog = page.dialog
    assert isinstance(dialog, CaseDialog)
    dialog.editors["case_type"].set_code("wage_arrears")  # type: ignore[attr-defined]
    dialog.save()  # no member picked yet
    assert "请选择申请人会员" in dialog.messages["member_id"].text()
    assert cases.list_cases(db) == []
    dialog.picker.search.setText("张三")
    dialog.picker.search.flush()
    dialog.picker._enter_in_box()
    assert dialog.member_label.text() == "张三"
    _line(dialog, "employer").setText("甲公司")
    dialog.save()
    [row] = cases.list_cases(db)
    assert (row.applicant_name, row.type_label, row.employer) == ("张三", "工资拖欠", "甲公司")
    assert page.model.rowCount() == 1
    assert page.panel.record is not None and page.panel.record.id == row.id  # selected


def test_non_member_stage_close_document_and_form(
    page: LegalPage,
    registry: dict[str, str],
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page.add_button.click()
    dialog = page.dialog
    assert isinstance(dialog, CaseDialog)
    dialog.non_member.setChecked(True)
    _line(dialog, "applicant_name").setText("赵六")
    _line(dialog, "applicant_phone").setText("13912345678")
    dialog.editors["case_type"].set_code("work_injury")  # type: ignore[attr-defined]
    dialog.save()
    case_id = cases.list_cases(db)[0].id
    index = page.model.index(0, lt.COL_PHONE)
    assert page.model.data(index) == "139****5678"  # masked in the list
    panel = page.panel
    assert panel.fields["phone"].text() == "139****5678"

    panel.stage.setCurrentIndex(panel.stage.findData("arbitration"))
    panel.stage_button.click()
    assert cases.get_case(db, case_id).status == "arbitration"

    panel.close_button.click()
    closer = panel.dialog
    assert isinstance(closer, CloseDialog)
    _line(closer, "amount_recovered").setText("3000")
    closer.save()  # no outcome chosen
    assert "结案必须填写结案结果" in closer.messages["outcome"].text()
    assert cases.get_case(db, case_id).status == "arbitration"  # nothing written
    closer.editors["outcome"].set_code("upheld")  # type: ignore[attr-defined]
    _line(closer, "amount_recovered").setText("-3")
    closer.save()
    assert "不能为负数" in closer.messages["amount_recovered"].text()
    _line(closer, "amount_recovered").setText("3000")
    closer.save()
    closed = cases.get_case(db, case_id)
    assert (closed.status, closed.amount_recovered_fen) == ("closed", 300_000)
    assert not panel.close_button.isEnabled() and "仲裁/判决支持" in panel.fields["outcome"].text()

    scan = tmp_path / "仲裁裁决书.pdf"
    scan.write_bytes(PDF)
    monkeypatch.setattr(case_panel, "choose_files", lambda _p: [str(scan)])
    panel.add_doc_button.click()
    assert [d.file_name for d in documents.list_documents(db, case_id)] == ["仲裁裁决书.pdf"]
    assert panel.docs.count() == 1
    bad = tmp_path / "说明.txt"
    bad.write_bytes(b"hello")
    monkeypatch.setattr(case_panel, "choose_files", lambda _p: [str(bad)])
    panel.add_doc_button.click()
    assert "不是 PDF、JPEG 或 PNG 文件" in panel.message.text()
    assert len(documents.list_documents(db, case_id)) == 1

    out = tmp_path / "登记表.pdf"
    monkeypatch.setattr(case_panel, "choose_save_path", lambda *_a: str(out))
    panel.form_button.click()
    assert out.read_bytes().startswith(b"%PDF")


def test_editing_a_case_opens_filled_and_saves_through_the_service(
    page: LegalPage, registry: dict[str, str], db: Database
) -> None:
    case = cases.add_case(
        db, {"applicant_name": "赵六", "case_type": "社保", "intake_on": "2026-10-01"}
    )
    page.refresh()
    page.select_case(case.id)
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, CaseDialog) and dialog.non_member.isChecked()
    assert _line(dialog, "applicant_name").text() == "赵六"
    assert _line(dialog, "intake_on").text() == "2026-10-01"
    _line(dialog, "intake_on").setText("2026-12-01")  # after the pinned today
    dialog.save()
    assert "晚于今天" in dialog.messages["intake_on"].text()
    assert cases.get_case(db, case.id).intake_on.isoformat() == "2026-10-01"
    _line(dialog, "intake_on").setText("2026-09-30")
    _line(dialog, "handler").setText("林律师")
    dialog.save()
    edited = cases.get_case(db, case.id)
    assert (edited.intake_on.isoformat(), edited.handler) == ("2026-09-30", "林律师")
    assert page.model.data(page.model.index(0, lt.COL_HANDLER)) == "林律师"


def test_the_intake_form_of_a_rare_name_is_printed_with_a_mark_after_asking(
    page: LegalPage,
    registry: dict[str, str],
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Any,
) -> None:
    from tests.unit.printing.conftest import pdf_text

    case = cases.add_case(db, {"applicant_name": "王𠮷", "case_type": "社保"})
    page.panel.set_case(case.id)
    out = tmp_path / "登记表.pdf"
    monkeypatch.setattr(case_panel, "choose_save_path", lambda *_a: str(out))
    boxes.answer = False
    page.panel.form_button.click()
    assert not out.exists() and boxes.kinds() == ["confirm"] and "𠮷" in boxes.shown[0][2]
    boxes.answer = True
    page.panel.form_button.click()
    assert "王〓" in pdf_text(out)
