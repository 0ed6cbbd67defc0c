"""A benchmark child for the peak-RSS test: holds ``argv[1]`` MiB, reports its peak.

Run as ``python -m tests.unit.bench.rss_probe MIB`` through ``benchmarks.run_child``, as
the benchmark children are.
"""

from __future__ import annotations

import json
import sys

from benchmarks import peak_rss_mb

if __name__ == "__main__":
    held = b"x" * (int(sys.argv[1]) << 20)  # written, so resident
    print(json.dumps({"held": len(held) >> 20, "rss_mb": peak_rss_mb()}))
