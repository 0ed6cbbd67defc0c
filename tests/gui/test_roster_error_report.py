"""The wizard's error report is the whole roster: fixing its red cells and importing the
report imports everyone, the rows without errors included."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.views.context import AppContext
from desktop.views.roster.import_wizard import PREVIEW, RESULT

from .conftest import Boxes, valid_id
from .test_roster_wizard import click, start


def names(ctx: AppContext) -> set[str]:
    with ctx.db.connect(write=False) as conn:
        return {str(r[0]) for r in conn.execute(text("SELECT name FROM members WHERE deleted = 0"))}


def test_error_report_is_the_whole_roster_and_imports_everyone_when_fixed(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good, fixable = valid_id("44030419800101211"), valid_id("44030419800101222")
    path = tmp_path / "名册.xlsx"
    wb = openpyxl.Workbook()
    for row in (
        ["姓名", "身份证号", "所属工会"],
        ["甲", good, "甲公司工会"],
        ["乙", fixable, "没有的工会"],
    ):
        wb.active.append(row)
    wb.save(path)
    wizard = start(qtbot, ctx, path)
    click(qtbot, wizard.next_button)
    assert wizard.stack.currentIndex() == PREVIEW
    report = tmp_path / "名册_错误报告.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    click(qtbot, wizard.preview_page.report_button)
    assert wizard.stack.currentIndex() == RESULT
    assert "报告本身也可以直接导入" in wizard.result_page.label.text()
    fixed = openpyxl.load_workbook(report)
    sheet = fixed.active
    rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        (2, "无误", "甲"),
        (3, rows[2][1], "乙"),
    ]
    assert "工会「没有的工会」尚未登记" in rows[2][1]
    sheet["E3"] = "甲公司工会"
    fixed.save(report)
    again = start(qtbot, ctx, report)
    click(qtbot, again.next_button)
    assert again.stack.currentIndex() == PREVIEW
    assert "新增 2" in again.preview_page.summary.text()
    with qtbot.waitSignal(ctx.data_changed):
        click(qtbot, again.import_button)
    assert {"甲", "乙"} <= names(ctx)
