"""Entry point: ``uniondesk`` with no subcommand starts the GUI, otherwise the admin CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence

GUI_OPTIONS = ("--data-dir", "--screenshot")


def _wants_gui(argv: Sequence[str]) -> bool:
    """True when only GUI options are given: no area, so no CLI command."""
    args = list(argv)
    while args and args[0].startswith(GUI_OPTIONS):
        args = args[1:] if "=" in args[0] else args[2:]
    return not args


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args):
        from desktop.views.app import run_gui

        return run_gui(args)
    from desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
