"""Property: whatever the edits and however packages travel, all PCs converge."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.sync import scenario

# Each example builds several real databases: few examples, no deadline.
RANDOM_RUNS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@RANDOM_RUNS
@given(
    seed=st.integers(0, 2**32 - 1),
    nodes=st.integers(3, 8),
    steps=st.integers(5, 25),
)
def test_random_exchanges_converge(
    db_template: Path, tmp_path: Path, seed: int, nodes: int, steps: int
) -> None:
    outcome = scenario.run(seed, db_template, nodes, steps, tmp_path)
    assert outcome.ok, outcome.detail


@RANDOM_RUNS
@given(
    seed=st.integers(0, 2**32 - 1),
    nodes=st.integers(3, 6),
    steps=st.integers(10, 30),
)
def test_random_exchanges_with_wrong_and_stepping_clocks_converge(
    db_template: Path, tmp_path: Path, seed: int, nodes: int, steps: int
) -> None:
    """PCs dated ±10 years, days ahead, weeks or a year behind, set back and forth."""
    outcome = scenario.run(seed, db_template, nodes, steps, tmp_path, clocks=True)
    assert outcome.ok, outcome.detail


def test_checker_detects_divergence(db_template: Path, tmp_path: Path) -> None:
    """The checker is not vacuous: two PCs that never exchanged are reported."""
    from tests.conftest import make_db
    from tests.unit.sync import helpers

    a, b = make_db(db_template, tmp_path / "a"), make_db(db_template, tmp_path / "b")
    try:
        helpers.add_federation(a)
        assert not scenario.check([a, b]).ok
    finally:
        a.close()
        b.close()
