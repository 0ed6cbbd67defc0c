"""Python's cyclic garbage collector paused while background work runs.

Why: a full collection walks every tracked object with the GIL held. A long task (a
100k-member sync apply, a roster import) grows the heap by hundreds of thousands of
objects, which sets off several full collections in the worker thread; each froze the
window for 100–150 ms (measured with a 2 ms sampler beside a 100k-member apply: the
longest gap fell from 151 to 67 ms with the collector paused; docs/benchmarks.md,
"Twelfth session"). Reference counting still frees almost everything a task makes; the
few cycles it leaves wait until the last task ends and the collector runs again. Only a
collector this module paused is resumed, so the start-up pause (``app.resume_gc``) and a
test's own settings are left alone.

When the last task ends, what the heap holds then goes to the permanent generation
(``gc.freeze``, as at start-up) before the collector runs again: every object the task
made is still in the youngest generation, and the first collection after it walked them
all at once — a 139–150 ms pause of the window as a 100k-row roster import ended
(measured with a 2 ms sampler). Reference counting still frees them when the window
drops them. The price is the task's own cyclic garbage, never collected: ~1,200 objects
a roster import (``gc.collect()`` after one), a few hundred kilobytes a task.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_paused_here = False


@contextmanager
def paused() -> Iterator[None]:
    """Keep the collector paused for the duration of the block (nested and threaded
    blocks count: it runs again when the last one ends)."""
    global _running, _paused_here
    with _lock:
        if _running == 0 and gc.isenabled():
            gc.disable()
            _paused_here = True
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _paused_here:
                _paused_here = False
                gc.freeze()
                gc.enable()
