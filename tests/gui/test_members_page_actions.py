"""The member page's roster and card buttons reach the roster and printing areas."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.views.context import AppContext
from desktop.views.roster import actions

from .conftest import Boxes
from .test_main_window import members_page, open_window


def test_export_button_writes_the_filtered_list_masked(
    qtbot: QtBot,
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(actions, "_save_path", lambda *_: target)
    boxes.answer = False  # "export full numbers?" → no
    page = members_page(open_window(qtbot, ctx))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    book = load_workbook(target, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()  # read-only books hold the file open until closed
    cells = [str(c) for row in rows[1:] for c in row if c]
    assert len(rows) >= 4 and any("*" in c for c in cells)
    assert ("inform", "导出完成") in [(k, t) for k, t, _ in boxes.shown]


def test_card_button_needs_a_selection_then_opens_printing(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], boxes: Boxes
) -> None:
    window = open_window(qtbot, ctx)
    page = members_page(window)
    qtbot.mouseClick(page.card_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["inform"] and window.current_key() == "members"
    page.table.selectRow(0)
    qtbot.mouseClick(page.card_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "printing"
