"""签到 by scanning the printed card's QR: the payload the PDF carries, checked by its
signature against this office's key or a trusted office's, then the member checked in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from desktop.cards import signing
from desktop.errors import ValidationError
from desktop.printing import geometry as geo
from desktop.printing.cards import QR_SIZE, QR_X, QR_Y, render_cards
from desktop.printing.records import load_cards
from desktop.services import activities
from desktop.storage.database import Database
from desktop.sync import export as sync_export
from desktop.sync import importer as sync_importer
from desktop.sync import trust
from tests.conftest import TEST_TODAY
from tests.unit.printing.conftest import Seeded, decode_qr, seed
from tests.unit.sync import helpers

FORGED = "会员证二维码校验失败：可能是伪造或被改动的卡，请核对"


def _activity(db: Database) -> str:
    return activities.add(
        db,
        {
            "title": "职工健步走",
            "category": "文体健康",
            "starts_at": f"{TEST_TODAY:%Y-%m-%d} 09:00",
            "ends_at": f"{TEST_TODAY:%Y-%m-%d} 11:00",
        },
    ).id


def _payload(db: Database, card_no: str, member_id: str) -> str:
    """What the printed card's QR holds (the printing code's own signer)."""
    with db.connect(write=False) as conn:
        return signing.self_signer(conn).payload(card_no, member_id)


def _attendances(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        return [
            str(r[0])
            for r in conn.execute(text("SELECT member_id FROM attendances WHERE deleted = 0"))
        ]


def _refused(db: Database, act: str, scanned: str) -> str:
    with pytest.raises(ValidationError) as info:
        activities.attend_by_card(db, act, scanned)
    assert info.value.field == "card_no"
    assert _attendances(db) == []
    return info.value.message


def test_qr_decoded_from_the_printed_card_checks_the_member_in(
    db: Database, tmp_path: Path
) -> None:
    s = seed(db, 1)
    with db.connect(write=False) as conn:
        batch = load_cards(conn, union_name=s.union_name)
    pdf = tmp_path / "card.pdf"
    render_cards(batch.records, pdf, layout="single")
    scanned = decode_qr(pdf, 1, QR_X, geo.CARD_H_MM - QR_Y - QR_SIZE, QR_SIZE, tmp_path)
    assert scanned.startswith("UD1:SZ2026TEST00000:")
    act = _activity(db)
    record = activities.attend_by_card(db, act, scanned + "\r\n")  # the scanner's Enter
    assert record.member_id == s.members[0]["id"] and record.method == "card"
    assert _attendances(db) == [s.members[0]["id"]]


def test_caps_lock_scan_and_typed_number_still_work(db: Database) -> None:
    s: Seeded = seed(db, 2)
    act = _activity(db)
    first, second = s.members
    payload = _payload(db, str(first["card_no"]), str(first["id"]))
    # A scanner typing with Caps Lock on inverts every letter, the prefix included.
    assert activities.attend_by_card(db, act, payload.swapcase()).member_id == first["id"]
    assert activities.attend_by_card(db, act, " sz2026test00001\n").member_id == second["id"]


def test_forged_signature_is_refused(db: Database) -> None:
    s = seed(db, 1)
    member = s.members[0]
    with db.connect(write=False) as conn:
        node_id = str(conn.execute(text("SELECT node_id FROM sync_clock")).scalar_one())
    # Same office prefix, someone else's key: what a forger can make.
    forger = signing.CardSigner(node_id, Ed25519PrivateKey.generate().private_bytes_raw())
    forged = forger.payload(str(member["card_no"]), str(member["id"]))
    assert _refused(db, _activity(db), forged) == FORGED


def test_altered_card_number_is_refused(db: Database) -> None:
    s = seed(db, 2)
    first, second = s.members
    genuine = _payload(db, str(first["card_no"]), str(first["id"]))
    altered = genuine.replace(str(first["card_no"]), str(second["card_no"]), 1)
    assert altered != genuine
    assert _refused(db, _activity(db), altered) == FORGED


def test_cut_short_or_untrusted_cards_say_why(
    db: Database, db_factory: Callable[[str], Database]
) -> None:
    s = seed(db, 1)
    member = s.members[0]
    act = _activity(db)
    genuine = _payload(db, str(member["card_no"]), str(member["id"]))
    cut = _refused(db, act, genuine[:-20])
    assert cut.startswith("会员证二维码校验失败：") and "截断" in cut
    stranger = db_factory("stranger")
    foreign = _payload(stranger, str(member["card_no"]), str(member["id"]))
    assert "不在本机信任的单位中" in _refused(db, act, foreign)


def test_card_of_a_member_who_left_is_refused_with_the_usual_message(db: Database) -> None:
    s = seed(db, 1)
    member = s.members[0]
    payload = _payload(db, str(member["card_no"]), str(member["id"]))
    with db.connect() as conn:
        conn.execute(
            text("UPDATE members SET membership_status = 'withdrawn' WHERE id = :i"),
            {"i": member["id"]},
        )
    message = _refused(db, _activity(db), payload)
    assert message.startswith(f"会员证号 {member['card_no']}：")
    assert "会籍状态为「已退会」，不能以会员身份签到" in message


def test_an_old_card_after_a_new_one_was_issued_is_refused(db: Database) -> None:
    s = seed(db, 1)
    member = s.members[0]
    payload = _payload(db, str(member["card_no"]), str(member["id"]))
    with db.connect() as conn:
        conn.execute(
            text("UPDATE members SET card_no = 'SZ2026TEST09999' WHERE id = :i"),
            {"i": member["id"]},
        )
    assert "此卡已作废" in _refused(db, _activity(db), payload)


def test_card_issued_by_a_trusted_office_checks_in_its_synced_member(
    db: Database, db_factory: Callable[[str], Database], tmp_path: Path
) -> None:
    branch = db_factory("branch")
    helpers.mesh([db, branch], tmp_path)
    union = helpers.add_union(branch, helpers.add_federation(branch))
    member = helpers.add_member(branch, union)
    helpers.set_field(branch, "members", member, "card_no", "XL2026AB00007")
    package = tmp_path / "branch.udsync"
    sync_export.export(branch, package, to=[helpers.node_of(db)])
    sync_importer.import_file(db, package)  # the member arrives by sync
    card = _payload(branch, "XL2026AB00007", member)  # printed at the branch office
    record = activities.attend_by_card(db, _activity(db), card)
    assert record.member_id == member and _attendances(db) == [member]


def test_card_of_an_office_whose_trust_was_revoked_is_refused(
    db: Database, db_factory: Callable[[str], Database], tmp_path: Path
) -> None:
    branch = db_factory("branch")
    helpers.mesh([db, branch], tmp_path)
    s = seed(db, 1)
    member = s.members[0]
    card = _payload(branch, str(member["card_no"]), str(member["id"]))
    act = _activity(db)
    with db.connect() as conn:
        trust.revoke(conn, helpers.node_of(branch)[:8], None)
    assert "已被撤销信任" in _refused(db, act, card)
