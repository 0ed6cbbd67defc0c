"""Restore and re-delivery through the 备份与恢复 page (issue 23 part 4: "test through this
page and the CLI"): A sends B members, B's clerk restores a backup from before on the
page, one package each way, B has them all again. The CLI side:
tests/unit/test_restore_resend.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.config import ENV_STATE_DIR, Paths
from desktop.opening import open_database
from desktop.services.figures import summary
from desktop.views.backups.page import BackupsPage
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.tasks import SyncTaskRunner
from tests.unit.sync.test_copies_and_restores import Office, make_office
from tests.unit.test_restore_resend import backed_up_then_sent, member_count, offices

from .conftest import Boxes

__all__ = ["make_office", "offices"]  # the fixtures, used below
MEMBERS = 200


def test_a_restore_on_the_page_then_one_exchange_brings_every_member_back(
    offices: tuple[Office, Office],
    tmp_path: Path,
    qtbot: Any,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = offices
    before = backed_up_then_sent(a, b, tmp_path, MEMBERS)

    monkeypatch.setenv(ENV_STATE_DIR, str(b.state))
    ctx = AppContext(open_database(Paths(b.data)), SyncTaskRunner())
    window = MainWindow(ctx, "测试联合会")
    qtbot.addWidget(window)
    page = window.show_area("backups")
    assert isinstance(page, BackupsPage)
    page.select_name(before)
    boxes.answer = True
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    try:
        assert summary.registry_stats(ctx.db).members_total == 0  # lost with the restore
        told = boxes.shown[-1][2]
        assert "交换一次同步包" in told and "补发" in told
    finally:
        ctx.db.close()

    b.send(a, tmp_path, "after-restore")  # B declares what it holds now
    a.send(b, tmp_path, "resend")  # A re-sends what that declaration does not cover
    assert member_count(b) == MEMBERS
