"""困难帮扶 page and file dialog: the dashboard card opens the due list, the consent gate,
查看敏感信息 with a reason written to the audit log."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop import acting
from desktop.services import audit
from desktop.services.care import consent, files, hardship
from desktop.views.care import reason_dialog
from desktop.views.care.file_dialog import HIDDEN, HardshipFileDialog
from desktop.views.care.form import CareFormDialog
from desktop.views.care.page import HardshipPage
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from tests.conftest import TEST_TODAY


def _open_file(ctx: AppContext, member: str, opened: str, **extra: Any) -> str:
    return hardship.add_file(
        ctx.db, member, level="深度困难", causes="患病", opened_on=opened, today=TEST_TODAY, **extra
    )


def _save(qtbot: QtBot, dialog: CareFormDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_the_dashboard_card_opens_the_due_review_list(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    overdue = _open_file(ctx, registry["张三"], "2025-11-01")  # due 2026-11-01: overdue
    _open_file(ctx, registry["李四"], "2026-06-01")  # due 2027-06-01: not yet
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    dashboard = window.pages["dashboard"]
    assert dashboard.hardship.value.text() == "1"
    qtbot.mouseClick(dashboard.hardship_button, Qt.MouseButton.LeftButton)
    page = window.pages["hardship"]
    assert isinstance(page, HardshipPage)
    assert window.stack.currentWidget() is page
    assert page.filter.currentIndex() == 1
    assert [r.id for r in page.model.rows()] == [overdue]
    assert page.model.data(page.model.index(0, 5)).endswith("（逾期 20 天）")
    assert "逾期未复核 1 户" in page.count_label.text()
    page.filter.setCurrentIndex(0)
    assert len(page.model.rows()) == 2
    # double-click opens the file
    page.table.selectRow(0)
    dialog = page.open_file(page.model.rows()[0].id)
    qtbot.addWidget(dialog)
    assert dialog.heading.text().startswith("张三")


def test_the_consent_gate_and_show_sensitive_with_a_reason(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _open_file(ctx, registry["张三"], "2026-01-10")
    dialog = HardshipFileDialog(ctx, case)
    qtbot.addWidget(dialog)
    dialog.show()
    # before consent: nothing sensitive can be entered
    assert "未登记" in dialog.consent_label.text()
    assert not dialog.edit_sensitive_button.isEnabled()
    qtbot.mouseClick(dialog.add_person_button, Qt.MouseButton.LeftButton)
    person = dialog.form
    assert isinstance(person, CareFormDialog)
    assert not person.editors["health"].isEnabled()
    assert not person.editors["monthly_income"].isEnabled()
    person.reject()

    # record the consent through its form
    qtbot.mouseClick(dialog.consent_button, Qt.MouseButton.LeftButton)
    form = dialog.form
    assert isinstance(form, CareFormDialog)
    _save(qtbot, form)
    assert "登记人不能为空" in form.errors["recorded_by"].text()
    recorded_by = form.editors["recorded_by"]
    assert isinstance(recorded_by, QLineEdit)
    recorded_by.setText("王干事")
    _save(qtbot, form)
    assert "已登记" in dialog.consent_label.text()
    assert dialog.file is not None and dialog.file.has_consent
    hardship.update_file(ctx.db, case, monthly_income_per_capita=650, health_notes="尿毒症")
    dialog.reload()
    assert dialog.income.text() == HIDDEN and dialog.health.text() == HIDDEN
    assert not dialog.edit_sensitive_button.isEnabled()  # only once shown (with a reason)

    # 查看敏感信息: cancelled → nothing shown, nothing logged
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent: None)
    qtbot.mouseClick(dialog.show_sensitive_button, Qt.MouseButton.LeftButton)
    assert dialog.income.text() == HIDDEN and audit.recent(ctx.db) == []
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent: "年度复核核对收入")
    qtbot.mouseClick(dialog.show_sensitive_button, Qt.MouseButton.LeftButton)
    assert dialog.income.text().startswith("650 元")
    assert dialog.health.text() == "尿毒症"
    [entry] = audit.recent(ctx.db)
    assert entry.action == audit.HARDSHIP_VIEW_SENSITIVE and "年度复核核对收入" in entry.detail
    assert case in entry.detail

    # now editable; the saved value is stored and the page hides it again
    assert dialog.edit_sensitive_button.isEnabled()
    qtbot.mouseClick(dialog.edit_sensitive_button, Qt.MouseButton.LeftButton)
    edit = dialog.form
    assert isinstance(edit, CareFormDialog)
    income = edit.editors["monthly_income_per_capita"]
    assert isinstance(income, QLineEdit) and income.text() == "650"
    income.setText("720")
    _save(qtbot, edit)
    assert dialog.income.text() == HIDDEN
    shown = files.load_in
    with ctx.db.connect(write=False) as conn:
        assert shown(conn, case, today=TEST_TODAY, shown=True).monthly_income_per_capita == 720


def test_the_reason_dialog_needs_a_reason(qtbot: QtBot) -> None:
    dialog = reason_dialog.ReasonDialog()
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("看")
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("复核核对")
    assert dialog.ok.isEnabled() and dialog.text() == "复核核对"


def test_a_bad_amount_stays_in_the_assistance_form(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    case = _open_file(ctx, registry["张三"], "2026-01-10")
    consent.record(ctx.db, case, "2026-01-10", "书面", "王干事", today=TEST_TODAY)
    dialog = HardshipFileDialog(ctx, case)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.assist_button, Qt.MouseButton.LeftButton)
    form = dialog.form
    assert isinstance(form, CareFormDialog)
    amount = form.editors["amount"]
    assert isinstance(amount, QLineEdit)
    amount.setText("-100")
    _save(qtbot, form)
    assert "救助金额不能为负数" in form.errors["amount"].text()
    assert dialog.ledger_model.rows() == []
    amount.setText("300")
    _save(qtbot, form)
    assert [a.amount_yuan for a in dialog.ledger_model.rows()] == ["300.00"]


def test_a_file_past_its_retention_is_purged_from_the_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Any
) -> None:
    old = _open_file(ctx, registry["张三"], "2010-03-01")
    hardship.close_file(ctx.db, old, "2015-06-30", "再就业", today=TEST_TODAY)
    recent = _open_file(ctx, registry["李四"], "2020-03-01")
    hardship.close_file(ctx.db, recent, "2021-06-30", "病愈", today=TEST_TODAY)
    page = HardshipPage(ctx)
    qtbot.addWidget(page)
    assert not page.purge_button.isVisibleTo(page)
    page.filter.setCurrentIndex(3)
    assert page.purge_button.isVisibleTo(page)
    assert [r.id for r in page.model.rows()] == [old]  # the 2021 exit is kept until 2031
    page.table.selectRow(0)
    boxes.answer = False
    qtbot.mouseClick(page.purge_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in page.model.rows()] == [old]
    boxes.answer = True
    qtbot.mouseClick(page.purge_button, Qt.MouseButton.LeftButton)
    assert page.model.rows() == []
    assert [e.action for e in audit.recent(ctx.db)] == [audit.HARDSHIP_PURGE]
    page.filter.setCurrentIndex(2)
    assert [r.id for r in page.model.rows()] == [recent]


def test_the_due_column_shows_the_days_overdue_in_full(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """At 1366×768 下次复核 read 「2026-10-26…」, the days overdue cut off, while the last
    column took the spare width."""
    _open_file(ctx, registry["张三"], "2024-01-10")
    page = HardshipPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitExposed(page)
    due = page.model.index(0, 5).data()
    assert "逾期" in due
    metrics = page.table.fontMetrics()
    assert page.table.columnWidth(5) > metrics.horizontalAdvance(due)
    assert page.table.columnWidth(1) > metrics.horizontalAdvance("深圳市和信五金制品有限公司")


def test_printing_the_form_and_a_batch_receipt_from_the_screens(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    from desktop.services.care import assistance
    from desktop.views.care import printouts
    from tests.unit.printing.conftest import pdf_text

    case = _open_file(ctx, registry["张三"], "2026-01-10")
    assistance.assist(
        ctx.db, case, given_on="2026-01-20", kind="送温暖", amount=800,
        fund_source="上级工会补助", batch="2026年春节送温暖", today=TEST_TODAY,
    )  # fmt: skip
    form, receipt = tmp_path / "form.pdf", tmp_path / "receipt.pdf"
    monkeypatch.setattr(
        printouts, "save_path", lambda _p, _t, name: receipt if "签收" in name else form
    )
    monkeypatch.setattr(printouts, "choose_batch", lambda _p, batches: batches[0])
    dialog = HardshipFileDialog(ctx, case)
    qtbot.addWidget(dialog)
    boxes.answer = False  # 不打印 the sensitive values: no reason asked, nothing audited
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert "张三" in pdf_text(form) and "困难职工登记表" in pdf_text(form)
    assert boxes.buttons[-1] == {"yes": "打印敏感信息", "no": "不打印"}
    assert [r.action for r in audit.recent(ctx.db)] == [audit.PRINT]  # printed, nothing shown
    boxes.answer = True
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _p, **_wording: None)
    form.unlink()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)  # reason cancelled
    assert not form.exists()
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _p, **_wording: "本人签字确认")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.exists)
    [entry] = [r for r in audit.recent(ctx.db) if r.action == audit.HARDSHIP_VIEW_SENSITIVE]
    assert "打印登记表" in entry.detail and "本人签字确认" in entry.detail
    page = HardshipPage(ctx)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.receipt_button, Qt.MouseButton.LeftButton)
    body = pdf_text(receipt)
    assert "2026年春节送温暖" in body and "800.00" in body
    assert boxes.kinds() == ["confirm", "inform", "confirm", "confirm", "inform", "inform"]


def test_a_new_file_the_threshold_and_the_exit_from_the_screens(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    from desktop.services.care import settings as care_settings

    page = HardshipPage(ctx)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.threshold_button, Qt.MouseButton.LeftButton)
    form = page.dialog
    assert isinstance(form, CareFormDialog)
    form.editors["income_threshold"].setText("-5")  # type: ignore[attr-defined]
    _save(qtbot, form)
    assert "不能为负数" in form.errors["income_threshold"].text()
    form.editors["income_threshold"].setText("1200")  # type: ignore[attr-defined]
    _save(qtbot, form)
    assert care_settings.income_threshold(ctx.db) == 1200

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    new = page.dialog
    assert isinstance(new, CareFormDialog)
    _save(qtbot, new)
    assert "请先查找并选择会员" in new.errors["member_id"].text()
    new.editors["find"].setText("张三")  # type: ignore[attr-defined]
    new.editors["causes"].setText("患病、失业")  # type: ignore[attr-defined]
    _save(qtbot, new)
    opened = page.dialog
    assert isinstance(opened, HardshipFileDialog)  # the new file opens
    assert [r.member_name for r in page.model.rows()] == ["张三"]
    assert opened.level.text().endswith("患病、失业")

    qtbot.mouseClick(opened.close_button, Qt.MouseButton.LeftButton)
    close = opened.form
    assert isinstance(close, CareFormDialog)
    _save(qtbot, close)
    assert "脱困原因不能为空" in close.errors["close_reason"].text()
    close.editors["close_reason"].setText("再就业")  # type: ignore[attr-defined]
    _save(qtbot, close)
    assert "脱困" in opened.dates.text() and not opened.assist_button.isEnabled()
    assert page.model.rows() == []  # 在档全部 no longer lists it


def test_an_account_without_the_sensitive_permission_is_not_offered_the_values(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Any,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
) -> None:  # fmt: skip
    from desktop import acting
    from desktop.views.care import printouts

    case = _open_file(ctx, registry["张三"], "2026-01-10")
    consent.record(ctx.db, case, "2026-01-10", "书面签字", "王干事", today=TEST_TODAY)
    hardship.update_file(ctx.db, case, health_notes="尿毒症")
    form = tmp_path / "form.pdf"
    monkeypatch.setattr(printouts, "save_path", lambda _p, _t, _name: form)
    clerk = acting.Actor("clerk", "张办事", acting.STAFF, account_id=2)
    with acting.acting_as(clerk):
        dialog = HardshipFileDialog(ctx, case)
        qtbot.addWidget(dialog)
        assert not dialog.show_sensitive_button.isEnabled()
        assert "查看敏感信息" in dialog.show_sensitive_button.toolTip()
        asked = len(boxes.buttons)
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(form.exists)
        assert len(boxes.buttons) == asked  # not asked whether to print the values


def test_withdrawing_the_consent_from_the_file_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Any
) -> None:
    case = _open_file(ctx, registry["张三"], "2026-01-10")
    dialog = HardshipFileDialog(ctx, case)
    qtbot.addWidget(dialog)
    assert not dialog.withdraw_button.isEnabled()  # nothing to withdraw yet
    consent.record(ctx.db, case, "2026-01-10", "书面签字", "王干事", today=TEST_TODAY)
    hardship.update_file(ctx.db, case, health_notes="尿毒症")
    dialog.reload()
    assert dialog.withdraw_button.isEnabled()
    boxes.answer = False  # 取消 at the warning: nothing asked, nothing changed
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    assert "将被删除" in boxes.shown[-1][2]
    assert files.get_file(ctx.db, case, today=TEST_TODAY).has_consent
    boxes.answer = True
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    form = dialog.form
    assert isinstance(form, CareFormDialog)
    recorded_by = form.editors["recorded_by"]
    assert isinstance(recorded_by, QLineEdit)
    recorded_by.setText("王干事")
    _save(qtbot, form)
    assert "已撤回" in dialog.consent_label.text()
    assert not dialog.withdraw_button.isEnabled()
    with ctx.db.connect(write=False) as conn:
        from sqlalchemy import text

        assert (
            conn.execute(
                text("SELECT health_notes FROM hardship_cases WHERE id = :c"), {"c": case}
            ).scalar_one()
            is None
        )


def test_removing_a_household_member_from_the_file_page(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Any
) -> None:
    from desktop.services.care import household

    case = _open_file(ctx, registry["张三"], "2026-01-10")
    household.add_member(ctx.db, case, {"name": "错录的人", "relation": "其他"}, today=TEST_TODAY)
    dialog = HardshipFileDialog(ctx, case)
    qtbot.addWidget(dialog)
    assert not dialog.remove_person_button.isEnabled()  # nobody picked
    dialog.household_table.selectRow(0)
    assert dialog.remove_person_button.isEnabled()
    boxes.answer = False
    qtbot.mouseClick(dialog.remove_person_button, Qt.MouseButton.LeftButton)
    assert "错录的人" in boxes.shown[-1][2] and len(dialog.household_model.rows()) == 1
    boxes.answer = True
    qtbot.mouseClick(dialog.remove_person_button, Qt.MouseButton.LeftButton)
    assert dialog.household_model.rows() == []
    assert files.get_file(ctx.db, case, today=TEST_TODAY).household == ()
    assert not dialog.remove_person_button.isEnabled()


def test_a_receipt_with_a_rare_character_is_printed_with_a_mark_after_asking(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    from desktop.services.care import assistance
    from desktop.services.members import registry as members
    from desktop.views.care import printouts
    from tests.unit.printing.conftest import pdf_text

    members.update(ctx.db, registry["张三"], {"name": "王𠮷"})
    case = _open_file(ctx, registry["张三"], "2026-01-10")
    assistance.assist(
        ctx.db, case, given_on="2026-01-20", kind="送温暖", amount=800,
        fund_source="上级工会补助", batch="送温暖", today=TEST_TODAY,
    )  # fmt: skip
    receipt = tmp_path / "receipt.pdf"
    monkeypatch.setattr(printouts, "save_path", lambda _p, _t, _name: receipt)
    monkeypatch.setattr(printouts, "choose_batch", lambda _p, batches: batches[0])
    page = HardshipPage(ctx)
    qtbot.addWidget(page)
    boxes.answer = False
    qtbot.mouseClick(page.receipt_button, Qt.MouseButton.LeftButton)
    assert not receipt.exists() and boxes.kinds() == ["confirm"]
    assert "𠮷" in boxes.shown[0][2] and boxes.buttons[0]["yes"] == "用〓标出并继续"
    boxes.answer = True
    qtbot.mouseClick(page.receipt_button, Qt.MouseButton.LeftButton)
    assert "王〓" in pdf_text(receipt)
    assert boxes.kinds() == ["confirm", "confirm", "inform"]


def test_an_account_without_the_sensitive_permission_cannot_show_the_values(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    case = _open_file(ctx, registry["张三"], "2026-01-10")
    clerk = acting.Actor("clerk", "王干事", acting.STAFF, sensitive=False, account_id=2)
    with acting.acting_as(clerk):
        dialog = HardshipFileDialog(ctx, case)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.show_sensitive_button.isEnabled()
        assert "查看敏感信息" in dialog.show_sensitive_button.toolTip()
    with acting.acting_as(replace(clerk, sensitive=True)):
        dialog.reload()
        assert dialog.show_sensitive_button.isEnabled()
