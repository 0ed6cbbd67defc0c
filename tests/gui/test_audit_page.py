"""审计记录 page: the trail in a table with filters, 校验 showing the verdict, admins
only once accounts exist; the printing page asks a reason before full numbers and
records it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop import acting
from desktop.services import audit
from desktop.storage import rawconn
from desktop.views.areas import AREAS
from desktop.views.audit.page import AuditPage
from desktop.views.care import reason_dialog
from desktop.views.context import AppContext
from desktop.views.printing.page import PrintPage
from desktop.views.qtmodels import audit_table as at

WANG = acting.Actor("wang", "王会计", acting.STAFF, account_id=2)
ADMIN = acting.Actor("admin", "管理员", acting.ADMIN, account_id=1)


def _fill(ctx: AppContext) -> None:
    with acting.acting_as(WANG):
        audit.record(ctx.db, audit.EXPORT, "年度统计表（2026年）；文件 年报.xlsx")
        audit.record(ctx.db, audit.PRINT, "会员卡；3 张；文件 卡.pdf")


def test_the_area_sits_with_the_administrators_areas() -> None:
    keys = [a.key for a in AREAS]
    assert keys.index("audit") == keys.index("backups") + 1


def test_table_filters_and_verify(qtbot: QtBot, ctx: AppContext, boxes: Any) -> None:
    _fill(ctx)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    model = page.model
    shown = [model.index(r, at.COL_ACTION).data() for r in range(model.rowCount())]
    assert shown[:2] == ["打印", "导出"]  # newest first
    assert model.index(0, at.COL_ACCOUNT).data() == "wang"
    assert model.index(0, at.COL_DETAIL).data() == "会员卡；3 张；文件 卡.pdf"

    page.action_combo.setCurrentIndex(page.action_combo.findData(audit.EXPORT))
    assert model.rowCount() == 1 and model.index(0, at.COL_ACTION).data() == "导出"
    page.action_combo.setCurrentIndex(0)
    page.text_edit.setText("卡.pdf")
    assert model.rowCount() == 1 and model.index(0, at.COL_ACTION).data() == "打印"
    page.text_edit.clear()
    page.account_combo.setCurrentIndex(page.account_combo.findData("wang"))
    assert model.rowCount() == 2
    page.by_date.setChecked(True)  # 1st of this month .. today: both entries
    assert model.rowCount() == 2
    page.since_edit.setDate(page.until_edit.date().addDays(1))
    assert model.rowCount() == 0 and page.count_label.text() == "共 0 条"

    page.verify_button.click()
    # the federation the fixture made (a record change), then the two entries above
    assert boxes.shown[-1] == ("inform", "校验审计记录", "审计记录完整，共 3 条")
    con = rawconn.connect(ctx.db.paths.database, autocommit=True)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE id = 2")
    con.close()
    page.verify_button.click()
    kind, _title, text = boxes.shown[-1]
    assert kind == "warn" and "被删除" in text
    assert text.startswith("审计记录不完整：第 1 条与第 3 条")
    assert page.verdict_label.text() == text


def test_only_administrators_see_it_once_accounts_exist(qtbot: QtBot, ctx: AppContext) -> None:
    _fill(ctx)
    with acting.acting_as(WANG):
        page = AuditPage(ctx)
        qtbot.addWidget(page)
        assert page.stack.currentWidget() is page.denied and page.model.rowCount() == 0
    with acting.acting_as(ADMIN):
        page.refresh()
        assert page.stack.currentIndex() == 0 and page.model.rowCount() == 3


def test_printing_unmasked_asks_a_reason_and_records_it(
    qtbot: QtBot,
    tmp_path: Path,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = PrintPage(ctx)
    qtbot.addWidget(page)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("registration"))
    page.subject_edit.setText(registry["张三"])
    page.unmasked_check.setChecked(True)
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent, **_w: None)
    page.form_button.click()
    assert page.pdf is None and audit.recent(ctx.db) == []  # cancelled: nothing shown
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent, **_w: "会员本人办理转接")
    page.form_button.click()
    assert page.pdf is not None
    assert not page.preview_hint.isVisibleTo(page)  # the pages themselves now
    unmasked, printed = audit.recent(ctx.db)
    assert printed.action == audit.PRINT and "（未打码）" in printed.detail
    assert unmasked.action == audit.UNMASKED_VIEW
    assert unmasked.detail == (
        f"打印会员登记表（完整身份证号、手机号）；{registry['张三']}；原因：会员本人办理转接"
    )
    # 另存为 PDF: an owner-only copy, recorded with where it went (the PRINT entry names
    # the page's own temporary).
    target = tmp_path / "张三登记表.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.save_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    saved = audit.recent(ctx.db)[0]
    assert saved.action == audit.EXPORT
    assert saved.detail == "另存为 PDF：会员登记表；文件 张三登记表.pdf（未打码）"


def test_cards_without_a_union_or_a_selection_ask_for_a_union(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Any
) -> None:
    """The printing page has no list to tick: the message names the control it has."""
    page = PrintPage(ctx)
    qtbot.addWidget(page)
    assert page.preview_hint.isVisibleTo(page) and "生成会员卡" in page.preview_hint.text()
    page.union_combo.setCurrentIndex(0)  # （请选择）
    page.cards_button.click()
    assert boxes.kinds() == ["warn"]
    assert "请先在「基层工会」中选择一个工会" in boxes.shown[0][2]
    assert page.pdf is None and audit.recent(ctx.db) == []
