"""Errors as the GUI shows them: control characters refused next to the field, and a
full disk from a background task worded as the CLI words it."""

from __future__ import annotations

import errno
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.errors import StorageFullError
from desktop.views.context import AppContext
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.tasks import SyncTaskRunner

from .conftest import valid_id


def test_dialog_refuses_a_pasted_escape_in_the_name(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    with ctx.db.connect(write=False) as conn:
        before = conn.execute(text("SELECT count(*) FROM members")).scalar_one()
    dialog = MemberDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.editors["name"].insert("赵\x1b[31m六")  # type: ignore[attr-defined]
    dialog.editors["employer"].insert("某\u202e司公")  # type: ignore[attr-defined]
    dialog.editors["id_number"].insert(valid_id("44030419920229456"))  # type: ignore[attr-defined]
    dialog.set_value("union_id", registry["乙公司工会"])
    dialog.save()
    assert dialog.errors["name"].is_error
    assert "控制字符" in dialog.errors["name"].text() and "U+001B" in dialog.errors["name"].text()
    assert "U+202E" in dialog.errors["employer"].text()
    assert not dialog.errors["id_number"].is_error
    with ctx.db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM members")).scalar_one() == before


def test_a_task_that_hits_a_full_disk_reports_the_domain_error(
    qapp: object, tmp_path: Path
) -> None:
    target = tmp_path / "cards.pdf"

    def work(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    failures: list[BaseException] = []
    SyncTaskRunner().run(
        work, title="打印", parent=None, on_done=lambda _r: None, on_error=failures.append
    )
    assert isinstance(failures[0], StorageFullError)
    assert "磁盘空间不足" in str(failures[0]) and str(target) in str(failures[0])
