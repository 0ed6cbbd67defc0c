"""A member merge travels: two offices register one person, sync, one merges, sync
again → one record everywhere; an edit the merge never saw lands on the survivor."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.duplicates import finding, merging
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    get_field,
    mesh,
    set_field,
    state_hash,
)


@pytest.fixture
def pcs(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b")]
    mesh(dbs, tmp_path)
    return dbs


_sent = [0]


def send(src: Database, dst: Database, folder: Path) -> None:
    _sent[0] += 1
    path = folder / f"p{_sent[0]}.udsync"
    ex.export(src, path)
    importer.import_file(dst, path)


def _two_registrations(a: Database, b: Database, folder: Path) -> tuple[str, str]:
    uid = add_union(a, add_federation(a))
    send(a, b, folder)
    on_a = add_member(a, uid, "张三", "person")
    on_b = add_member(b, uid, "张三", "person")
    send(a, b, folder)
    send(b, a, folder)
    assert len(finding.find_pairs(a)) == len(finding.find_pairs(b)) == 1
    return on_a, on_b


def test_a_merge_converges_to_one_record_everywhere(pcs, tmp_path) -> None:
    a, b = pcs
    on_a, on_b = _two_registrations(a, b, tmp_path)
    set_field(b, "members", on_b, "phone", "13900000002")
    send(b, a, tmp_path)
    merging.merge(a, on_a, on_b, take=["phone"])
    send(a, b, tmp_path)
    assert state_hash(a) == state_hash(b)
    for pc in (a, b):
        assert finding.find_pairs(pc) == []
        assert get_field(pc, "members", on_b, "deleted") == 1
        assert get_field(pc, "members", on_a, "phone") == "13900000002"


def test_an_edit_the_merge_never_saw_lands_on_the_survivor(pcs, tmp_path) -> None:
    a, b = pcs
    on_a, on_b = _two_registrations(a, b, tmp_path)
    merging.merge(a, on_a, on_b)
    # B has not heard of the merge yet: its clerk edits the record A merged away
    set_field(b, "members", on_b, "employer", "乙公司")
    send(b, a, tmp_path)
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert state_hash(a) == state_hash(b)
    for pc in (a, b):
        assert get_field(pc, "members", on_a, "employer") == "乙公司"
        assert get_field(pc, "members", on_b, "deleted") == 1


def test_an_edit_the_merge_saw_is_not_carried_again(db_factory, tmp_path) -> None:
    a, b, c = (db_factory(n) for n in ("a", "b", "c"))
    mesh([a, b, c], tmp_path)
    on_a, on_b = _two_registrations(a, b, tmp_path)
    set_field(b, "members", on_b, "employer", "乙公司")
    send(b, a, tmp_path)
    merging.merge(a, on_a, on_b)  # the clerk kept the survivor's (empty) employer
    send(a, c, tmp_path)  # C hears of the merge first, then of the edit it had seen
    send(b, c, tmp_path)
    send(a, b, tmp_path)
    for pc in (a, b, c):
        assert get_field(pc, "members", on_a, "employer") is None
    assert state_hash(a) == state_hash(b) == state_hash(c)


def _opposite_merges(a: Database, b: Database, on_a: str, on_b: str, folder: Path) -> None:
    """A merges B's record into its own while B merges A's into B's; one exchange."""
    merging.merge(a, on_a, on_b)
    merging.merge(b, on_b, on_a)
    send(a, b, folder)
    send(b, a, folder)


def test_opposite_merges_of_one_pair_keep_one_record(pcs, tmp_path) -> None:
    """A merges B's record into its own while B merges A's into B's: after syncing, the
    record with the smaller id lives on everywhere (not both tombstoned)."""
    a, b = pcs
    on_a, on_b = _two_registrations(a, b, tmp_path)
    _opposite_merges(a, b, on_a, on_b, tmp_path)
    send(a, b, tmp_path)
    assert state_hash(a) == state_hash(b)
    kept, gone = sorted((on_a, on_b))
    for pc in (a, b):
        assert get_field(pc, "members", kept, "deleted") == 0
        assert get_field(pc, "members", gone, "deleted") == 1


def test_edits_of_a_loops_survivor_are_not_carried_to_itself(pcs, tmp_path) -> None:
    """Opposite merges make a loop whose survivor (the smaller id) was itself merged away
    once; edits of it made on both PCs afterwards are ordinary edits of the survivor. If
    each PC "carried" the other's edit over to the same record again as a new change of
    its own, every exchange would make new changes to carry back, for good (soak scenario
    6963: 466 changes of one name and growing, the offices never agreeing)."""
    a, b = pcs
    on_a, on_b = _two_registrations(a, b, tmp_path)
    _opposite_merges(a, b, on_a, on_b, tmp_path)
    kept, _gone = sorted((on_a, on_b))
    set_field(a, "members", kept, "name", "张叁")
    set_field(b, "members", kept, "name", "张三丰")
    before = [_changes(pc) for pc in (a, b)]
    for _ in range(3):
        send(a, b, tmp_path)
        send(b, a, tmp_path)
    assert state_hash(a) == state_hash(b)
    # each PC's own edit, and the other's received: nothing written on either's behalf
    assert [_changes(pc) for pc in (a, b)] == [before[0] + 1, before[1] + 1]


def _changes(pc: Database) -> int:
    with pc.connect(write=False) as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM sync_change").scalar_one())


def test_a_check_in_received_for_the_merged_away_record_moves_to_the_survivor(
    pcs, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.activities import attendance
    from desktop.services.activities import records as activities

    a, b = pcs
    on_a, on_b = _two_registrations(a, b, tmp_path)
    act = activities.add(
        a,
        {"title": "职工健步走", "category": "文体健康", "starts_at": "2026-11-20 09:00"},
    ).id
    send(a, b, tmp_path)
    merging.merge(a, on_a, on_b)
    attendance.attend_member(b, act, on_b)  # B has not heard of the merge yet
    send(b, a, tmp_path)
    send(a, b, tmp_path)
    assert state_hash(a) == state_hash(b)
    for pc in (a, b):
        assert [r.member_id for r in attendance.list_attendance(pc, act)] == [on_a]
