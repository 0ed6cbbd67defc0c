"""``sync revoke`` end to end through the CLI: after the cutoff nothing of the revoked
office is taken — its own changes, its relays of offices it brought, its receipts — and
nothing is sent to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.storage.database import Database
from desktop.sync import export as ex
from tests.unit.sync.helpers import (
    add_federation,
    add_union,
    enrol,
    get_field,
    node_of,
    set_field,
)


@pytest.fixture
def offices(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    """B enrolled C and A directly; C enrolled A and B."""
    a, b, c = (db_factory(n) for n in ("a", "b", "c"))
    for x, y in ((b, c), (c, b), (c, a), (a, c), (a, b), (b, a)):
        enrol(x, y, tmp_path)
    return a, b, c


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), "sync", *argv])


def send(src: Database, dst: Database, folder: Path, name: str) -> Path:
    out = folder / f"{name}.udsync"
    ex.export(src, out, to=[node_of(dst)])
    return out


def run(db: Database, capsys, *argv: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    code = cli(db, *argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_revoked_office_is_refused_after_the_cutoff_and_sent_nothing(
    offices, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    a, b, c = offices
    uid = add_union(c, add_federation(c))
    assert run(b, capsys, "import", str(send(c, b, tmp_path, "1")), "--yes")[0] == 0
    code, out = run(b, capsys, "revoke", node_of(c)[:10])
    assert code == 0 and "撤销" in out

    set_field(c, "unions", uid, "name", "撤销后")
    pkg = send(c, b, tmp_path, "2")
    for mode in ("--dry-run", "--yes"):  # the preview refuses it exactly as the import
        code, out = run(b, capsys, "import", str(pkg), mode)
        assert code == 1 and "已撤销信任" in out and "Traceback" not in out
    assert get_field(b, "unions", uid, "name") == "甲工会"

    # nothing more is sent to it: named explicitly, or by default
    code, out = run(b, capsys, "export", str(tmp_path / "3.udsync"), "--to", node_of(c)[:10])
    assert code == 1 and "已被撤销信任" in out
    assert not (tmp_path / "3.udsync").exists()


def test_relayed_changes_of_a_revoked_office_are_taken_up_to_the_cutoff(
    offices, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """C says its key leaked after its counter N; B had received less than that. A relays
    C's run across the cutoff: B takes what C wrote up to N and refuses the rest."""
    a, b, c = offices
    fed = add_federation(c)
    assert run(b, capsys, "import", str(send(c, b, tmp_path, "1")), "--yes")[0] == 0
    before = add_union(c, fed, "撤销前")
    with c.connect(write=False) as conn:
        cutoff = conn.exec_driver_sql("SELECT counter FROM sync_clock WHERE id = 1").scalar_one()
    after = add_union(c, fed, "撤销后")
    assert run(a, capsys, "import", str(send(c, a, tmp_path, "2")), "--yes")[0] == 0
    assert run(b, capsys, "revoke", node_of(c)[:10], "--after", str(cutoff))[0] == 0

    pkg = send(a, b, tmp_path, "3")
    code, dry = run(b, capsys, "import", str(pkg), "--dry-run", "--json")
    code2, real = run(b, capsys, "import", str(pkg), "--yes", "--json")
    assert code == code2 == 0
    assert json.loads(dry)["counts"] == json.loads(real)["counts"]
    assert get_field(b, "unions", before, "name") == "撤销前"
    assert get_field(b, "unions", after, "name") is None
    shown = "\n".join(json.loads(real)["warnings"])
    assert node_of(c)[:8] in shown and str(cutoff) in shown
