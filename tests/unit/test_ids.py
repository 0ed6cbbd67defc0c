"""Record ids: UUIDv7 by RFC 9562, strictly increasing, one at a time or in batches.

The clock is the module's own ``time`` replaced by a fake one, so the tests say which
millisecond it is instead of reading the real one.
"""

from __future__ import annotations

import os
import uuid
from types import SimpleNamespace

import pytest

from desktop.models import ids

MS = 1_795_000_000_000  # a millisecond of 2026


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """The ids' clock, stopped at ``MS`` until a test moves it (``clock.ms = …``)."""
    fake = SimpleNamespace(ms=MS)
    fake.time_ns = lambda: fake.ms * 1_000_000 + 123_456
    monkeypatch.setattr(ids, "time", fake)
    monkeypatch.setattr(ids, "_last", 0)
    return fake


def _parts(text: str) -> tuple[int, int, int, int]:
    """(unix ms, version, rand_a, variant bits) of an id's text."""
    value = uuid.UUID(text)
    assert str(value) == text  # lower-case, hyphens where a UUID has them
    return value.int >> 80, value.version or 0, value.int >> 64 & 0xFFF, value.int >> 62 & 0b11


def test_version_variant_and_time_of_single_and_batch_ids(clock: SimpleNamespace) -> None:
    made = [ids.new_id(), *ids.new_ids(300), ids.new_id()]
    for text in made:
        ms, version, _, variant = _parts(text)
        assert (version, variant) == (7, 0b10)
        assert uuid.UUID(text).variant == uuid.RFC_4122
        assert ms == MS  # 302 ids fit in one millisecond's counter


def test_each_new_millisecond_seeds_its_counter_below_half(clock: SimpleNamespace) -> None:
    counters = []
    for _ in range(40):
        clock.ms += 1
        counters.append(_parts(ids.new_id())[2])
        counters.append(_parts(ids.new_ids(2)[0])[2] - 1)  # the 2nd id of its millisecond
    assert all(0 <= c < 2048 for c in counters)  # room to count up within the millisecond
    assert len(set(counters)) > 10  # seeded at random, not from zero


def test_strictly_increasing_within_and_across_calls(clock: SimpleNamespace) -> None:
    made = ids.new_ids(1000) + [ids.new_id() for _ in range(50)] + ids.new_ids(10)
    clock.ms += 1
    made += [ids.new_id(), *ids.new_ids(5)]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert [uuid.UUID(t).int for t in made] == sorted(uuid.UUID(t).int for t in made)
    assert _parts(made[-6])[0] == MS + 1


def test_a_full_counter_carries_into_the_next_millisecond(clock: SimpleNamespace) -> None:
    made = ids.new_ids(5000)  # more than a millisecond's 4,096
    assert made == sorted(made)
    stamps = [_parts(t)[0] for t in made]
    assert stamps[0] == MS and stamps[-1] == MS + 1


def test_a_clock_set_back_does_not_break_the_order(clock: SimpleNamespace) -> None:
    before = ids.new_ids(3)
    clock.ms -= 60_000
    after = [ids.new_id(), *ids.new_ids(3)]
    assert before + after == sorted(before + after)


def test_random_bits_differ_between_ids(clock: SimpleNamespace) -> None:
    made = ids.new_ids(2000) + [ids.new_id() for _ in range(2000)]
    rand_b = {uuid.UUID(t).int & (1 << 62) - 1 for t in made}
    assert len(rand_b) == len(made)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_does_not_repeat_the_parents_ids(clock: SimpleNamespace) -> None:
    ids.new_id()  # the pool of random bytes is filled before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: same clock, same last id, its own random bytes
        try:
            os.write(write, ids.new_id().encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    parent = ids.new_id()
    assert _parts(child)[:3] == _parts(parent)[:3]  # the same millisecond and counter
    assert child != parent
