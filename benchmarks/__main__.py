"""Run every benchmark module's ``main()`` in turn, each at the issue's size.

``python -m benchmarks``; for a smaller run call one module with its size flags, e.g.
``python -m benchmarks.generate --members 100000``.
"""

from __future__ import annotations

import importlib
import pkgutil

import benchmarks

# Drivers that run other benchmarks (and need arguments), not figures of their own.
NOT_A_FIGURE = {"before_after"}


def main() -> int:
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in NOT_A_FIGURE:
            continue
        print(f"# benchmarks.{info.name}", flush=True)
        importlib.import_module(f"benchmarks.{info.name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
