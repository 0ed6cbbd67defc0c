"""The start-up unlock dialog: a folder moved to another PC opens after the recovery key
or an administrator's password; a wrong one is said under the field; 退出 opens nothing.
A new database shows its recovery key once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.config import ENV_STATE_DIR, Paths
from desktop.opening import open_database
from desktop.services import audit
from desktop.storage import keys
from desktop.storage.database import Database
from desktop.views.unlock import flow
from desktop.views.unlock.dialog import UnlockDialog
from tests.gui.conftest import Boxes


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "PASSWORD_COST", keys.KdfCost(t=1, m=1024, p=1))


@pytest.fixture
def moved(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Paths, str]:
    """The registry copied to "another PC" (its own state dir): its recovery key and an
    administrator's password slot travel in keys.json, the key does not."""
    key = keys.database_key(db.paths)
    code = keys.new_recovery_key(db.paths, key)
    keys.add_password_slot(db.paths, key, "admin", "正确的密码")
    db.close()
    target = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, target)
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path / "pc2-state"))
    return Paths(target), code


def _answers(monkeypatch: pytest.MonkeyPatch, qtbot: Any, *steps: Any) -> list[str]:
    """Replace the modal run: each step fills the dialog and clicks 解锁 (or 退出)."""
    seen: list[str] = []

    def ask(dialog: UnlockDialog) -> bool:
        qtbot.addWidget(dialog)
        for step in steps:
            step(dialog)
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            seen.append(dialog.error.text())
            if dialog.result() == UnlockDialog.DialogCode.Accepted:
                return True
        return False

    monkeypatch.setattr(flow, "ask", ask)
    return seen


def test_recovery_key_unlocks_after_a_wrong_one(
    moved: tuple[Paths, str], monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    paths, code = moved

    def typed(text: str) -> Any:
        def fill(dialog: UnlockDialog) -> None:
            dialog.by_recovery.setChecked(True)
            dialog.recovery.setText(text)

        return fill

    seen = _answers(monkeypatch, qtbot, typed("AAAA-BBBB"), typed(code.lower()))
    db = flow.open_unlocked(paths, open_database)
    assert db is not None
    [entry] = [e for e in audit.recent(db) if e.action == audit.DATABASE_KEY]
    assert "恢复密钥" in entry.detail and code not in entry.detail
    db.close()
    assert "恢复密钥不对" in seen[0] and seen[1] == ""


def test_an_administrator_password_unlocks(
    moved: tuple[Paths, str], monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    paths, _code = moved

    def password(text: str) -> Any:
        def fill(dialog: UnlockDialog) -> None:
            assert dialog.by_password.isChecked() and dialog.user.currentText() == "admin"
            dialog.password.setText(text)

        return fill

    seen = _answers(monkeypatch, qtbot, password("错误的密码"), password("正确的密码"))
    db = flow.open_unlocked(paths, open_database)
    assert db is not None
    [entry] = [e for e in audit.recent(db) if e.action == audit.DATABASE_KEY]
    assert "管理员「admin」的密码" in entry.detail and "正确的密码" not in entry.detail
    db.close()
    assert "密码不对" in seen[0]


def test_quitting_opens_nothing(
    moved: tuple[Paths, str], monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    paths, _code = moved
    monkeypatch.setattr(flow, "ask", lambda dialog: qtbot.addWidget(dialog) or False)
    before = paths.database.read_bytes()
    assert flow.open_unlocked(paths, open_database) is None
    assert paths.database.read_bytes() == before


def test_a_new_database_shows_its_recovery_key_once_and_keeps_it_up_until_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPrintSupport import QPrinter

    from desktop.views.unlock import recovery_dialog

    db = open_database(Paths(tmp_path / "new"))
    shown: list[recovery_dialog.RecoveryKeyDialog] = []
    monkeypatch.setattr(flow, "ask", lambda dialog: qtbot.addWidget(dialog) or shown.append(dialog))
    try:
        code = db.recovery_code
        assert code is not None
        flow.show_recovery_key(None, code, "天府软件园区工会联合会")
    finally:
        db.close()
    [dialog] = shown
    dialog.show()
    assert dialog.key_label.text() == code and dialog.windowTitle() == "请保存恢复密钥"
    # not to be clicked away: 完成 waits for the tick, Esc and the close button do nothing
    assert not dialog.done_button.isEnabled()
    dialog.reject()
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == code
    # printing: the sheet names the office and carries the key (to a PDF here, not a printer)
    pdf = tmp_path / "sheet.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(pdf))
    monkeypatch.setattr(recovery_dialog, "ask_printer", lambda parent: printer)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert code in text and "天府软件园区工会联合会" in text and "恢复密钥" in text
    dialog.kept.setChecked(True)
    assert dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_start_asks_for_the_key_and_quitting_starts_nothing(
    moved: tuple[Paths, str], monkeypatch: pytest.MonkeyPatch, qtbot: Any, boxes: Boxes
) -> None:
    from desktop.views import app as gui_app

    paths, _code = moved
    asked: list[UnlockDialog] = []
    monkeypatch.setattr(flow, "ask", lambda dialog: qtbot.addWidget(dialog) or asked.append(dialog))
    assert gui_app.run_gui(["--data-dir", str(paths.data_dir)]) == 1
    assert len(asked) == 1 and boxes.shown == []  # the unlock dialog, not an error box
