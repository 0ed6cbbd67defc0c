"""The phone application QR (入会申请二维码): format, encryption, and reading a scan.

A worker fills in the office's self-contained application page on a phone; the page
encrypts the application to the office's X25519 box key and shows it as a QR that the
clerk's USB scanner types into the review queue. This module is the Python side of that
format; ``resources/templates/application_page/page.js`` is the page's side, and the
tests hold the two together with vectors made by the page's own code.

Text (one line, only ``A–Z 2–7 :``, which every keyboard-wedge scanner types and which
QR alphanumeric mode holds at 5.5 bits a character)::

    UDAPP1:<unpadded base32 of HEADER ‖ CIPHERTEXT>

    HEADER     = page_version (1 byte) ‖ office tag (4 bytes: the first 8 hex digits of
                 the office's node id) ‖ ephemeral X25519 public key (32 bytes)
    CIPHERTEXT = ChaCha20-Poly1305(key, nonce, PLAINTEXT, associated data = HEADER)
    key ‖ nonce = HKDF-SHA256(X25519(eph, office), salt = eph_pub ‖ office_pub,
                              info = "uniondesk-udapp-v1", 44 bytes)
    PLAINTEXT  = payload id (8 random bytes) ‖ union UUID (16 bytes) ‖ flags (1 byte:
                 1 migrant worker, 2 consent given) ‖ UTF-8 of the text fields joined by
                 U+001F: name, ID number, phone, employer, hukou type, education,
                 political status (code-list codes; "" when not given)

The key agreement is the sync package envelope's (``desktop/sync/crypto.py``: X25519 with
a fresh ephemeral key, HKDF-SHA256 salted with both public keys, ChaCha20-Poly1305); as
the ephemeral key is used once, the nonce is derived with the key instead of sent. The
header is authenticated, so a changed page version or office tag fails decryption like
a changed byte of the body. The office tag is in clear only so that a QR made for
another office is explained as such instead of as "altered".

This module holds no key: the caller passes the office's private key bytes
(``desktop/sync/intake.py`` does, for the CLI and the review queue), and the set of
payload ids already filed, for replay detection. No Qt, no database.
"""

from __future__ import annotations

import base64
import binascii
import os
import unicodedata
import uuid
from collections.abc import Container
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.cards import signing
from desktop.errors import UnionDeskError
from desktop.models.codes import EDUCATION, HUKOU_TYPE, POLITICAL_STATUS

FORMAT = 1
PREFIX = f"UDAPP{FORMAT}:"
#: The form's version, written by the page; bumped when the page's fields change.
PAGE_VERSION = 1
#: The oldest page version this program still files (older pages lack a needed field).
MIN_PAGE_VERSION = 1
INFO = b"uniondesk-udapp-v1"
TAG_HEX = 8
HEADER_LEN = 1 + TAG_HEX // 2 + 32
AEAD_TAG_LEN = 16
PAYLOAD_ID_LEN = 8
SEPARATOR = "\x1f"
FIELD_ORDER = (
    "name",
    "id_number",
    "phone",
    "employer",
    "hukou_type",
    "education",
    "political_status",
)
FLAG_MIGRANT = 1
FLAG_CONSENT = 2
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw

ScanKind = Literal["application", "card", "newer", "other"]


@dataclass(frozen=True)
class ApplicationDraft:
    """A decrypted application, before the registry's rules (``member_values`` feeds them).

    ``payload_id`` (16 hex digits, random per submission) identifies the QR: scanning the
    same one twice is a replay. ``office_node`` is the node id it was opened for.
    """

    payload_id: str
    page_version: int
    office_node: str
    name: str
    id_number: str
    phone: str | None
    employer: str | None
    union_id: str
    is_migrant_worker: bool
    hukou_type: str | None
    education: str | None
    political_status: str | None
    consent: bool

    def member_values(self) -> dict[str, Any]:
        """The registry fields, named as ``members.registry.validate`` takes them."""
        return {
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "employer": self.employer,
            "union_id": self.union_id,
            "is_migrant_worker": self.is_migrant_worker,
            "hukou_type": self.hukou_type,
            "education": self.education,
            "political_status": self.political_status,
        }


def office_tag(node_id: str) -> bytes:
    """The 4 bytes naming the office in clear: its node id's first 8 hex digits."""
    return bytes.fromhex(node_id[:TAG_HEX])


def _key_nonce(shared: bytes, eph_pub: bytes, office_pub: bytes) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=44, salt=eph_pub + office_pub, info=INFO).derive(
        shared
    )
    return okm[:32], okm[32:]


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def pack_plaintext(draft: ApplicationDraft) -> bytes:
    """The plaintext of ``draft`` (see the module doc); the Python twin of the page's."""
    flags = (FLAG_MIGRANT if draft.is_migrant_worker else 0) | (
        FLAG_CONSENT if draft.consent else 0
    )
    text = SEPARATOR.join(str(getattr(draft, name) or "") for name in FIELD_ORDER)
    return (
        bytes.fromhex(draft.payload_id)
        + uuid.UUID(draft.union_id).bytes
        + bytes([flags])
        + text.encode("utf-8")
    )


def seal(
    draft: ApplicationDraft, *, office_node: str, office_box_public: bytes, eph_private: bytes
) -> str:
    """Encrypt ``draft`` for an office, as the page does (tests, and a reference)."""
    eph = X25519PrivateKey.from_private_bytes(eph_private)
    eph_pub = eph.public_key().public_bytes(_RAW, _RAW_PUB)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(office_box_public))
    key, nonce = _key_nonce(shared, eph_pub, office_box_public)
    header = bytes([draft.page_version]) + office_tag(office_node) + eph_pub
    body = ChaCha20Poly1305(key).encrypt(nonce, pack_plaintext(draft), header)
    return PREFIX + _b32(header + body)


def new_payload_id() -> str:
    return os.urandom(PAYLOAD_ID_LEN).hex()


def clean_scan(value: str) -> str:
    """What the scanner typed, as the QR holds it: blanks and the Enter dropped,
    full-width characters from a Chinese input method folded, and upper case (base32 and
    the prefix ignore case, so Caps Lock does no harm)."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).upper()


def scan_kind(value: str) -> ScanKind:
    """What a scanned text is: an application of this format, a member card's QR
    (scanned into the wrong box), an application of a newer format, or something else."""
    text = clean_scan(value)
    if text.startswith(PREFIX):
        return "application"
    if signing.is_payload(value):
        return "card"
    if text.startswith("UDAPP") and text[5:6].isdigit():
        return "newer"
    return "other"


def _refuse_wrong_kind(value: str, kind: ScanKind) -> None:
    if kind == "card":
        raise UnionDeskError(
            "扫描的是会员卡二维码（UD1: 开头），不是入会申请二维码。"
            "核验会员卡请用「会员卡核验」，活动签到请到签到页面扫描；"
            "此处请扫描申请人手机「入会申请」页面上的二维码。"
        )
    if kind == "newer":
        raise UnionDeskError(
            "该入会申请二维码由更新版本的申请页面生成，本机的工会桌面通无法读取。"
            "请升级工会桌面通后再扫描。"
        )
    if kind != "application":
        raise UnionDeskError(
            "扫描的内容不是工会桌面通入会申请二维码（应以 UDAPP1: 开头）。"
            "请扫描申请人手机「入会申请」页面上显示的二维码。"
        )


def _decode(text: str) -> bytes:
    body = text[len(PREFIX) :]
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError) as exc:
        raise UnionDeskError(
            "入会申请二维码内容有误（含有不该出现的字符或长度不对，可能扫描时漏读），请重新扫描。"
        ) from exc
    if len(data) < HEADER_LEN + AEAD_TAG_LEN + PAYLOAD_ID_LEN + 17:
        raise UnionDeskError("入会申请二维码内容不完整（可能扫描时被截断），请重新扫描。")
    return data


def _check_header(header: bytes, node_id: str) -> int:
    page_version = header[0]
    tag = header[1 : 1 + TAG_HEX // 2]
    if tag != office_tag(node_id):
        raise UnionDeskError(
            f"该入会申请是发给另一单位（节点 {tag.hex().upper()}）的，本机（节点 "
            f"{node_id[:TAG_HEX].upper()}）无法解密，未做任何记录。请申请人打开本单位发布的"
            "申请页面重新填写；如本机更换过密钥，请重新生成并发布申请页面。"
        )
    if page_version < MIN_PAGE_VERSION:
        raise UnionDeskError(
            f"该入会申请来自旧版申请页面（第 {page_version} 版，本机要求第 "
            f"{MIN_PAGE_VERSION} 版及以上），未做任何记录。"
            "请申请人打开本单位最新发布的申请页面重新填写。"
        )
    if page_version > PAGE_VERSION:
        raise UnionDeskError(
            f"该入会申请来自更新版本的申请页面（第 {page_version} 版），"
            "本机的工会桌面通无法读取。请升级工会桌面通后再扫描。"
        )
    return page_version


def _code(value: str, codes: Any, label: str) -> str | None:
    if not value:
        return None
    if value not in codes:
        raise UnionDeskError(f"入会申请中的「{label}」不在代码表中，申请页面可能被改动。")
    return value


def _unpack(plain: bytes, page_version: int, node_id: str) -> ApplicationDraft:
    payload_id = plain[:PAYLOAD_ID_LEN].hex()
    union_id = str(uuid.UUID(bytes=plain[PAYLOAD_ID_LEN : PAYLOAD_ID_LEN + 16]))
    flags = plain[PAYLOAD_ID_LEN + 16]
    try:
        fields = plain[PAYLOAD_ID_LEN + 17 :].decode("utf-8").split(SEPARATOR)
    except UnicodeDecodeError:
        fields = []
    if len(fields) != len(FIELD_ORDER):
        raise UnionDeskError(
            "入会申请内容格式不正确（字段数不符），申请页面可能被改动，未做任何记录。"
            "请申请人打开本单位发布的申请页面重新填写。"
        )
    v = dict(zip(FIELD_ORDER, fields, strict=True))
    return ApplicationDraft(
        payload_id=payload_id,
        page_version=page_version,
        office_node=node_id,
        name=v["name"],
        id_number=v["id_number"],
        phone=v["phone"] or None,
        employer=v["employer"] or None,
        union_id=union_id,
        is_migrant_worker=bool(flags & FLAG_MIGRANT),
        hukou_type=_code(v["hukou_type"], HUKOU_TYPE, "户籍类型"),
        education=_code(v["education"], EDUCATION, "学历"),
        political_status=_code(v["political_status"], POLITICAL_STATUS, "政治面貌"),
        consent=bool(flags & FLAG_CONSENT),
    )


def open_application(
    value: str, *, node_id: str, box_private: bytes, seen: Container[str] = frozenset()
) -> ApplicationDraft:
    """Decrypt and unpack a scanned application for the office ``node_id``.

    Refuses, with a message for the clerk that names no applicant: a card QR or any
    other text, an application for another office, from an older or newer page, altered
    or cut short, without consent, or whose payload id is in ``seen`` (already filed).
    """
    kind = scan_kind(value)
    _refuse_wrong_kind(value, kind)
    data = _decode(clean_scan(value))
    header, body = data[:HEADER_LEN], data[HEADER_LEN:]
    page_version = _check_header(header, node_id)
    priv = X25519PrivateKey.from_private_bytes(box_private)
    office_pub = priv.public_key().public_bytes(_RAW, _RAW_PUB)
    eph_pub = header[HEADER_LEN - 32 :]
    try:
        shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        key, nonce = _key_nonce(shared, eph_pub, office_pub)
        plain = ChaCha20Poly1305(key).decrypt(nonce, body, header)
    except (InvalidTag, ValueError) as exc:
        raise UnionDeskError(
            "入会申请二维码解密失败：内容被改动或扫描有误（加密校验不通过），未做任何记录。"
            "请重新扫描；仍不行请申请人重新生成二维码。"
        ) from exc
    draft = _unpack(plain, page_version, node_id)
    if draft.payload_id in seen:
        raise UnionDeskError(
            "这份入会申请已经登记过（同一个二维码重复扫描），未重复登记。"
            "如需修改，请在审核列表中打开原申请。"
        )
    if not draft.consent:
        raise UnionDeskError(
            "申请人未同意个人信息处理（申请页面上的同意条款未勾选），不能受理，未做任何记录。"
        )
    return draft
