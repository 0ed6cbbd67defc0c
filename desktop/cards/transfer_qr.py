"""The 会籍转接单 QR: the slip's content, signed by the issuing office's card key.

The receiving office scans it to pre-fill the transfer-in. It is checked like a card
(``signing``): against every key this PC trusts whose node id starts with the signer
prefix. A receiving office outside the federation usually does not know the sender's
key; the slip is then shown as *unverified* but still pre-fills (the clerk checks the
paper slip and its stamps, as before).

Format (one line, only ``A–Z 2–7 :`` plus the signer's hex, so a keyboard-wedge
scanner types it and QR alphanumeric mode holds it)::

    UDTR1:<unpadded base32 of the UTF-8 JSON content>:<signer, 8 hex upper>:<sig>

``sig`` is the 64-byte Ed25519 signature (unpadded base32) of ``DOMAIN ‖ JSON ‖ "\\n"
‖ signer``. The content holds no ID number and no phone: the slip travels in the
member's hands, and the receiving clerk types the ID number from the person's ID card.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from desktop.cards import signing
from desktop.errors import UnionDeskError

PREFIX = "UDTR1"
DOMAIN = b"uniondesk-transfer-v1\n"
VERIFIED = "签名有效：转接单由受信任的单位开具，内容未被改动。"
_KEYS = ("s", "n", "c", "f", "t", "d", "j", "r")


@dataclass(frozen=True)
class SlipContent:
    """What a transfer slip says: number, member, from, to, date, original join date."""

    slip_no: str
    name: str
    card_no: str
    from_union: str
    to_union: str
    transferred_on: date
    joined_on: date | None
    reason: str

    def as_json(self) -> bytes:
        values: dict[str, Any] = {
            "s": self.slip_no, "n": self.name, "c": self.card_no, "f": self.from_union,
            "t": self.to_union, "d": self.transferred_on.isoformat(),
            "j": self.joined_on.isoformat() if self.joined_on else "", "r": self.reason,
        }  # fmt: skip
        return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class SlipReading:
    """A scanned slip: its content, and whether a trusted office's signature holds."""

    content: SlipContent
    verified: bool
    message: str  # Chinese, for the clerk
    signer_name: str = ""


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(value: str) -> bytes:
    return base64.b32decode(value + "=" * (-len(value) % 8))


def payload(signer: signing.CardSigner, content: SlipContent) -> str:
    """The QR text for ``content``, signed by ``signer`` (this office's current key)."""
    body = content.as_json()
    sig = signer.sign(DOMAIN + body + b"\n" + signer.signer.encode())
    return ":".join((PREFIX, _b32(body), signer.signer.upper(), _b32(sig)))


def is_payload(value: str) -> bool:
    return signing.clean_scan(value).upper().startswith(PREFIX + ":")


def _content(body: bytes) -> SlipContent:
    try:
        raw = json.loads(body.decode())
        if not isinstance(raw, dict) or not set(_KEYS) <= set(raw):
            raise ValueError
        values = {k: str(raw[k]) for k in _KEYS}
        return SlipContent(
            slip_no=values["s"],
            name=values["n"],
            card_no=values["c"],
            from_union=values["f"],
            to_union=values["t"],
            transferred_on=date.fromisoformat(values["d"]),
            joined_on=date.fromisoformat(values["j"]) if values["j"] else None,
            reason=values["r"],
        )
    except (ValueError, UnicodeDecodeError):
        raise UnionDeskError("转接单二维码的内容无法读取（格式不对或被截断）。") from None


def read(conn: Connection, scanned: str) -> SlipReading:
    """Parse a scanned slip QR and check its signature; refused only when unreadable.

    An unknown signer or a signature that does not match gives an unverified reading
    (the clerk is told why) rather than a refusal: the content still pre-fills.
    """
    value = signing.clean_scan(scanned)
    parts = value.split(":")
    if len(parts) != 4 or parts[0].upper() != PREFIX:
        raise UnionDeskError("这不是会籍转接单的二维码（应以 UDTR1: 开头）。")
    _prefix, body_text, signer, sig_text = parts
    try:
        body, sig = _unb32(body_text.upper()), _unb32(sig_text.upper())
    except (binascii.Error, ValueError):
        raise UnionDeskError("转接单二维码的内容无法读取（格式不对或被截断）。") from None
    content = _content(body)
    signer = signer.lower()
    keys = signing.candidate_keys(conn, signer)
    if not keys:
        return SlipReading(
            content,
            False,
            f"未核验：签发单位（节点 {signer.upper()}）不在本机信任的单位中。"
            "请核对纸质转接单及其印章后再办理。",
        )
    message = DOMAIN + body + b"\n" + signer.encode()
    for _node_id, name, public in keys:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(sig, message)
        except (InvalidSignature, ValueError):
            continue
        return SlipReading(content, True, VERIFIED, name)
    return SlipReading(
        content, False, "签名不符：转接单二维码内容被改动，或不是所写单位开具的。请核对纸质转接单。"
    )
