"""Opening at start-up when the key may be missing, and the once-only recovery key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from desktop.config import Paths
from desktop.errors import DatabaseKeyMissingError
from desktop.storage.database import Database
from desktop.views.widgets import messages


def ask(dialog: QDialog) -> bool:
    """The seam tests replace: run the dialog, True when it was accepted."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def open_unlocked(paths: Paths, opener: Callable[[Paths], Database]) -> Database | None:
    """``opener(paths)``; when this PC lacks the key, the unlock dialog, then again.
    None when the clerk chose 退出 (nothing was opened or written)."""
    from desktop.views.unlock.dialog import UnlockDialog

    while True:
        try:
            return opener(paths)
        except DatabaseKeyMissingError:
            if not ask(UnlockDialog(paths)):
                return None


def recovery_key_text(code: str) -> str:
    return (
        f"恢复密钥：{code}\n\n"
        "请立即把它抄写或打印出来，保存在电脑以外的安全地方（例如单位保险柜）。它只显示这一次，"
        "本程序不保存它的明文。数据文件夹被移到另一台电脑、或在新电脑上从备份恢复时，"
        "需要输入管理员密码或这个恢复密钥；两者都没有，数据将无法读取。"
        "（以后可以用 uniondesk recovery-key 生成新的恢复密钥，旧的随之作废。）"
    )


def show_recovery_key(parent: QWidget | None, code: str) -> None:
    messages.inform(parent, "请保存恢复密钥", recovery_key_text(code))
