"""An origin the receiver never enrolled is taken on a root's certificate for it, which
travels in the package with its relayed changes (not only the sender's own)."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.cli import main
from desktop.storage.database import Database
from desktop.sync import certs, trust
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
from tests.unit.sync.test_certs import certify


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), "sync", *argv])


def relay(src: Database, via: Database, dst: Database, folder: Path, name: str) -> Path:
    first = folder / f"{name}-in.udsync"
    ex.export(src, first, to=[node_of(via)])
    assert cli(via, "import", str(first), "--yes") == 0
    out = folder / f"{name}.udsync"
    ex.export(via, out, to=[node_of(dst)])
    return out


def test_relayed_origin_is_taken_on_its_root_certificate(db_factory, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root, district, park, relay_office = (
        db_factory(n) for n in ("root", "district", "park", "relay")
    )
    path, fp = card_path(root, tmp_path)
    with district.connect() as conn:  # the district accepts the root, not the park
        trust.enrol(conn, path, fp)
        certs.add_root(conn, node_of(root))
    for x, y in ((district, relay_office), (relay_office, district)):
        enrol(x, y, tmp_path)  # the relay may NOT introduce others at the district
    for x, y in ((relay_office, park), (park, relay_office)):
        enrol(x, y, tmp_path)
    certify(root, park, tmp_path)
    uid = add_union(park, add_federation(park))

    capsys.readouterr()
    pkg = relay(park, relay_office, district, tmp_path, "1")
    assert cli(district, "import", str(pkg), "--dry-run") == 0
    preview = capsys.readouterr().out
    park_fp = card_path(park, tmp_path)[1]
    assert "新来源单位" in preview and park_fp in preview and "证书" in preview
    assert cli(district, "import", str(pkg), "--yes", "--json") == 0
    assert get_field(district, "unions", uid, "name") == "甲工会"
    with district.connect(write=False) as conn:
        peer = trust.get_peer(conn, node_of(park))
    assert peer is not None and peer.trusted and peer.certified_by == node_of(root)

    # the root's word is what counts: once it is no longer a root, the park is skipped
    assert cli(district, "unroot", node_of(root)[:10]) == 0
    set_field(park, "unions", uid, "name", "改名")
    pkg = relay(park, relay_office, district, tmp_path, "2")
    capsys.readouterr()
    assert cli(district, "import", str(pkg), "--yes", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert get_field(district, "unions", uid, "name") == "甲工会"
    assert any(node_of(park)[:8] in w and "跳过" in w for w in got["warnings"])


def test_a_certificate_for_another_key_vouches_for_nothing(db_factory, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A relay cannot pass a certificate of one office off as another's."""
    root, district, park, relay_office = (
        db_factory(n) for n in ("root", "district", "park", "relay")
    )
    path, fp = card_path(root, tmp_path)
    with district.connect() as conn:
        trust.enrol(conn, path, fp)
        certs.add_root(conn, node_of(root))
    for x, y in ((district, relay_office), (relay_office, district)):
        enrol(x, y, tmp_path)
    for x, y in ((relay_office, park), (park, relay_office)):
        enrol(x, y, tmp_path)
    other_cert = certify(root, relay_office, tmp_path).read_text("utf-8")
    uid = add_union(park, add_federation(park))
    first = tmp_path / "in.udsync"
    ex.export(park, first, to=[node_of(relay_office)])
    assert cli(relay_office, "import", str(first), "--yes") == 0
    with relay_office.connect() as conn:  # the relay files the wrong certificate for the park
        conn.exec_driver_sql(
            "INSERT INTO app_settings (key, value) VALUES (?, ?)",
            ("sync_cert:" + node_of(park), other_cert),
        )
    out = tmp_path / "out.udsync"
    ex.export(relay_office, out, to=[node_of(district)])
    capsys.readouterr()
    assert cli(district, "import", str(out), "--yes", "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert get_field(district, "unions", uid, "name") is None
    assert any("跳过未登记单位" in w for w in got["warnings"])
