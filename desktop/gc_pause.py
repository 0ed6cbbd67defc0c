"""Helpers for loops over a whole roster (100k rows and more)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk loop, then restore it.

    Checking or writing a roster allocates millions of container objects that all stay
    alive (the sheet's rows, one dict per member); each full collection walks every one
    of them, yet finds nothing to free: a visible share of the check time (docs/benchmarks.md,
    "Figures behind design choices").
    Reference counting still frees everything as usual; only cycles wait until the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
