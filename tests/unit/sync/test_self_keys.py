"""This PC's keys as a named record, and its office name read without the private keys."""

from __future__ import annotations

from pathlib import Path

from desktop.storage.database import Database
from desktop.sync import trust
from desktop.sync.identity import fingerprint


def test_self_keys_are_named_and_still_unpack(db: Database) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql("UPDATE sync_node SET name = '城东街道总工会' WHERE is_self = 1")
        keys = trust.self_keys(conn)
        node, sign_pub, sign_priv, box_pub, box_priv, name = keys
        assert keys.office_name == name == keys[5] == "城东街道总工会"
        assert (keys.node_id, keys.sign_public, keys.sign_private) == (node, sign_pub, sign_priv)
        assert (keys.box_public, keys.box_private) == (box_pub, box_priv)
        assert len(keys.sign_public) == len(keys.box_private) == 32
        assert trust.office_name(conn) == "城东街道总工会"


def test_key_card_reads_back_as_a_named_record(db: Database, tmp_path: Path) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql("UPDATE sync_node SET name = '城西' WHERE is_self = 1")
        keys = trust.self_keys(conn)
        path = tmp_path / "me.udkey"
        path.write_bytes(trust.key_card(conn))
    card = trust.read_card(path)
    assert card == (keys.node_id, "城西", keys.sign_public, keys.box_public)
    assert (card.node_id, card.name) == (keys.node_id, "城西")
    assert fingerprint(card.sign_public) == fingerprint(keys.sign_public)
    assert card.box_public == keys.box_public
