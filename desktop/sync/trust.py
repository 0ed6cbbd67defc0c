"""Trusted offices: key cards, enrolment by fingerprint, revocation, sender checks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection

from desktop import clock
from desktop.errors import UnionDeskError, storage_error
from desktop.storage import engines
from desktop.sync import crypto, strictjson
from desktop.sync.identity import fingerprint, node_id_for

CARD_KIND = "uniondesk-keycard"
_CARD_PREFIX = b"uniondesk-keycard-v1\x00"


@dataclass(frozen=True)
class Peer:
    node_id: str
    name: str
    fingerprint: str
    trusted: bool
    revoked_after: int | None
    certified_by: str | None = None  # accepted on the certificate of this root office
    may_introduce: bool = False  # its packages may bring offices this PC never enrolled
    introduced_by: str | None = None  # a relayed origin: whose package brought its key


class SelfKeys(NamedTuple):
    """This PC's identity and key pairs.

    A named tuple so callers read fields by name (``keys.office_name``); it still unpacks
    and indexes like the plain 6-tuple it replaced, for callers not converted yet.
    """

    node_id: str
    sign_public: bytes
    sign_private: bytes
    box_public: bytes
    box_private: bytes
    office_name: str


class KeyCard(NamedTuple):
    """What a checked key card file says (unpacks like the 4-tuple it replaced)."""

    node_id: str
    name: str
    sign_public: bytes
    box_public: bytes


def _now() -> datetime:
    return clock.current().utcnow()


def self_keys(conn: Connection) -> SelfKeys:
    """This PC's node id, key pairs and office name (private keys included: only for
    signing and opening; to show the office's name use ``office_name``)."""
    row = conn.exec_driver_sql(
        "SELECT n.node_id, n.sign_public, n.sign_private, n.box_public, n.box_private, "
        "n.name AS office_name "
        "FROM sync_clock c JOIN sync_node n ON n.node_id = c.node_id WHERE c.id = 1"
    ).one()
    return SelfKeys(
        node_id=str(row.node_id),
        sign_public=bytes(row.sign_public),
        sign_private=bytes(row.sign_private),
        box_public=bytes(row.box_public),
        box_private=bytes(row.box_private),
        office_name=str(row.office_name),
    )


def office_name(conn: Connection) -> str:
    """This PC's office name, read without loading its private keys (for the screens)."""
    name = conn.exec_driver_sql(
        "SELECT n.name FROM sync_clock c JOIN sync_node n ON n.node_id = c.node_id WHERE c.id = 1"
    ).scalar_one()
    return str(name)


def key_card(conn: Connection) -> bytes:
    """This PC's public key card (self-signed JSON), to give to other offices."""
    keys = self_keys(conn)
    body = {
        "kind": CARD_KIND,
        "version": 1,
        "node_id": keys.node_id,
        "name": keys.office_name,
        "sign_public": keys.sign_public.hex(),
        "box_public": keys.box_public.hex(),
        "fingerprint": fingerprint(keys.sign_public),
    }
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sig = crypto.sign(keys.sign_private, _CARD_PREFIX + raw)
    card = {"card": body, "signature": sig.hex()}
    return json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def digits(fp: str) -> str:
    return re.sub(r"\D", "", fp)


def read_card(path: Path) -> KeyCard:
    """The node id, office name and public keys of a key card file, checked."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise storage_error(exc, path=path) or UnionDeskError(f"无法读取密钥卡 {path}") from exc
    try:
        outer = strictjson.loads(raw)
        body = outer["card"]
        sig = bytes.fromhex(outer["signature"])
        sign_pub = bytes.fromhex(body["sign_public"])
        box_pub = bytes.fromhex(body["box_public"])
        name = str(body.get("name", ""))
        if body.get("kind") != CARD_KIND or len(sign_pub) != 32 or len(box_pub) != 32:
            raise ValueError("kind")
    except (strictjson.StrictJSONError, KeyError, TypeError, ValueError) as exc:
        raise UnionDeskError(f"文件 {path} 不是有效的工会桌面通密钥卡。") from exc
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if not crypto.verify(sign_pub, sig, _CARD_PREFIX + canonical):
        raise UnionDeskError(f"密钥卡 {path} 的签名无效：内容被改动。")
    if body.get("node_id") != node_id_for(sign_pub):
        raise UnionDeskError(f"密钥卡 {path} 的节点编号与公钥不符。")
    return KeyCard(node_id_for(sign_pub), name, sign_pub, box_pub)


def enrol(conn: Connection, path: Path, expected_fingerprint: str) -> Peer:
    card = read_card(path)
    node, name, actual = card.node_id, card.name, fingerprint(card.sign_public)
    if digits(expected_fingerprint) != digits(actual):
        raise UnionDeskError(
            f"指纹不符：密钥卡 {path.name} 的指纹是 {actual}，与您输入的不一致。"
            "请与对方电话核对，未登记。"
        )
    own = conn.exec_driver_sql("SELECT node_id FROM sync_clock WHERE id = 1").scalar_one()
    if node == own:
        raise UnionDeskError("这是本机自己的密钥卡，无需登记。")
    conn.exec_driver_sql(
        "INSERT INTO sync_peer (node_id, name, sign_public, box_public, trusted, enrolled_at) "
        "VALUES (:n, :name, :sp, :bp, 1, :at) ON CONFLICT(node_id) DO UPDATE SET "
        "trusted = 1, name = excluded.name, certified_by = NULL",
        {"n": node, "name": name, "sp": card.sign_public, "bp": card.box_public, "at": _now()},
    )
    return Peer(node, name, actual, True, None)


def remember_origin(
    conn: Connection, node: str, sign_pub: bytes, box_pub: bytes, introduced_by: str
) -> None:
    """Record the key of an origin seen only through a relay (not trusted as a sender),
    and which office's package introduced it."""
    conn.exec_driver_sql(
        engines.insert_ignoring(
            conn,
            "INSERT OR IGNORE INTO sync_peer (node_id, name, sign_public, box_public, trusted, "
            "enrolled_at, introduced_by) VALUES (:n, '', :sp, :bp, 0, :at, :by)",
        ),
        {"n": node, "sp": sign_pub, "bp": box_pub, "at": _now(), "by": introduced_by},
    )


def set_introducer(conn: Connection, node_prefix: str, allowed: bool) -> Peer:
    """Allow (or stop) an enrolled office's packages to bring offices never enrolled here."""
    rows = conn.exec_driver_sql(
        "SELECT node_id FROM sync_peer WHERE trusted = 1 AND node_id LIKE :p",
        {"p": node_prefix.lower() + "%"},
    ).all()
    if len(rows) != 1:
        raise UnionDeskError(
            f"找不到唯一的信任单位「{node_prefix}」（匹配 {len(rows)} 个），"
            "请输入更完整的节点编号。未做任何改动。"
        )
    node = str(rows[0].node_id)
    conn.exec_driver_sql(
        "UPDATE sync_peer SET may_introduce = :m WHERE node_id = :n",
        {"m": int(allowed), "n": node},
    )
    peer = get_peer(conn, node)
    assert peer is not None
    return peer


def revoke(conn: Connection, node_prefix: str, after: int | None) -> Peer:
    rows = conn.exec_driver_sql(
        "SELECT node_id FROM sync_peer WHERE node_id LIKE :p", {"p": node_prefix + "%"}
    ).all()
    if len(rows) != 1:
        raise UnionDeskError(
            f"找不到唯一的信任单位「{node_prefix}」（匹配 {len(rows)} 个），"
            "请输入更完整的节点编号。"
        )
    node = str(rows[0].node_id)
    if after is None:
        after = int(
            conn.exec_driver_sql(
                "SELECT coalesce(max(counter), 0) FROM sync_change WHERE node_id = :n",
                {"n": node},
            ).scalar_one()
        )
    conn.exec_driver_sql(
        "UPDATE sync_peer SET revoked_after = :a WHERE node_id = :n", {"a": after, "n": node}
    )
    peer = get_peer(conn, node)
    assert peer is not None
    return peer


_PEER_COLUMNS = (
    "node_id, name, sign_public, trusted, revoked_after, certified_by, may_introduce, introduced_by"
)


def _peer(r: Any) -> Peer:
    """A ``sync_peer`` row selected with ``_PEER_COLUMNS``."""
    return Peer(
        node_id=str(r.node_id),
        name=str(r.name),
        fingerprint=fingerprint(bytes(r.sign_public)),
        trusted=bool(r.trusted),
        revoked_after=None if r.revoked_after is None else int(r.revoked_after),
        certified_by=None if r.certified_by is None else str(r.certified_by),
        may_introduce=bool(r.may_introduce),
        introduced_by=None if r.introduced_by is None else str(r.introduced_by),
    )


def get_peer(conn: Connection, node: str) -> Peer | None:
    row = conn.exec_driver_sql(
        f"SELECT {_PEER_COLUMNS} FROM sync_peer WHERE node_id = :n", {"n": node}
    ).one_or_none()
    return None if row is None else _peer(row)


def list_peers(conn: Connection) -> list[Peer]:
    rows = conn.exec_driver_sql(
        f"SELECT {_PEER_COLUMNS} FROM sync_peer ORDER BY trusted DESC, name"
    ).all()
    return [_peer(r) for r in rows]


def box_key(conn: Connection, node: str) -> bytes | None:
    value = conn.exec_driver_sql(
        "SELECT box_public FROM sync_peer WHERE node_id = :n", {"n": node}
    ).scalar_one_or_none()
    return None if value is None else bytes(value)


def sign_key(conn: Connection, node: str) -> bytes | None:
    """Public signing key of a known node: ourselves (current or retired) or a peer."""
    value = conn.exec_driver_sql(
        "SELECT coalesce((SELECT sign_public FROM sync_node WHERE node_id = ?), "
        "(SELECT sign_public FROM sync_peer WHERE node_id = ?))",
        (node, node),
    ).scalar()
    return None if value is None else bytes(value)


def check_sender(
    conn: Connection, package_name: str, node: str, sign_pub: bytes, cert: bytes | None = None
) -> None:
    """Refuse a package whose sender is neither this PC, an enrolled office, nor an office
    carrying a certificate (``cert``) from a root office this PC enrolled as such."""
    from desktop.sync import certs  # certs builds on this module

    if (
        conn.exec_driver_sql("SELECT 1 FROM sync_node WHERE node_id = :n", {"n": node}).first()
        is not None
    ):
        return
    peer = get_peer(conn, node)
    if peer is not None and peer.trusted:
        if peer.certified_by is not None and certs.root_revoked(conn, peer.certified_by):
            raise UnionDeskError(
                f"同步包 {package_name} 来自凭上级单位证书登记的单位（节点 {node[:8]}…），"
                f"但签发证书的单位（节点 {peer.certified_by[:8]}…）已被撤销信任"
                "或不再被认可为上级单位，已拒绝。"
                "如仍需接收，请直接登记该单位的密钥卡。未做任何改动。"
            )
        return
    if cert is not None:
        certs.check(conn, cert, node, sign_pub, f"同步包 {package_name}")
        return
    raise UnionDeskError(
        f"同步包 {package_name} 来自未登记的单位（节点 {node[:8]}…，指纹 "
        f"{fingerprint(sign_pub)}）。请向对方索取密钥卡，电话核对指纹后用“登记信任单位”"
        "（sync trust）登记，再导入。未做任何改动。"
    )
