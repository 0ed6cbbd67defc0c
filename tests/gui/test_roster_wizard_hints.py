"""The import wizard speaks of its own fields, never of CLI options."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from pytestqt.qtbot import QtBot

from desktop.views.context import AppContext
from desktop.views.roster.import_wizard import MAPPING, PREVIEW

from .conftest import valid_id
from .test_roster_wizard import click, start


def test_wizard_names_its_sheet_field_not_the_cli_option(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["填表说明：身份证号请设置为文本格式"])
    for name, seq in (("一车间", "1"), ("二车间", "2")):
        ws = wb.create_sheet(name)
        ws.append(["姓名", "身份证号", "所属工会"])
        ws.append([f"{name}会员", valid_id(f"4403041980010111{seq}"), "甲公司工会"])
    path = tmp_path / "车间.xlsx"
    wb.save(path)
    wizard = start(qtbot, ctx, path)
    assert wizard.stack.currentIndex() == MAPPING
    click(qtbot, wizard.next_button)
    assert wizard.stack.currentIndex() == PREVIEW
    summary = wizard.preview_page.summary.text()
    assert "已选用工作表「一车间」" in summary
    assert "工作表「二车间」也有会员名册（1 行），本次未导入" in summary
    assert "「工作表」" in summary
    assert "--sheet" not in summary


def test_wizard_mapping_message_names_the_sheet_field(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["序号", "工会名称", "会员人数", "联系电话"])
    wb.active.append([1, "甲公司工会", 2, "13800138000"])
    wb.create_sheet("备用").append(["说明"])
    path = tmp_path / "汇总.xlsx"
    wb.save(path)
    wizard = start(qtbot, ctx, path)
    assert wizard.stack.currentIndex() == MAPPING
    message = wizard.mapping_page.message.text()
    assert "本文件还有工作表：备用" in message and "「工作表」" in message
    assert "--sheet" not in message and "--map" not in message
