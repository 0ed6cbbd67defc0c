"""Offices a PC never enrolled come only through senders allowed to introduce them, are
listed with their fingerprints, and a revoked office introduces nobody."""

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
    card_path,
    enrol,
    get_field,
    node_of,
    set_field,
)


@pytest.fixture
def offices(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    """B enrolled only C; C enrolled A and D (and B); A and D know C."""
    a, b, c, d = (db_factory(n) for n in ("a", "b", "c", "d"))
    for x, y in ((b, c), (c, b), (c, a), (a, c), (c, d), (d, c)):
        enrol(x, y, tmp_path)
    return a, b, c, d


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), "sync", *argv])


def fp(db: Database, folder: Path) -> str:
    return card_path(db, folder)[1]


def relay(src: Database, via: Database, dst: Database, folder: Path, name: str) -> Path:
    first = folder / f"{name}-in.udsync"
    ex.export(src, first, to=[node_of(via)])
    assert cli(via, "import", str(first), "--yes") == 0
    out = folder / f"{name}.udsync"
    ex.export(via, out, to=[node_of(dst)])
    return out


def imported(db: Database, path: Path, capsys, *extra: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    capsys.readouterr()
    assert cli(db, "import", str(path), "--yes", "--json", *extra) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_never_enrolled_origin_needs_a_sender_allowed_to_introduce(
    offices, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    a, b, c, _d = offices
    uid = add_union(a, add_federation(a))
    pkg = relay(a, c, b, tmp_path, "1")
    got = imported(b, pkg, capsys)
    shown = "\n".join(got["warnings"])
    assert "跳过未登记单位" in shown and fp(a, tmp_path) in shown
    assert get_field(b, "unions", uid, "name") is None  # nothing of A applied

    assert cli(b, "introducer", node_of(c)[:10]) == 0
    set_field(a, "unions", uid, "name", "甲工会改名")
    pkg = relay(a, c, b, tmp_path, "2")
    capsys.readouterr()
    assert cli(b, "import", str(pkg), "--dry-run") == 0
    preview = capsys.readouterr().out
    assert "新来源单位" in preview and fp(a, tmp_path) in preview  # listed with fingerprint
    imported(b, pkg, capsys)
    assert get_field(b, "unions", uid, "name") == "甲工会改名"


def test_revoked_office_introduces_nobody(offices, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = offices
    assert cli(b, "introducer", node_of(c)[:10]) == 0
    uid = add_union(a, add_federation(a))
    imported(b, relay(a, c, b, tmp_path, "1"), capsys)  # A introduced by C, before revoking
    assert get_field(b, "unions", uid, "name") == "甲工会"
    assert cli(b, "revoke", node_of(c)[:10]) == 0

    # a fresh identity (D) relayed by the revoked office: refused, named
    did = add_union(d, add_federation(d), "丁工会")
    got = imported(b, relay(d, c, b, tmp_path, "2"), capsys)
    shown = "\n".join(got["warnings"])
    assert "已被撤销信任" in shown and node_of(d)[:8] in shown
    assert get_field(b, "unions", did, "name") is None
    # and A, whom only the revoked office vouched for, is no longer taken from anyone
    set_field(a, "unions", uid, "name", "撤销之后")
    got = imported(b, relay(a, c, b, tmp_path, "3"), capsys)
    assert any("由已撤销信任的单位" in w for w in got["warnings"])
    assert get_field(b, "unions", uid, "name") == "甲工会"
