"""A package with nothing new (the same changes reached this PC by two paths) is a
success: 「已是最新」, exit 0, and the sender's knowledge is still recorded."""

from __future__ import annotations

import pytest

from desktop.cli import main
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import history
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    file_hash,
    mesh,
    node_of,
    state_hash,
)


@pytest.fixture
def offices(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b", "c")]
    mesh(dbs, tmp_path)
    return dbs


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), "sync", *argv])


def test_same_changes_by_two_paths_is_up_to_date(offices, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b, c = offices
    add_member(a, add_union(a, add_federation(a)))
    direct = tmp_path / "a-to-b.udsync"
    ex.export(a, direct, to=[node_of(b)])  # A's package to B travels slowly
    via_c = tmp_path / "a-to-c.udsync"
    ex.export(a, via_c, to=[node_of(c)])
    assert cli(c, "import", str(via_c), "--yes") == 0
    relay = tmp_path / "c-to-b.udsync"
    ex.export(c, relay, to=[node_of(b)])  # C relays A's changes to B first
    assert cli(b, "import", str(relay), "--yes") == 0
    capsys.readouterr()
    data_before = state_hash(b)

    assert cli(b, "import", str(direct), "--dry-run") == 0
    assert "已是最新" in capsys.readouterr().out
    code = cli(b, "import", str(direct))  # no --yes needed: it changes no data
    out = capsys.readouterr().out
    assert code == 0 and "已是最新" in out
    assert state_hash(b) == data_before
    with b.connect(write=False) as conn:
        got = history.receipts(conn)[0]
    assert got.summary.get("up_to_date") is True

    # B learnt from the redundant package that A holds A's own changes: B's next
    # package to A carries only B's new member, not A's changes relayed back
    add_member(b, add_union(b, add_federation(b)), "李四", "2")
    nxt = ex.export(b, tmp_path / "b-to-a.udsync", to=[node_of(a)])
    assert nxt.segments == 1, nxt


def test_redundant_package_json_says_up_to_date(offices, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = offices
    add_member(a, add_union(a, add_federation(a)))
    first, second = tmp_path / "1.udsync", tmp_path / "2.udsync"
    ex.export(a, first, to=[node_of(b)])
    ex.export(a, second, to=[node_of(b)], full=True)
    assert cli(b, "import", str(first), "--yes") == 0
    capsys.readouterr()
    assert cli(b, "import", str(second), "--json") == 0
    out = capsys.readouterr().out
    assert '"up_to_date": true' in out


def test_same_package_twice_is_up_to_date_and_writes_nothing(offices, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = offices
    add_member(a, add_union(a, add_federation(a)))
    pkg = tmp_path / "p.udsync"
    ex.export(a, pkg, to=[node_of(b)])
    assert cli(b, "import", str(pkg), "--yes") == 0
    capsys.readouterr()
    before = file_hash(b)
    assert cli(b, "import", str(pkg), "--yes") == 0
    out = capsys.readouterr().out
    assert "已是最新" in out and "以前已经导入过" in out
    assert file_hash(b) == before
