"""The CLI dispatches on ``args.handler`` (each verb's ``set_defaults``): an option whose
destination is also ``handler`` (``--handler 经办人`` on hardship assist and legal add
once did) replaces the function with the clerk's text and crashes the command."""

from __future__ import annotations

import argparse

from desktop.cli import build_parser


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _parsers(child)
    return found


def test_no_option_writes_to_the_dispatch_attribute() -> None:
    clashes = [
        f"{p.prog}: {'/'.join(a.option_strings)}"
        for p in _parsers(build_parser())
        for a in p._actions
        if a.dest == "handler" and a.option_strings
    ]
    assert clashes == []
