"""Succession: a copied or restored office keeps its partners' trust without re-enrolment.

When a database takes a fresh identity (``identity.rotate_identity``: copied to another
PC or folder, or restored from a backup) it still holds the keys of the identity it had.
Every package it sends carries, for each former identity, the statement "node NEW
succeeds node OLD" signed by OLD's private key. A partner that trusts OLD (enrolled, not
revoked) — or that is OLD itself, for a copy of its own folder — accepts NEW as a trusted
office on that signature: the key that was trusted vouches for the one that replaces it.
Chains (OLD → MID → NEW after two restores) are followed statement by statement.

Succession does not retire OLD at the partner: a folder copied to a second PC leaves the
original in use under OLD, so partners keep both until the clerk revokes the one that is
gone (docs/SYNC.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from desktop import clock
from desktop.sync import crypto, trust
from desktop.sync.identity import fingerprint, node_id_for

_PREFIX = b"uniondesk-succession-v1\x00"
MANIFEST_KEY = "succession"
MAX_STATEMENTS = 64  # a chain longer than this is no office's history


@dataclass(frozen=True)
class Statement:
    old: str
    new: str
    new_sign: bytes
    new_box: bytes
    signature: bytes

    def message(self) -> bytes:
        body = {
            "old": self.old,
            "new": self.new,
            "sign": self.new_sign.hex(),
            "box": self.new_box.hex(),
        }
        return _PREFIX + json.dumps(body, sort_keys=True).encode("ascii")


def statements(conn: Connection) -> list[dict[str, str]]:
    """This database's succession statements, each signed by the identity it replaced."""
    rows = conn.exec_driver_sql(
        "SELECT o.node_id AS old, o.sign_private AS old_private, n.node_id AS new, "
        "n.sign_public AS new_sign, n.box_public AS new_box "
        "FROM sync_node o JOIN sync_node n ON n.node_id = o.superseded_by "
        "WHERE o.sign_private IS NOT NULL ORDER BY o.created_at, o.node_id"
    ).all()
    out: list[dict[str, str]] = []
    for r in rows:
        unsigned = Statement(str(r.old), str(r.new), bytes(r.new_sign), bytes(r.new_box), b"")
        signature = crypto.sign(bytes(r.old_private), unsigned.message())
        out.append(
            {
                "old": unsigned.old,
                "new": unsigned.new,
                "sign": unsigned.new_sign.hex(),
                "box": unsigned.new_box.hex(),
                "sig": signature.hex(),
            }
        )
    return out


def parse(raw: Any) -> list[Statement]:
    """The well-formed statements of a manifest's ``succession`` list (others ignored)."""
    if not isinstance(raw, list):
        return []
    found: list[Statement] = []
    for item in raw[:MAX_STATEMENTS]:
        try:
            st = Statement(
                str(item["old"]),
                str(item["new"]),
                bytes.fromhex(str(item["sign"])),
                bytes.fromhex(str(item["box"])),
                bytes.fromhex(str(item["sig"])),
            )
        except (KeyError, TypeError, ValueError):
            continue
        if len(st.new_sign) == 32 and len(st.new_box) == 32 and node_id_for(st.new_sign) == st.new:
            found.append(st)
    return found


def _trusted_starts(conn: Connection) -> dict[str, bytes]:
    """Identities whose signature may vouch for a successor: this PC's own (current or
    former: a copy of this very folder) and every trusted, unrevoked office."""
    from desktop.sync import certs  # certs builds on trust

    starts = {
        str(r.node_id): bytes(r.sign_public)
        for r in conn.exec_driver_sql("SELECT node_id, sign_public FROM sync_node").all()
    }
    for peer in trust.list_peers(conn):
        if not peer.trusted or peer.revoked_after is not None:
            continue
        if peer.certified_by is not None and certs.root_revoked(conn, peer.certified_by):
            continue
        key = trust.sign_key(conn, peer.node_id)
        if key is not None:
            starts[peer.node_id] = key
    return starts


def chain(conn: Connection, sender: str, manifest: dict[str, Any]) -> list[Statement] | None:
    """The statements leading from an identity this PC trusts to ``sender``, or None."""
    known = _trusted_starts(conn)
    if sender in known:
        return []
    stmts = parse(manifest.get(MANIFEST_KEY))
    via: dict[str, Statement] = {}
    grew = True
    while grew and sender not in via:
        grew = False
        for st in stmts:
            if st.new in known or st.old not in known:
                continue
            if crypto.verify(known[st.old], st.signature, st.message()):
                known[st.new] = st.new_sign
                via[st.new] = st
                grew = True
    if sender not in via:
        return None
    path: list[Statement] = []
    node = sender
    while node in via:
        path.append(via[node])
        node = via[node].old
    return list(reversed(path))


def why_not(conn: Connection, sender: str, manifest: dict[str, Any]) -> str:
    """Why a sender's succession statements (if any) do not make it trusted here."""
    stmts = [st for st in parse(manifest.get(MANIFEST_KEY)) if st.new == sender]
    if not stmts:
        return ""
    old = stmts[0].old
    peer = trust.get_peer(conn, old)
    if peer is None or not peer.trusted:
        reason = "本机也没有登记该原节点"
    elif peer.revoked_after is not None:
        reason = "该原节点已被本机撤销信任"
    else:
        reason = "接替声明的签名无效"
    return (
        f"该包声明它接替节点 {old[:8]}…（换了新身份的同一单位），但{reason}，"
        "因此不能凭接替声明接受它。"
    )


def _name_of(conn: Connection, node: str) -> str:
    value = conn.exec_driver_sql(
        "SELECT coalesce((SELECT name FROM sync_peer WHERE node_id = :n), "
        "(SELECT name FROM sync_node WHERE node_id = :n), '')",
        {"n": node},
    ).scalar()
    return str(value or "")


def describe(conn: Connection, path: list[Statement]) -> list[str]:
    """One line per successor not yet trusted here, for the preview and the result."""
    lines: list[str] = []
    for st in path:
        peer = trust.get_peer(conn, st.new)
        if peer is not None and peer.trusted:
            continue
        name = _name_of(conn, st.old) or "未命名单位"
        lines.append(
            f"单位「{name}」换了新身份（电脑更换、数据复制或从备份恢复）：新节点 {st.new[:8]}…"
            f"（指纹 {fingerprint(st.new_sign)}）接替节点 {st.old[:8]}…，由原节点的密钥签名证明。"
            "本机信任新节点，无需重新登记。"
        )
    return lines


def remember(conn: Connection, path: list[Statement]) -> None:
    """Trust each successor as its predecessor was trusted (name, introducer setting,
    root certificate)."""
    for st in path:
        old = trust.get_peer(conn, st.old)
        conn.exec_driver_sql(
            "INSERT INTO sync_peer (node_id, name, sign_public, box_public, trusted, enrolled_at, "
            "certified_by, may_introduce) VALUES (:n, :name, :sp, :bp, 1, :at, :cb, :mi) "
            "ON CONFLICT(node_id) DO UPDATE SET trusted = 1, name = excluded.name, "
            "certified_by = excluded.certified_by, may_introduce = excluded.may_introduce",
            {
                "n": st.new,
                "name": _name_of(conn, st.old),
                "sp": st.new_sign,
                "bp": st.new_box,
                "at": clock.current().utcnow(),
                "cb": old.certified_by if old is not None else None,
                "mi": int(old.may_introduce) if old is not None else 0,
            },
        )
