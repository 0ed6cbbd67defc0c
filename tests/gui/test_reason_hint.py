"""Where the window asks for a reason (full ID numbers, sensitive care data, printing
them), it tells the clerk not to write the person's name or numbers: the reason goes to
the hash-chained audit trail, which an erasure cannot rewrite."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services import audit
from desktop.views.care import reason_dialog


def test_every_reason_dialog_says_not_to_write_the_persons_name(qtbot: QtBot) -> None:
    for note in (reason_dialog.SENSITIVE_NOTE, reason_dialog.PRINT_NOTE, reason_dialog.UNMASK_NOTE):
        dialog = reason_dialog.ReasonDialog(note_text=note)
        qtbot.addWidget(dialog)
        assert audit.REASON_HINT in dialog.hint.text()
        assert "姓名" in audit.REASON_HINT and "身份证号" in audit.REASON_HINT
