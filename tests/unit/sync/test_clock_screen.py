"""Clock screening of received changes: the integer threshold equals the per-change rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.models.base import new_id
from desktop.storage import hlc as hlc_mod
from desktop.storage.database import Database
from desktop.sync import plan as plan_mod
from desktop.sync.segments import Change

_CLOCK = st.integers(min_value=0, max_value=(1 << 62))


@given(_CLOCK, _CLOCK, st.integers(min_value=0, max_value=400 * 86_400_000))
def test_beyond_is_the_millisecond_rule(hlc: int, reference: int, ahead_ms: int) -> None:
    by_rule = hlc_mod.millis(hlc) - hlc_mod.millis(reference) > ahead_ms
    assert (hlc >= hlc_mod.beyond(reference, ahead_ms)) is by_rule


def test_is_future_boundary_ignores_the_logical_part() -> None:
    ref = hlc_mod.pack(1_700_000_000_000, 5)
    at_limit = hlc_mod.pack(1_700_000_000_000 + hlc_mod.FUTURE_TOLERANCE_MS, 0xFFFF)
    assert not hlc_mod.is_future(at_limit, ref)
    assert hlc_mod.is_future(at_limit + 1, ref)


def _federation_change(node: str, counter: int, hlc: int) -> Change:
    fields = {"name": f"联合会{counter}", "card_prefix": "T"}
    return Change(node, counter, hlc, 1, "federations", new_id(), fields)


def test_plan_counts_only_the_changes_a_day_ahead(db: Database) -> None:
    node = "ab" * 16
    now_ms = hlc_mod.millis(hlc_mod.now_hlc())
    ahead = hlc_mod.pack(now_ms + 2 * 86_400_000)
    changes = [
        _federation_change(node, 1, hlc_mod.pack(now_ms - 1000)),
        _federation_change(node, 2, ahead),
        _federation_change(node, 3, ahead + 1),
    ]
    with db.connect(write=False) as conn:
        plan = plan_mod.build(conn, changes, {(node, 1): {}})
    assert plan.counts.future_clocks == 2
    assert plan.max_hlc == ahead + 1
    with db.connect(write=False) as conn:
        calm = plan_mod.build(conn, changes[:1], {(node, 1): {}})
    assert calm.counts.future_clocks == 0
    assert calm.warnings == []
