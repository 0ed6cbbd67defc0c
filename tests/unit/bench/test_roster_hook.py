"""The roster benchmark times the member service's writes wherever they live.

``members.prepare_rows``/``appending`` move from the registry to the member writer (#19);
the benchmark finds the module that defines them and replaces every binding a loaded
module holds, so its "member service's writes" share is neither lost nor counted twice.
"""

from __future__ import annotations

from typing import Any

from benchmarks.roster_import import member_writer, replace_everywhere
from desktop.services.rosters import importer


def _bindings(fn: Any) -> int:
    import sys

    return sum(
        1
        for name, module in list(sys.modules.items())
        if module is not None and name.startswith("desktop")
        for value in vars(module).values()
        if value is fn
    )


def test_the_writer_module_defines_both_functions() -> None:
    writer = member_writer()
    assert callable(writer.prepare_rows) and callable(writer.appending)
    assert writer.prepare_rows.__module__ == writer.__name__


def test_every_binding_is_replaced_and_restored() -> None:
    assert importer  # loaded: the importer's own bindings are among those replaced
    original = member_writer().prepare_rows
    before = _bindings(original)

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **kwargs)

    try:
        assert replace_everywhere(original, stand_in) == before >= 1
        assert _bindings(original) == 0
        assert member_writer().prepare_rows is stand_in
    finally:
        replace_everywhere(stand_in, original)
    assert _bindings(original) == before
