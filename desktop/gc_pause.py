"""The cyclic garbage collector paused for a bulk loop (100k rows and more).

In the base layer: the roster check and import (services) and the member writer's bulk
append (services) use it, and the window's task collector does the same for its tasks
(``views/collector.py``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk loop, then restore it.

    Checking or writing a roster, or appending 100k members, allocates millions of
    container objects that all stay alive (the sheet's rows, one dict per member); each
    full collection walks every one of them, yet finds nothing to free: a visible share
    of the check time (docs/benchmarks.md, "Figures behind design choices"), and 0.42 s of
    a 100k-member bulk insert (eighteenth session).
    Reference counting still frees everything as usual; only cycles wait until the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
