"""Clocks that cannot wedge sync: wrong dates on either side never refuse a package, a
far-ahead write is flagged with its office, and no clock stays stuck in the future."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.storage import hlc as hlc_mod
from desktop.storage.database import Database
from desktop.sync import export as ex
from tests.unit.sync.helpers import (
    add_federation,
    add_union,
    get_field,
    mesh,
    node_of,
    open_conflicts,
    set_field,
)

DAY = 86_400_000
YEAR = 365 * DAY


@pytest.fixture
def pair(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    return a, b


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), "sync", *argv])


def clock_of(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.exec_driver_sql("SELECT hlc FROM sync_clock").scalar_one())


def edit_while_dated(db: Database, ahead_ms: int, table: str, row_id: str, value: str) -> None:
    """What the capture trigger leaves when the PC's date is ``ahead_ms`` off: the edit
    and the clock stamped then (SQLite reads the real clock, so the stamp is set here)."""
    set_field(db, table, row_id, "name", value)
    stamp = hlc_mod.pack(hlc_mod.physical_ms() + ahead_ms)
    with db.connect() as conn:
        conn.exec_driver_sql(
            "UPDATE sync_change SET hlc = ? WHERE node_id = (SELECT node_id FROM sync_clock) "
            "AND counter = (SELECT counter FROM sync_clock)",
            (stamp,),
        )
        conn.exec_driver_sql("UPDATE sync_clock SET hlc = ?", (stamp,))


def send(src: Database, dst: Database, folder: Path, name: str, capsys) -> dict:  # type: ignore[no-untyped-def,type-arg]
    path = folder / f"{name}.udsync"
    ex.export(src, path, to=[node_of(dst)])
    capsys.readouterr()
    assert cli(dst, "import", str(path), "--yes", "--json") == 0
    return dict(json.loads(capsys.readouterr().out))


def test_edit_made_in_2035_neither_wedges_nor_wins_over_later_edits(pair, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    uid = add_union(a, add_federation(a))
    send(a, b, tmp_path, "0", capsys)
    edit_while_dated(a, 9 * YEAR, "unions", uid, "二〇三五年的名称")
    # the date is corrected: A's next write restarts from today, not from 2035
    set_field(a, "unions", uid, "name", "校正日期后的名称")
    assert hlc_mod.millis(clock_of(a)) < hlc_mod.physical_ms() + DAY

    got = send(a, b, tmp_path, "1", capsys)  # never refused for A's clock
    assert got["counts"]["future_clocks"] == 1
    shown = "\n".join(got["warnings"])
    assert node_of(a)[:8] in shown and "超前约" in shown and "该单位电脑的日期" in shown
    # B's clock does not follow A's into 2035 …
    assert hlc_mod.millis(clock_of(b)) <= hlc_mod.physical_ms() + hlc_mod.MAX_AHEAD_MS
    # … and A's later edit wins over its 2035 one: it had seen it (counter order)
    assert get_field(b, "unions", uid, "name") == "校正日期后的名称"

    # B edits after seeing both, with a clock far below 2035: B's value still wins
    set_field(b, "unions", uid, "name", "乙的修改")
    send(b, a, tmp_path, "2", capsys)
    send(a, b, tmp_path, "3", capsys)
    assert get_field(a, "unions", uid, "name") == get_field(b, "unions", uid, "name") == "乙的修改"
    assert open_conflicts(a) == open_conflicts(b) == set()


@pytest.mark.parametrize("back_ms", [400 * DAY, 25 * DAY], ids=["400-days", "25-days"])
def test_pc_set_back_in_time_imports_and_names_its_own_date(
    pair, tmp_path, capsys, back_ms: int
) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    uid = add_union(a, add_federation(a))
    send(a, b, tmp_path, "0", capsys)
    set_field(b, "unions", uid, "name", "乙以前的修改")  # B's own record, made on time
    set_field(a, "unions", uid, "name", "甲的修改")
    with hlc_mod.physical_offset(-back_ms):
        got = send(a, b, tmp_path, "1", capsys)
    shown = "\n".join(got["warnings"])
    assert "本机电脑的日期" in shown and "有误" in shown and node_of(a)[:8] not in shown
    assert got["counts"]["future_clocks"] >= 1


def test_pc_reset_to_2015_imports_and_names_its_own_date(pair, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    uid = add_union(a, add_federation(a))
    send(a, b, tmp_path, "0", capsys)
    set_field(a, "unions", uid, "name", "甲的修改")
    to_2015 = 1_433_116_800_000 - hlc_mod.physical_ms()  # 2015-06-01
    with hlc_mod.physical_offset(to_2015):
        capsys.readouterr()
        path = tmp_path / "1.udsync"
        ex.export(a, path, to=[node_of(b)])
        assert cli(b, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "本机电脑的日期（2015-06-01）有误" in out and "早于本软件版本的发布日期" in out
    assert get_field(b, "unions", uid, "name") == "甲的修改"


@pytest.mark.parametrize("set_based_from", [1, 10_000], ids=["set-based", "per-row"])
def test_bulk_insert_after_a_far_future_clock_restarts_from_today(
    db: Database, monkeypatch: pytest.MonkeyPatch, set_based_from: int
) -> None:
    """Both capture paths (set-based and the trigger) stamp from today, not from 2035."""
    from desktop.services.members import writer as member_writer

    monkeypatch.setattr(member_writer, "SET_BASED_FROM", set_based_from)
    uid = add_union(db, add_federation(db))
    with db.connect() as conn:
        conn.exec_driver_sql(
            "UPDATE sync_clock SET hlc = ?", (hlc_mod.pack(hlc_mod.physical_ms() + 9 * YEAR),)
        )
        member_writer.insert_rows(
            conn,
            [
                {"union_id": uid, "name": f"会员{i}", "id_number": f"11010119900307{i:03d}"}
                for i in range(3)
            ],
        )
        stamps = [
            int(r[0])
            for r in conn.exec_driver_sql("SELECT hlc FROM sync_change WHERE tbl = 'members'")
        ]
    assert len(stamps) == 3
    assert max(hlc_mod.millis(s) for s in stamps) < hlc_mod.physical_ms() + DAY
    assert hlc_mod.millis(clock_of(db)) < hlc_mod.physical_ms() + DAY
