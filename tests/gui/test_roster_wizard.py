"""The roster import wizard and the export action, clicked through with SyncTaskRunner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services import audit
from desktop.services.members.queries import MemberFilter
from desktop.views.care import reason_dialog
from desktop.views.context import AppContext
from desktop.views.roster import export_members, open_import_wizard
from desktop.views.roster.import_wizard import FILE, MAPPING, PREVIEW, RESULT, ImportWizard

from .conftest import Boxes, valid_id


def write_roster(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def count(ctx: AppContext) -> int:
    with ctx.db.connect(write=False) as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM members WHERE deleted = 0")).scalar_one()
        )


def click(qtbot: QtBot, button: Any) -> None:
    assert button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def start(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    wizard = open_import_wizard(ctx, None)
    qtbot.addWidget(wizard)
    assert wizard.stack.currentIndex() == FILE
    wizard.file_page.path_edit.setText(str(path))
    click(qtbot, wizard.next_button)
    return wizard


def test_wizard_imports_after_mapping_and_confirm(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes, tmp_path: Path
) -> None:
    before = count(ctx)
    path = write_roster(
        tmp_path / "r.xlsx",
        [["名册"], ["姓名", "号码", "工会"], ["赵六", valid_id("44030419800101111"), "甲公司工会"]],
    )
    wizard = start(qtbot, ctx, path)
    assert wizard.stack.currentIndex() == MAPPING  # 号码 is not a known header
    assert "身份证号" in wizard.mapping_page.message.text()
    wizard.mapping_page.set_field("号码", "id_number")
    click(qtbot, wizard.next_button)
    assert wizard.stack.currentIndex() == PREVIEW
    assert "新增 1" in wizard.preview_page.summary.text()
    assert wizard.preview_page.model.rowCount() == 1
    assert count(ctx) == before  # nothing written before the confirmation
    with qtbot.waitSignal(ctx.data_changed):
        click(qtbot, wizard.import_button)
    assert boxes.kinds() == ["confirm"]
    assert wizard.stack.currentIndex() == RESULT
    assert "新增 1" in wizard.result_page.label.text()
    assert count(ctx) == before + 1


def test_wizard_refused_rows_offer_error_report(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = count(ctx)
    path = write_roster(
        tmp_path / "bad.xlsx",
        [
            ["姓名", "身份证号", "工会"],
            ["赵六", valid_id("44030419800101111"), "甲公司工会"],
            ["钱七", 4.40304198001011e17, "甲公司工会"],
        ],
    )
    wizard = start(qtbot, ctx, path)
    click(qtbot, wizard.next_button)  # mapping as detected
    assert wizard.stack.currentIndex() == PREVIEW
    assert not wizard.import_button.isVisible()
    assert "有错误 1" in wizard.preview_page.summary.text()
    report = tmp_path / "错误报告.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    click(qtbot, wizard.preview_page.report_button)
    assert wizard.stack.currentIndex() == RESULT
    assert "未导入任何数据" in wizard.result_page.label.text()
    assert f">{report}</a>" in wizard.result_page.label.text()
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[1][:2] == (2, "无误")  # the whole roster: fixed, it imports everyone
    assert rows[2][0] == 3 and "文本" in rows[2][1]
    assert count(ctx) == before


def test_wizard_sheet_choice_and_date_notes_in_the_preview(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["填表说明：身份证号请设置为文本格式"])
    for name, seq in (("一车间", "1"), ("二车间", "2")):
        ws = wb.create_sheet(name)
        ws.append(["会员花名册"])
        ws.append(["姓名", "身份证号", "所属工会", "入会时间"])
        ws.append(["赵六", valid_id(f"4403041980010111{seq}"), "甲公司工会", 2019.3])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    wizard = open_import_wizard(ctx, None)
    qtbot.addWidget(wizard)
    wizard.file_page.path_edit.setText(str(path))
    wizard.file_page.sheet_edit.setText("二车间")
    click(qtbot, wizard.next_button)
    assert wizard.stack.currentIndex() == MAPPING
    assert "工作表「二车间」第 2 行" in wizard.mapping_page.message.text()
    click(qtbot, wizard.next_button)
    assert wizard.stack.currentIndex() == PREVIEW
    assert "工作表「二车间」：共 1 行" in wizard.preview_page.summary.text()
    model = wizard.preview_page.model
    detail = model.data(model.index(0, 3))
    assert detail.startswith("「入会时间」只写到月份（2019.3），已按 2019-03-01 记录，请核对")


def test_wizard_unreadable_file_shows_message(
    qtbot: QtBot, ctx: AppContext, boxes: Boxes, tmp_path: Path
) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    wizard = start(qtbot, ctx, path)
    assert wizard.stack.currentIndex() == FILE
    assert boxes.shown and boxes.shown[0][0] == "error" and "空文件" in boxes.shown[0][2]


def test_export_current_filter(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    boxes.answer = False  # masked
    export_members(ctx, None, MemberFilter(union_id=registry["甲公司工会"]))
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["张三", "李四"]
    assert all("*" in r[1] for r in rows[1:])
    assert boxes.kinds() == ["confirm", "inform"]


def test_unmasked_export_is_audited(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "完整.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    boxes.answer = True  # full numbers
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent, **_w: None)
    export_members(ctx, None, MemberFilter(union_id=registry["甲公司工会"]))
    assert not target.exists() and audit.recent(ctx.db) == []  # no reason given: no export
    monkeypatch.setattr(reason_dialog, "ask_reason", lambda _parent, **_w: "报送上级工会")
    export_members(ctx, None, MemberFilter(union_id=registry["甲公司工会"]))
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1:] and not any("*" in r[1] for r in rows[1:])
    assert boxes.kinds() == ["confirm", "confirm", "inform"]
    assert "审计记录" in boxes.shown[-1][2]
    [entry] = audit.recent(ctx.db)
    assert entry.action == audit.ROSTER_EXPORT_UNMASKED
    assert entry.detail == "2 名会员；工会：甲公司工会；原因：报送上级工会"
