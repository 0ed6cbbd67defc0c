"""The card QR payload: card number, member UUID and this installation's Ed25519 signature.

Format (one line, QR alphanumeric-mode friendly when the card number is upper case)::

    UD1:<card_no>:<member uuid, 32 hex upper>:<signer node id, first 8 hex upper>:<sig>

``sig`` is the full 64-byte Ed25519 signature in unpadded base32 (103 characters; a
truncated signature cannot be verified). The card number may itself contain ``:``, so
the payload is parsed from the right. The signer prefix lets any office that knows the
issuing node's public key (itself, its retired selves after a key rotation, trusted
peers) verify the card offline.

What a scanner types is cleaned first (``clean_scan``): surrounding blanks and the
Enter it sends, full-width punctuation from a Chinese input method, and the whole text
case-swapped when the scanner typed with Caps Lock on (``ud1:`` instead of ``UD1:``; the
prefix tells us, so a card number's own case is never guessed).
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Connection, inspect, text

from desktop.errors import UnionDeskError

PREFIX = "UD1"
DOMAIN = b"uniondesk-card-v1\n"
NODE_PREFIX_LEN = 8
SIG_LEN = 103


@dataclass(frozen=True)
class CardClaim:
    """What a card asserts, before any signature check."""

    card_no: str
    member_id: str
    signer: str  # node id prefix, lower-case hex

    def message(self) -> bytes:
        return DOMAIN + f"{self.card_no}\n{self.member_id}\n{self.signer}".encode()


# Why a payload was refused: unreadable (not a card, cut short), a signer this PC does not
# trust, or a signature that does not match the content (forged or altered).
Problem = Literal["", "format", "untrusted", "signature"]


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str  # Chinese, for the clerk
    claim: CardClaim | None = None
    signer_node_id: str | None = None
    signer_name: str | None = None
    problem: Problem = ""


def _compact_uuid(member_id: str) -> str:
    return uuid.UUID(member_id).hex.upper()


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(value: str) -> bytes:
    return base64.b32decode(value + "=" * (-len(value) % 8))


class CardSigner:
    """Signs payloads with one private key; built once per print run."""

    def __init__(self, node_id: str, sign_private: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(sign_private)
        self.signer = node_id[:NODE_PREFIX_LEN].lower()

    def sign(self, message: bytes) -> bytes:
        """Sign any domain-separated message with this key (the transfer slip's QR,
        ``desktop/cards/transfer_qr.py``, reuses the card's key and trust)."""
        return self._key.sign(message)

    def payload(self, card_no: str, member_id: str) -> str:
        if not card_no:
            raise UnionDeskError("该会员还没有会员证号，不能制卡。请先发放会员证号。")
        claim = CardClaim(card_no, str(uuid.UUID(member_id)), self.signer)
        sig = self._key.sign(claim.message())
        return ":".join((PREFIX, card_no, _compact_uuid(member_id), self.signer.upper(), _b32(sig)))


def self_signer(conn: Connection) -> CardSigner:
    """The signer for this installation's current key (table sync_node, is_self = 1)."""
    row = conn.execute(
        text(
            "SELECT n.node_id, n.sign_private FROM sync_clock c "
            "JOIN sync_node n ON n.node_id = c.node_id WHERE c.id = 1"
        )
    ).first()
    if row is None or row[1] is None:
        raise UnionDeskError("本机还没有签名密钥，无法为会员卡签名。请先完成初始设置。")
    return CardSigner(str(row[0]), bytes(row[1]))


def clean_scan(value: str) -> str:
    """What a keyboard-emulating scanner typed, as the QR holds it (see module doc)."""
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    if text.startswith(PREFIX.lower() + ":"):
        text = text.swapcase()  # Caps Lock (or a lower-case scanner mode) inverted every letter
    return text


def is_payload(value: str) -> bool:
    """True when ``value`` is meant as a card QR payload (starts with ``UD1:``), whatever
    else it holds: such text is then checked as a card, never read as a bare number."""
    return clean_scan(value).upper().startswith(PREFIX + ":")


def _split(payload: str) -> tuple[CardClaim, str]:
    """The claim and the signature text of a cleaned payload."""
    value = clean_scan(payload)
    parts = value.split(":")
    if value.upper().startswith("UDAPP"):  # desktop.cards.application_qr.PREFIX
        raise UnionDeskError(
            "这是手机入会申请的二维码，不是会员卡。请在「入会申请」审核列表的扫码框中扫描。"
        )
    if len(parts) < 5 or parts[0] != PREFIX:
        raise UnionDeskError("这不是工会桌面通会员卡的二维码内容（应以 UD1: 开头）。")
    head, sig = value.rsplit(":", 1)
    rest, signer = head.rsplit(":", 1)
    rest, member_hex = rest.rsplit(":", 1)
    card_no = rest[len(PREFIX) + 1 :]
    if not card_no or len(signer) != NODE_PREFIX_LEN or len(sig) != SIG_LEN:
        raise UnionDeskError("二维码内容不完整或被截断，无法核验。")
    try:
        member_id = str(uuid.UUID(hex=member_hex))
    except ValueError as exc:
        raise UnionDeskError("二维码中的会员编号格式不正确。") from exc
    return CardClaim(card_no, member_id, signer.lower()), sig


def parse(payload: str) -> CardClaim:
    """Split a scanned payload; raises UnionDeskError saying what is wrong."""
    return _split(payload)[0]


def candidate_keys(conn: Connection, signer: str) -> list[tuple[str, str, bytes]]:
    """(node id, name, public key) of every key this PC trusts for ``signer`` (public for
    the transfer slip's QR, which is trusted exactly as a card is)."""
    return _candidate_keys(conn, signer)


def _candidate_keys(conn: Connection, signer: str) -> list[tuple[str, str, bytes]]:
    """Public keys this PC trusts whose node id starts with ``signer``: its own (current and
    retired) and its trusted offices' that were not revoked."""
    like = signer + "%"
    rows = conn.execute(
        text("SELECT node_id, name, sign_public FROM sync_node WHERE node_id LIKE :p"),
        {"p": like},
    ).all()
    keys = [(str(r[0]), str(r[1] or ""), bytes(r[2])) for r in rows]
    # the inspector, not sqlite_master: the hub (PostgreSQL) reads slips and cards too
    has_peers = inspect(conn).has_table("sync_peer")
    if has_peers:
        rows = conn.execute(
            text(
                # An office whose trust was revoked, or that was trusted on the certificate
                # of a root office since revoked, no longer vouches for its cards.
                "SELECT p.node_id, p.name, p.sign_public FROM sync_peer p "
                "WHERE p.trusted = 1 AND p.revoked_after IS NULL AND p.node_id LIKE :p "
                "AND (p.certified_by IS NULL OR EXISTS (SELECT 1 FROM sync_peer r "
                "WHERE r.node_id = p.certified_by AND r.trusted = 1 "
                "AND r.revoked_after IS NULL))"
            ),
            {"p": like},
        ).all()
        keys += [(str(r[0]), str(r[1] or ""), bytes(r[2])) for r in rows]
    return keys


def verify(conn: Connection, payload: str) -> Verification:
    """Check a payload's signature against every trusted key matching its signer prefix."""
    try:
        claim, sig_text = _split(payload)
    except UnionDeskError as exc:
        return Verification(False, exc.message, problem="format")
    try:
        sig = _unb32(sig_text)
    except (binascii.Error, ValueError):
        return Verification(
            False, "二维码中的签名不是有效的编码，卡片可能被改动。", claim, problem="signature"
        )
    keys = _candidate_keys(conn, claim.signer)
    if not keys:
        return Verification(
            False,
            f"签发单位（节点 {claim.signer.upper()}）不在本机信任的单位中或已被撤销信任，"
            "无法核验。"
            "如为本联合会下属单位所发，请先完成同步配对。",
            claim,
            problem="untrusted",
        )
    for node_id, name, public in keys:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(sig, claim.message())
        except (InvalidSignature, ValueError):
            continue
        return Verification(
            True, "签名有效：卡片由受信任的单位签发，内容未被改动。", claim, node_id, name
        )
    return Verification(
        False, "签名不符：卡号或会员信息被改动，或卡片是伪造的。", claim, problem="signature"
    )
