"""Opening at start-up when the key may be missing, and the once-only recovery key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from desktop import clock
from desktop.config import Paths
from desktop.errors import DatabaseKeyMissingError
from desktop.storage.database import Database

if TYPE_CHECKING:
    from desktop.views.unlock.dialog import UnlockDialog


def ask(dialog: QDialog) -> bool:
    """The seam tests replace: run the dialog, True when it was accepted."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def open_unlocked(paths: Paths, opener: Callable[[Paths], Database]) -> Database | None:
    """``opener(paths)``; when this PC lacks the key, the unlock dialog, then again.
    None when the clerk chose 退出 (nothing was opened or written)."""
    unlocked: UnlockDialog | None = None
    while True:
        try:
            db = opener(paths)
        except DatabaseKeyMissingError:
            # Imported only here: a PC holding its key (every start but the first after a
            # move) never loads the dialog and its form widgets before the first paint.
            from desktop.views.unlock.dialog import UnlockDialog

            unlocked = UnlockDialog(paths)
            if not ask(unlocked):
                return None
            continue
        if unlocked is not None:  # who unlocked this PC, and with what (never the secret)
            from desktop.services import audit

            audit.record(db, audit.DATABASE_KEY, audit.unlocked_detail(unlocked.unlocked_by))
        return db


def recovery_key_text(code: str) -> str:
    """The key and the advice as text (an unattended screenshot run prints this)."""
    from desktop.views.unlock.recovery_dialog import ADVICE

    return f"恢复密钥：{code}\n\n{ADVICE}"


def show_recovery_key(parent: QWidget | None, code: str, office: str = "") -> None:
    """The once-only recovery key in its dialog (copy, print; closed only once kept)."""
    from desktop.views.unlock.recovery_dialog import RecoveryKeyDialog

    ask(RecoveryKeyDialog(parent, code, office=office, made=clock.current().now()))
