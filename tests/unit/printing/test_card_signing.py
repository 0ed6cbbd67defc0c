"""Card QR payloads: signed by this node, verified here and by offices that trust it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text

from desktop.cards import signing as cs
from desktop.printing.verify_card import check_card
from desktop.storage.database import Database
from tests.unit.printing.conftest import Seeded, seed

MEMBER = "0190f1a2-3b4c-7d5e-8f60-718293a4b5c6"


def _payload(db: Database, card_no: str = "SZ2026ABCDE00001", member: str = MEMBER) -> str:
    with db.connect(write=False) as conn:
        return cs.self_signer(conn).payload(card_no, member)


def _verify(db: Database, payload: str) -> cs.Verification:
    with db.connect(write=False) as conn:
        return cs.verify(conn, payload)


def test_payload_round_trips_and_verifies(db: Database) -> None:
    payload = _payload(db)
    assert payload.startswith("UD1:SZ2026ABCDE00001:")
    result = _verify(db, payload)
    assert result.valid, result.reason
    assert result.claim == cs.parse(payload)
    assert result.claim.member_id == MEMBER and result.claim.card_no == "SZ2026ABCDE00001"


def test_scanner_typing_caps_lock_enter_or_full_width_colons_still_verifies(db: Database) -> None:
    """The sign-in box and `card verify` read a scan through the same parser."""
    payload = _payload(db)
    for scanned in (payload.swapcase(), f" {payload}\r\n", payload.replace(":", "\uff1a")):
        assert cs.is_payload(scanned)
        assert cs.parse(scanned) == cs.parse(payload)
        assert _verify(db, scanned).valid, scanned
    assert not cs.is_payload("SZ2026ABCDE00001")


def test_card_number_with_colons_still_parses(db: Database) -> None:
    payload = _payload(db, card_no="A:B:C")
    assert _verify(db, payload).valid
    assert cs.parse(payload).card_no == "A:B:C"


def test_tampered_payloads_fail(db: Database) -> None:
    payload = _payload(db)
    head, sig = payload.rsplit(":", 1)
    altered_card = payload.replace("00001", "00002", 1)
    altered_member = payload.replace(MEMBER.replace("-", "").upper()[:4], "FFFF", 1)
    flipped_sig = head + ":" + ("A" if sig[0] != "A" else "B") + sig[1:]
    for bad in (altered_card, altered_member, flipped_sig):
        result = _verify(db, bad)
        assert not result.valid, bad
    assert "改动" in _verify(db, altered_card).reason


def test_garbage_and_truncated_payloads_give_chinese_reasons(db: Database) -> None:
    for bad in ("hello", "", _payload(db)[:-10], "UD1:x:y:z:w"):
        result = _verify(db, bad)
        assert not result.valid
        assert any(ord(c) > 0x2E80 for c in result.reason)


def test_unknown_signer_fails_and_trusted_peer_passes(
    db: Database, db_factory: Callable[[str], Database]
) -> None:
    other = db_factory("other")
    foreign = _payload(other)
    assert not _verify(db, foreign).valid
    with other.connect(write=False) as conn:
        node_id, public, box = conn.execute(
            text("SELECT node_id, sign_public, box_public FROM sync_node WHERE is_self = 1")
        ).one()
    with db.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO sync_peer (node_id, name, sign_public, box_public, trusted, "
                "enrolled_at) VALUES (:n, '西丽', :s, :b, 1, :t)"
            ),
            {"n": node_id, "s": public, "b": box, "t": datetime(2026, 11, 1)},
        )
    result = _verify(db, foreign)
    assert result.valid and result.signer_node_id == node_id


def test_check_card_reports_member_status(db: Database) -> None:
    s: Seeded = seed(db, 2)
    first = s.members[0]
    payload = _payload(db, str(first["card_no"]), str(first["id"]))
    ok = check_card(db, payload)
    assert ok.valid and "测试会员0" in ok.summary
    with db.connect() as conn:
        conn.execute(
            text("UPDATE members SET membership_status = 'withdrawn' WHERE id = :i"),
            {"i": first["id"]},
        )
    gone = check_card(db, payload)
    assert gone.signature_valid and not gone.valid and "失效" in gone.summary
