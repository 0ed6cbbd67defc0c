"""A large write is sealed as segments of at most ``SEGMENT_CHANGES`` changes.

Why it matters: the receiver parses each segment in single C calls that hold the GIL, so
one segment of a 100k-member roster froze the window during an import. The segments
must still cover the run without a gap or an overlap, and arrive whole.
"""

from __future__ import annotations

import pytest

from desktop.sync import export as ex
from desktop.sync import office
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    mesh,
    node_of,
    state_hash,
)


def test_a_large_write_is_sealed_in_capped_segments(  # type: ignore[no-untyped-def]
    db_factory, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ex, "SEGMENT_CHANGES", 3)
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    union = add_union(a, add_federation(a))
    for i in range(4):
        add_member(a, union, f"会员{i}", str(i + 1))
    with a.connect() as conn:
        counter = int(conn.exec_driver_sql("SELECT counter FROM sync_clock").scalar_one())
        ex.seal_own(conn)
        ranges = conn.exec_driver_sql(
            "SELECT first, last FROM sync_segment WHERE origin = ? ORDER BY first",
            (node_of(a),),
        ).all()
    assert counter == 6  # a federation, a union and four members: two segments of three
    assert all(last - first + 1 <= 3 for first, last in ranges)
    covered = [n for first, last in ranges for n in range(first, last + 1)]
    assert covered == list(range(1, counter + 1))  # no gap, no overlap

    package = tmp_path / "a-to-b.udsync"
    result = ex.export(a, package, to=[node_of(b)])
    assert result.segments == len(ranges)
    office.import_package(b, package)
    assert state_hash(b) == state_hash(a)
