"""The sync façade (``desktop.sync.office``): typed records, each call its own transaction."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from desktop.errors import UnionDeskError
from desktop.services.unions import federations
from desktop.storage.database import Database
from desktop.sync import office
from tests.unit.sync.helpers import node_of


def _statements(db: Database) -> list[str]:
    """Every SQL statement ``db`` runs from now on (the real engine's, not a mock)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    return seen


def test_this_office_shows_name_and_fingerprint_without_private_keys(db: Database) -> None:
    federations.create(db, "甲街道总工会", card_prefix="JA")
    seen = _statements(db)
    here = office.this_office(db)
    assert here.name == "甲街道总工会"
    assert here.node_id == node_of(db)
    assert re.fullmatch(r"\d{5}( \d{5})+", here.fingerprint)
    assert seen and not [s for s in seen if "private" in s]  # keys stay unread


def test_key_card_reads_back_as_this_office(db: Database, tmp_path: Path) -> None:
    federations.create(db, "甲街道总工会", card_prefix="JA")
    path = tmp_path / "card.udkey"
    path.write_bytes(office.key_card(db))
    card = office.read_card(path)
    here = office.this_office(db)
    assert (card.node_id, card.name, card.fingerprint) == (
        here.node_id,
        "甲街道总工会",
        here.fingerprint,
    )
    assert office.same_fingerprint(card.fingerprint, card.fingerprint.replace(" ", "-"))
    assert not office.same_fingerprint(card.fingerprint, "0" * len(card.fingerprint))


def test_enrol_revoke_introduce_unroot_each_commit(db_factory: Any, tmp_path: Path) -> None:
    district, park = db_factory("district"), db_factory("park")
    federations.create(park, "乙社区工会", card_prefix="YI")
    card = tmp_path / "park.udkey"
    card.write_bytes(office.key_card(park))
    fp = office.read_card(card).fingerprint
    assert office.peers(district).peers == []
    with pytest.raises(UnionDeskError):
        office.enrol(district, card, "0" * len(fp), as_root=True)  # wrong phone check
    assert office.peers(district) == office.PeerList([], frozenset())  # nothing left behind
    peer = office.enrol(district, card, fp, as_root=True)
    listed = office.peers(district)
    assert [p.node_id for p in listed.peers] == [peer.node_id] == [node_of(park)]
    assert listed.roots == {peer.node_id}
    assert office.get_peer(district, peer.node_id) == peer
    assert office.set_introducer(district, peer.node_id, True).may_introduce
    assert office.remove_root(district, peer.node_id[:10]) == peer.node_id
    assert office.peers(district).roots == frozenset()
    revoked = office.revoke(district, peer.node_id)
    assert revoked.revoked_after is not None
    assert office.known_offices(district).names == {peer.node_id: "乙社区工会"}
    assert node_of(district) in office.known_offices(district).own


def test_own_certificate_states(db_factory: Any, tmp_path: Path) -> None:
    root, park = db_factory("root"), db_factory("park")
    federations.create(root, "市总工会", card_prefix="SZ")
    assert office.own_certificate(park) == office.OwnCertificate("none")
    root_card = tmp_path / "root.udkey"
    root_card.write_bytes(office.key_card(root))
    office.enrol(park, root_card, office.read_card(root_card).fingerprint)
    park_card = tmp_path / "park.udkey"
    park_card.write_bytes(office.key_card(park))
    out = tmp_path / "park.udcert"
    cert = office.certify(root, park_card, office.read_card(park_card).fingerprint, out)
    assert cert.node_id == node_of(park) and out.is_file()
    installed = office.install_certificate(park, out)
    assert (installed.state, installed.issuer, installed.issuer_name) == (
        "installed",
        node_of(root),
        "市总工会",
    )
    assert installed.issued_at is not None
    assert office.own_certificate(park) == installed
