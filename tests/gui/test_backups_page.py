"""备份与恢复 page: the table, 立即备份, 校验, the settings, and a restore through the page
that the main window reopens."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.clock import FixedClock
from desktop.services.backups import catalog, options
from desktop.services.figures import summary
from desktop.services.members import registry as members
from desktop.views.backups import page as page_module
from desktop.views.backups.page import BackupsPage
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.qtmodels import backup_table as bt

from .conftest import Boxes, valid_id


def _page(qtbot: QtBot, ctx: AppContext) -> BackupsPage:
    page = BackupsPage(ctx)
    qtbot.addWidget(page)
    return page


def _cell(page: BackupsPage, row: int, col: int) -> str:
    return str(page.model.data(page.model.index(row, col)))


def _member_count(ctx: AppContext) -> int:
    return summary.registry_stats(ctx.db).members_total


def test_the_table_shows_time_reason_size_check_and_second_copy(
    ctx: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    options.set_second_copy_dir(ctx.db, stick)
    made = catalog.create(ctx.db)
    page = _page(qtbot, ctx)
    assert page.model.rowCount() == 1
    assert _cell(page, 0, bt.COL_TIME) == "2026-11-21 09:00:00"
    assert _cell(page, 0, bt.COL_REASON) == "手动备份"
    assert _cell(page, 0, bt.COL_SIZE).endswith(("KB", "MB"))
    assert _cell(page, 0, bt.COL_VERIFIED).startswith("✓")
    assert _cell(page, 0, bt.COL_SECOND) == str(stick)
    assert page.model.data(page.model.index(0, 0), bt.NAME_ROLE) == made.backup.name
    assert page.second_dir.text() == str(stick) and page.keep.value() == 30


def test_back_up_now_adds_a_checked_row_and_warns_when_the_stick_is_missing(
    ctx: AppContext, qtbot: QtBot, boxes: Boxes, tmp_path: Path, fixed_clock: FixedClock
) -> None:
    page = _page(qtbot, ctx)
    assert not page.restore_button.isEnabled()  # nothing chosen yet
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1 and "已备份并校验" in page.message.text()
    assert page.restore_button.isEnabled()  # the new backup is selected
    stick = tmp_path / "stick"
    stick.mkdir()
    options.set_second_copy_dir(ctx.db, stick)
    stick.rmdir()
    fixed_clock.advance(timedelta(minutes=1))
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert boxes.kinds() == ["warn"] and "U 盘" in boxes.shown[0][2]


def test_check_shows_a_damaged_backup_as_failed(ctx: AppContext, qtbot: QtBot) -> None:
    made = catalog.create(ctx.db)
    made.backup.path.write_bytes(made.backup.path.read_bytes()[:4096])
    page = _page(qtbot, ctx)
    page.table.selectRow(0)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert _cell(page, 0, bt.COL_VERIFIED).startswith("✗")
    assert "校验未通过" in page.message.text()


def test_settings_keep_count_and_second_copy_folder(
    ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(qtbot, ctx)
    page.keep.setValue(12)
    qtbot.mouseClick(page.keep_button, Qt.MouseButton.LeftButton)
    assert options.keep_count(ctx.db) == 12
    monkeypatch.setattr(page_module, "choose_folder", lambda _parent: str(tmp_path / "gone"))
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert "找不到文件夹" in page.message.text() and options.second_copy_dir(ctx.db) is None
    monkeypatch.setattr(page_module, "choose_folder", lambda _parent: str(tmp_path))
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert options.second_copy_dir(ctx.db) == tmp_path and page.second_dir.text() == str(tmp_path)
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert options.second_copy_dir(ctx.db) is None


def test_restore_through_the_page_reopens_the_window_on_the_backup(
    ctx: AppContext,
    registry: dict[str, str],
    qtbot: QtBot,
    boxes: Boxes,
    fixed_clock: FixedClock,
) -> None:
    catalog.create(ctx.db)
    fixed_clock.advance(timedelta(hours=2))
    members.add(
        ctx.db,
        {
            "name": "赵六",
            "id_number": valid_id("44030419800101456"),
            "union_id": registry["甲公司工会"],
        },
    )
    assert _member_count(ctx) == 4
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    page = window.show_area("backups")
    assert isinstance(page, BackupsPage)
    page.table.selectRow(0)
    old_db = ctx.db
    try:
        boxes.answer = False
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
        assert ctx.db is old_db and _member_count(ctx) == 4  # declined: nothing happened
        confirm = boxes.shown[-1][2]
        assert "2026年11月21日 09:00" in confirm and "不会删除" in confirm
        boxes.answer = True
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
        assert ctx.db is not old_db
        assert _member_count(ctx) == 3  # the backup's registry, read through the new db
        qtbot.waitUntil(lambda: boxes.kinds()[-1] == "inform")
        told = boxes.shown[-1][2]
        assert "已恢复到 2026-11-21 09:00 的备份" in told and "交换一次同步包" in told
        rebuilt = window.pages["backups"]
        assert rebuilt is not page and window.current_key() == "backups"
        assert isinstance(rebuilt, BackupsPage) and rebuilt.ctx.db is ctx.db
        assert list(ctx.db.paths.backups.glob("replaced-*/uniondesk.db"))  # moved, kept
    finally:
        if ctx.db is not old_db:
            ctx.db.close()


def test_a_backup_from_another_pc_is_unlocked_then_restored_from_the_stick(
    ctx: AppContext,
    registry: dict[str, str],
    qtbot: QtBot,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The clerk's day on a new PC: the old PC is gone, its backup is on a USB stick with
    its .keys.json; 从其他位置恢复… asks for the old PC's recovery key, then restores."""
    from PySide6.QtWidgets import QDialog

    from desktop.config import ENV_STATE_DIR, Paths
    from desktop.opening import open_database
    from desktop.views.unlock import flow as unlock_flow
    from desktop.views.unlock.dialog import UnlockDialog

    here = os.environ[ENV_STATE_DIR]
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path / "old-pc-state"))  # another installation
    old = open_database(Paths(tmp_path / "old-pc"))
    code = old.recovery_code
    made = catalog.create(old).backup.path
    old.close()
    monkeypatch.setenv(ENV_STATE_DIR, here)
    stick = tmp_path / "stick"
    stick.mkdir()
    for part in (made, made.with_name(made.name + ".keys.json")):
        shutil.copyfile(part, stick / part.name)
    assert code is not None and _member_count(ctx) == 3

    asked: list[UnlockDialog] = []

    def ask(dialog: UnlockDialog) -> bool:
        # parented to the page, which the restore rebuilds: not for qtbot to close
        asked.append(dialog)
        dialog.by_recovery.setChecked(True)
        dialog.recovery.setText("0000-0000-0000-0000-0000-0000-0000-0000")
        dialog.unlock()  # a wrong key is said under the field, the dialog stays
        assert "恢复密钥不对" in dialog.error.text()
        dialog.recovery.setText(code)
        dialog.unlock()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(unlock_flow, "ask", ask)
    monkeypatch.setattr(page_module, "choose_backup_file", lambda parent: str(stick / made.name))
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    page = window.show_area("backups")
    assert isinstance(page, BackupsPage)
    old_db = ctx.db
    try:
        boxes.answer = True
        qtbot.mouseClick(page.other_button, Qt.MouseButton.LeftButton)
        assert [d.windowTitle() for d in asked] == ["解锁备份"]
        assert any(made.name in text for _kind, _title, text in boxes.shown)  # confirmed
        assert ctx.db is not old_db
        assert _member_count(ctx) == 0  # the old PC's registry (a fresh one, no members)
        qtbot.waitUntil(lambda: boxes.kinds()[-1] == "inform")
    finally:
        if ctx.db is not old_db:
            ctx.db.close()


def test_a_read_only_account_may_check_backups_but_not_make_restore_or_set_them(
    ctx: AppContext, qtbot: QtBot
) -> None:
    """QA: a 只读 account could press 立即备份 (each backup rotates the oldest restore point
    out), and 恢复… and 保存 were offered, then refused after the confirmation."""
    from desktop import acting
    from desktop.errors import PermissionDeniedError

    made = catalog.create(ctx.db).backup.name
    reader = acting.Actor("kan", "李查看", acting.READONLY, account_id=4)
    with acting.acting_as(reader):
        page = _page(qtbot, ctx)
        page.table.selectRow(0)
        assert page.verify_button.isEnabled() and page.folder_button.isEnabled()
        assert not page.backup_button.isEnabled() and not page.restore_button.isEnabled()
        assert not page.other_button.isEnabled() and not page.settings_box.isEnabled()
        with pytest.raises(PermissionDeniedError, match="只读"):
            catalog.create(ctx.db)
    assert [b.name for b in catalog.list_backups(ctx.db)] == [made]  # nothing made or rotated
    clerk = acting.Actor("zhang", "张办事", acting.STAFF, account_id=3)
    with acting.acting_as(clerk):
        page = _page(qtbot, ctx)
        page.table.selectRow(0)
        assert page.backup_button.isEnabled() and not page.restore_button.isEnabled()
