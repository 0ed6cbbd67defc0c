"""Office certificates: a district trusts its parks through a root key, not one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import certs, importer, trust
from desktop.sync import export as ex
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    card_path,
    craft,
    enrol,
    node_of,
)


@pytest.fixture
def offices(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    """root (city federation), district, two parks; the district enrols only the root."""
    root, district, park, other = (db_factory(n) for n in ("root", "district", "park", "other"))
    path, fp = card_path(root, tmp_path)
    with district.connect() as conn:
        trust.enrol(conn, path, fp)
        certs.add_root(conn, node_of(root))
    for p in (park, other):
        enrol(p, district, tmp_path)  # parks need the district's key to encrypt to it
    return root, district, park, other


def certify(root: Database, office: Database, folder: Path) -> Path:
    path, fp = card_path(office, folder)
    with root.connect(write=False) as conn:
        raw = certs.issue(conn, path, fp)
    out = folder / f"{node_of(office)[:8]}.udcert"
    out.write_bytes(raw)
    with office.connect() as conn:
        certs.install(conn, out)
    return out


def refused(sender: Database, receiver: Database, folder: Path, name: str, reason: str) -> None:
    """``sender``'s package to ``receiver`` is refused with ``reason`` in the message."""
    pkg = folder / f"{name}.udsync"
    ex.export(sender, pkg, to=[node_of(receiver)])
    with pytest.raises(UnionDeskError, match=reason):
        importer.import_file(receiver, pkg)


def accepted_on_certificate(
    root: Database, park: Database, district: Database, folder: Path
) -> str:
    """The park, certified by the root, has had a first package accepted by the district
    on that certificate; returns the park's union (for later changes)."""
    certify(root, park, folder)
    uid = add_union(park, add_federation(park))
    first = folder / "1.udsync"
    ex.export(park, first, to=[node_of(district)])
    importer.import_file(district, first)
    return uid


def _peer(db: Database, node: str) -> trust.Peer | None:
    with db.connect(write=False) as conn:
        return trust.get_peer(conn, node)


def test_certified_park_is_accepted_and_remembered(offices, tmp_path) -> None:
    root, district, park, _other = offices
    certify(root, park, tmp_path)
    add_member(park, add_union(park, add_federation(park)))
    pkg = tmp_path / "park.udsync"
    ex.export(park, pkg, to=[node_of(district)])
    assert importer.preview(district, pkg).counts["new"] == 3
    assert _peer(district, node_of(park)) is None  # the dry run remembered nothing
    assert importer.import_file(district, pkg).counts["new"] == 3
    peer = _peer(district, node_of(park))
    assert peer is not None and peer.trusted and peer.certified_by == node_of(root)
    # and the district can now send to the park without having enrolled it
    add_member(district, add_union(district, add_federation(district), "乙工会"), "李四", "Z")
    back = tmp_path / "back.udsync"
    ex.export(district, back, to=[node_of(park)])
    enrol(park, district, tmp_path)
    assert importer.import_file(park, back).counts["new"] == 3


def test_uncertified_or_unrooted_senders_are_refused(offices, tmp_path) -> None:
    root, district, park, other = offices
    add_federation(other)
    refused(other, district, tmp_path, "plain", "未登记的单位")

    # a certificate from an office the district does not accept as a root
    certify(other, park, tmp_path)
    add_federation(park)
    refused(park, district, tmp_path, "p", "不认可的上级单位")
    # the root itself enrolled but not as a root: certifies nothing
    with district.connect() as conn:
        conn.exec_driver_sql("DELETE FROM app_settings WHERE key = 'sync_roots'")
    certify(root, park, tmp_path)
    refused(park, district, tmp_path, "p2", "不认可的上级单位")


def test_borrowed_or_altered_certificates_are_refused(offices, tmp_path) -> None:
    root, district, park, other = offices
    park_cert = certify(root, park, tmp_path).read_bytes()
    with other.connect() as conn, pytest.raises(UnionDeskError, match="不是本机"):
        certs.install(conn, tmp_path / f"{node_of(park)[:8]}.udcert")
    add_federation(other)

    def borrow(entries: dict[str, bytes]) -> None:
        entries[certs.ENTRY] = park_cert

    sealed = craft(other, [district], entries_fn=borrow)
    (tmp_path / "borrowed.udsync").write_bytes(sealed)
    with pytest.raises(UnionDeskError, match="不是发给发送单位的"):
        importer.import_file(district, tmp_path / "borrowed.udsync")

    # a certificate issued to ``other`` with its name changed after signing
    other_cert = json.loads(certify(root, other, tmp_path).read_bytes())
    other_cert["cert"]["name"] = "冒名单位"
    forged = json.dumps(other_cert).encode()
    sealed = craft(other, [district], entries_fn=lambda e: e.__setitem__(certs.ENTRY, forged))
    (tmp_path / "forged.udsync").write_bytes(sealed)
    with pytest.raises(UnionDeskError, match="签名无效"):
        importer.import_file(district, tmp_path / "forged.udsync")
    assert _peer(district, node_of(other)) is None


def test_revoking_the_root_stops_its_offices(offices, tmp_path) -> None:
    root, district, park, _other = offices
    uid = accepted_on_certificate(root, park, district, tmp_path)
    with district.connect() as conn:
        trust.revoke(conn, node_of(root), None)
    add_member(park, uid)
    second = tmp_path / "2.udsync"
    ex.export(park, second, to=[node_of(district)])
    with pytest.raises(UnionDeskError, match="已被撤销信任"):
        importer.import_file(district, second)
    # enrolling the park directly makes it independent of the root again
    enrol(district, park, tmp_path)
    assert _peer(district, node_of(park)).certified_by is None  # type: ignore[union-attr]
    assert importer.import_file(district, second).counts["new"] == 1


def test_unrooting_stops_its_offices_but_keeps_the_root_itself_trusted(
    offices, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    root, district, park, other = offices
    uid = accepted_on_certificate(root, park, district, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(district.paths.data_dir), "sync", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _out, err = run("unroot", node_of(park)[:12])  # certified, but not a root
    assert code == 1 and "找不到唯一的上级单位" in err
    code, out, _err = run("unroot", node_of(root)[:12])
    assert code == 0 and node_of(root) in out and "不再能为其他单位签发证书" in out
    with district.connect(write=False) as conn:
        assert certs.root_nodes(conn) == []
    assert _peer(district, node_of(root)).trusted  # type: ignore[union-attr]
    # the park, accepted on the root's certificate, is refused from now on ...
    add_member(park, uid)
    refused(park, district, tmp_path, "2", "不再被认可为上级单位")
    # ... as is an office that comes with a certificate of that root for the first time
    certify(root, other, tmp_path)
    add_federation(other)
    refused(other, district, tmp_path, "other", "本机不认可的上级单位")
    # while the root's own packages are still imported
    enrol(root, district, tmp_path)
    add_federation(root)
    own = tmp_path / "root.udsync"
    ex.export(root, own, to=[node_of(district)])
    assert importer.import_file(district, own).counts["new"] >= 1
    code, _out, err = run("unroot", node_of(root)[:12])  # already taken back
    assert code == 1 and "匹配 0 个" in err


def test_cli_certify_install_and_trust_root(db_factory, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root, district, park = (db_factory(n) for n in ("root", "district", "park"))

    def run(db: Database, *args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(db.paths.data_dir), "sync", *args])
        return code, capsys.readouterr().out

    root_card, root_fp = card_path(root, tmp_path)
    code, out = run(district, "trust", str(root_card), "--fingerprint", root_fp, "--root")
    assert code == 0 and "上级单位" in out
    park_card, park_fp = card_path(park, tmp_path)
    cert = tmp_path / "park.udcert"
    code, out = run(root, "certify", str(park_card), "--fingerprint", park_fp, "--out", str(cert))
    assert code == 0 and cert.is_file() and "签发" in out
    code, out = run(park, "install-cert", str(cert))
    assert code == 0 and "已安装单位证书" in out
    enrol(park, district, tmp_path)
    add_federation(park)
    pkg = tmp_path / "p.udsync"
    ex.export(park, pkg, to=[node_of(district)])
    code, _out = run(district, "import", str(pkg), "--yes")
    assert code == 0
    with district.connect(write=False) as conn:
        by = conn.execute(
            text("SELECT certified_by FROM sync_peer WHERE node_id = :n"), {"n": node_of(park)}
        ).scalar_one()
    assert by == node_of(root)


def test_peer_list_says_which_office_is_root_and_which_is_certified(offices, tmp_path) -> None:
    pytest.importorskip("pytestqt")
    from desktop.views.qtmodels.sync_tables import PeerTableModel

    root, district, park, _other = offices
    certify(root, park, tmp_path)
    add_member(park, add_union(park, add_federation(park)))
    pkg = tmp_path / "park.udsync"
    ex.export(park, pkg, to=[node_of(district)])
    importer.import_file(district, pkg)
    model = PeerTableModel(district)
    model.refresh()
    status = {
        model.item_at(r).node_id: model.data(model.index(r, 2)) for r in range(model.rowCount())
    }
    assert status[node_of(root)].startswith("信任（上级根密钥")
    assert (
        status[node_of(park)].startswith("信任（由「") and "单位证书认证" in status[node_of(park)]
    )


def test_an_altered_certificate_is_refused_at_install_when_the_issuer_is_known(
    offices, tmp_path
) -> None:
    """A park that enrolled its issuer checks the signature itself; one that never did can
    only check that the certificate names it (the district still refuses it on import)."""
    root, district, park, other = offices
    raw = json.loads(certify(root, park, tmp_path).read_bytes())
    raw["cert"]["name"] = "冒名单位"
    altered = tmp_path / "altered.udcert"
    altered.write_bytes(json.dumps(raw).encode())
    with park.connect() as conn:
        certs.install(conn, altered)  # the park does not know the root's key: names only
    enrol(park, root, tmp_path)  # now it does
    with park.connect() as conn:
        before = certs.own(conn)
    with park.connect() as conn, pytest.raises(UnionDeskError, match="签名与签发单位"):
        certs.install(conn, altered)
    with park.connect(write=False) as conn:
        assert certs.own(conn) == before
    with park.connect() as conn:  # the certificate as issued still installs
        certs.install(conn, tmp_path / f"{node_of(park)[:8]}.udcert")
