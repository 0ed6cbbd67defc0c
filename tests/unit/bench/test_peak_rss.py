"""Each benchmark child's peak-RSS figure is its own, not an earlier or a parent's peak."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# The parent grows first, as ``python -m benchmarks`` does by running the earlier
# benchmarks in its own process, then starts a big child and a small one in sequence.
DRIVER = """
import json
from benchmarks import run_child
grown = b"x" * (200 << 20)
del grown
print(json.dumps([run_child("tests.unit.bench.rss_probe", str(mib))["rss_mb"] for mib in (120, 0)]))
"""


def test_a_small_child_after_a_big_one_reports_its_own_small_peak() -> None:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER], cwd=ROOT, check=True, capture_output=True, text=True
    )
    big, small = json.loads(done.stdout)
    assert 120 <= big < 190, big
    assert small < 60, small  # an interpreter and json, not the parent's 200 MiB
