"""The log-in in front of the registry: at start when accounts exist, and after
signing out (or a switch of account at the lock), when the window is built anew for
the account that signed in (its role decides what the pages allow).

Before any account exists nothing asks: the window opens as it always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from desktop import acting
from desktop.services.accounts.presence import accounts_exist
from desktop.views.context import AppContext

if TYPE_CHECKING:  # the dialog loads the ORM: imported only when a log-in is shown
    from desktop.views.accounts.login_dialog import LoginDialog

#: Windows opened here after a new sign-in: a top-level window lives while referenced.
_alive: list[QWidget] = []


def ask_first(ctx: AppContext, then: Callable[[], QWidget]) -> LoginDialog | None:
    """Show the log-in when accounts exist and nobody is signed in (``then`` runs after
    a successful one, 退出 quits); None when no log-in is needed."""
    if acting.current().signed_in or not accounts_exist(ctx.db):
        return None
    from desktop.views.accounts.login_dialog import LoginDialog

    dialog = LoginDialog(ctx)

    def accepted() -> None:
        assert dialog.actor is not None
        acting.sign_in(dialog.actor)
        _alive.append(then())

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(QApplication.quit)
    dialog.show()
    _alive.append(dialog)
    return dialog


def reopen(ctx: AppContext, old: QWidget) -> QWidget:
    """A fresh main window for the account now signed in, replacing ``old``."""
    from desktop.views import app

    window = app.open_registry(ctx)
    _alive.append(window)
    old.setProperty("accountClosing", True)
    old.close()
    if old in _alive:
        _alive.remove(old)
    old.deleteLater()
    return window


def sign_in_again(ctx: AppContext, old: QWidget, username: str = "") -> LoginDialog:
    """After signing out: hide the window, ask for an account, then a fresh window."""
    from desktop.views.accounts.login_dialog import LoginDialog

    dialog = LoginDialog(ctx, username=username)
    _alive.append(dialog)

    def accepted() -> None:
        assert dialog.actor is not None
        acting.sign_in(dialog.actor)
        reopen(ctx, old)

    def rejected() -> None:
        old.setProperty("accountClosing", True)
        old.close()
        QApplication.quit()

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(rejected)
    dialog.show()  # shown before the window hides: the program never has no window
    old.hide()
    return dialog
