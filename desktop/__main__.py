"""Entry point: ``uniondesk`` with no subcommand starts the GUI, otherwise the admin CLI."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence

GUI_OPTIONS = ("--data-dir", "--screenshot", "--database-url")

# Qt-free modules the GUI's first screen needs, imported before PySide6 on purpose: once
# QtCore is loaded, PySide6 checks every module imported after it for its opt-in
# ``from __feature__`` syntax by reading the module's source (inspect.getsource), which
# makes importing SQLAlchemy and these services about a fifth slower (~35 ms measured).
GUI_START_MODULES = (
    "desktop.storage.database",
    "desktop.opening",  # storage + the sync identity binding, without the ORM
    "sqlalchemy.dialects.sqlite",  # loaded by create_engine when the database opens
    "desktop.services.unions.federations",
    "desktop.services.figures.summary",
)


# A file the GUI opens when it is the only argument (what a file-association double-click
# passes): ``uniondesk 甲街道.udsync`` starts the window on the sync import wizard.
GUI_FILE_SUFFIXES = (".udsync",)


def _wants_gui(argv: Sequence[str]) -> bool:
    """True when only GUI options are given (and at most one package file): no area, so
    no CLI command."""
    args, rest = list(argv), []
    while args:
        if args[0].startswith(GUI_OPTIONS):
            args = args[1:] if "=" in args[0] else args[2:]
        else:
            rest.append(args.pop(0))
    args = rest
    if len(args) == 1 and args[0].lower().endswith(GUI_FILE_SUFFIXES):
        return True
    return not args


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args):
        # Start-up allocates long-lived objects only (modules, classes, widgets): the
        # cyclic collector would scan them over and over for nothing. run_gui freezes
        # them and turns it back on once the first window is up.
        gc.disable()
        for name in GUI_START_MODULES:
            importlib.import_module(name)
        from desktop.views.app import run_gui

        return run_gui(args)
    from desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
