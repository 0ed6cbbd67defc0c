"""Signatures (Ed25519) and the encryption envelope around a package.

Sign inside, encrypt outside: the zip (manifest, signatures, segments) is encrypted with
a random file key under ChaCha20-Poly1305; the file key is sealed to each recipient's
X25519 key with an ephemeral X25519 key and HKDF (the age / sealed-box construction).

Envelope layout: MAGIC, 4-byte big-endian header length, header JSON, ciphertext. The
header bytes are the AEAD associated data, so editing the recipient list breaks
decryption for everyone.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.errors import UnionDeskError

MAGIC = b"UDSYNC\x01\n"
_INFO = b"uniondesk-udsync-v1 file key"
_MAX_HEADER = 1 << 20
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw


def sign(private: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _kek(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub, info=_INFO
    ).derive(shared)


def seal(plaintext: bytes, recipients: dict[str, bytes]) -> bytes:
    """Encrypt ``plaintext`` for ``recipients`` (node id → X25519 public key)."""
    file_key = ChaCha20Poly1305.generate_key()
    entries = []
    for node_id, pub in sorted(recipients.items()):
        eph = X25519PrivateKey.generate()
        eph_pub = eph.public_key().public_bytes(_RAW, _RAW_PUB)
        kek = _kek(eph.exchange(X25519PublicKey.from_public_bytes(pub)), eph_pub, pub)
        wrapped = ChaCha20Poly1305(kek).encrypt(b"\x00" * 12, file_key, node_id.encode())
        entries.append({"node": node_id, "epk": eph_pub.hex(), "key": wrapped.hex()})
    nonce = os.urandom(12)
    header = json.dumps(
        {"v": 1, "aead": "chacha20poly1305", "nonce": nonce.hex(), "recipients": entries},
        sort_keys=True,
    ).encode()
    body = ChaCha20Poly1305(file_key).encrypt(nonce, plaintext, header)
    return MAGIC + struct.pack(">I", len(header)) + header + body


@dataclass(frozen=True)
class Envelope:
    header: bytes
    recipients: list[str]
    body: bytes


def read_envelope(data: bytes, name: str) -> Envelope:
    if not data.startswith(MAGIC):
        family = MAGIC[: MAGIC.index(b"\x01")]  # b"UDSYNC", then the format byte
        if (
            data.startswith(family)
            and len(data) > len(family)
            and data[len(family)] > MAGIC[len(family)]
        ):
            raise UnionDeskError(
                f"同步包 {name} 由更新版本的工会桌面通导出，本机的程序读不了它，未做任何改动。"
                "请先升级本机程序，再导入这个同步包。"
            )
        raise UnionDeskError(f"文件 {name} 不是工会桌面通同步包（文件头不对），未做任何改动。")
    if len(data) < len(MAGIC) + 4:
        raise UnionDeskError(
            f"同步包 {name} 不完整（文件被截断，可能是拷贝时拔出了U盘），未做任何改动。"
        )
    (size,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if size > _MAX_HEADER or start + size > len(data):
        raise UnionDeskError(
            f"同步包 {name} 不完整或文件头损坏（可能是拷贝时拔出了U盘），未做任何改动。"
        )
    header = data[start : start + size]
    try:
        parsed = json.loads(header.decode("utf-8"))
        recipients = [str(r["node"]) for r in parsed["recipients"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UnionDeskError(f"同步包 {name} 的加密文件头损坏，未做任何改动。") from exc
    return Envelope(header=header, recipients=recipients, body=data[start + size :])


def open_sealed(env: Envelope, node_id: str, box_private: bytes, name: str) -> bytes:
    """Decrypt for ``node_id``; refuses packages not addressed to it or altered."""
    parsed = json.loads(env.header.decode("utf-8"))
    mine = [r for r in parsed["recipients"] if r.get("node") == node_id]
    if not mine:
        raise UnionDeskError(
            f"同步包 {name} 不是发给本机的（收件单位中没有本机 {node_id[:8]}…），无法解密，"
            "未做任何改动。请让对方导出时选择本机为收件单位。"
        )
    try:
        entry = mine[0]
        priv = X25519PrivateKey.from_private_bytes(box_private)
        pub = priv.public_key().public_bytes(_RAW, _RAW_PUB)
        eph_pub = bytes.fromhex(str(entry["epk"]))
        kek = _kek(priv.exchange(X25519PublicKey.from_public_bytes(eph_pub)), eph_pub, pub)
        file_key = ChaCha20Poly1305(kek).decrypt(
            b"\x00" * 12, bytes.fromhex(str(entry["key"])), node_id.encode()
        )
        nonce = bytes.fromhex(str(parsed["nonce"]))
        return ChaCha20Poly1305(file_key).decrypt(nonce, env.body, env.header)
    except (InvalidTag, ValueError, KeyError, TypeError) as exc:
        raise UnionDeskError(
            f"同步包 {name} 解密失败：文件被截断或内容被改动（加密校验不通过），未做任何改动。"
        ) from exc
