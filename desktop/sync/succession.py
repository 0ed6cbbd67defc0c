"""Succession: a copied or restored office keeps its partners' trust without re-enrolment.

When a database takes a fresh identity (``identity.rotate_identity``: copied to another
PC or folder, or restored from a backup) it still holds the keys of the identity it had.
Every package it sends carries, for each former identity, the statement "node NEW
succeeds node OLD" signed by OLD's private key. A partner that trusts OLD (enrolled, not
revoked) — or that is OLD itself, for a copy of its own folder — accepts NEW as a trusted
office on that signature: the key that was trusted vouches for the one that replaces it.
Chains (OLD → MID → NEW after two restores) are followed statement by statement.

Statements travel on with relays: an office that accepted a successor keeps the
statements that made it trusted (``keep``) and puts them, as signed, into every package
that relays the successor's changes (manifest ``relayed_succession``, at most
``MAX_RELAYED``). A third office that trusted OLD but receives NEW's changes only through
that relay checks them exactly as a direct statement (``chain_to``) and accepts NEW on
them; if it cannot, the message says why (``why_not``).

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
RELAYED_KEY = "relayed_succession"  # statements of the relayed origins (not the sender's)
MAX_RELAYED = 256  # per package: bounds what a relaying office can make a receiver check
_HELD = "sync_succession:"  # + new node: the statement that made it trusted here


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
            _as_dict(
                Statement(
                    unsigned.old, unsigned.new, unsigned.new_sign, unsigned.new_box, signature
                )
            )
        )
    return out


def _as_dict(st: Statement) -> dict[str, str]:
    return {
        "old": st.old,
        "new": st.new,
        "sign": st.new_sign.hex(),
        "box": st.new_box.hex(),
        "sig": st.signature.hex(),
    }


def keep(conn: Connection, path: list[Statement]) -> None:
    """Keep the statements that made successors trusted here, to relay them on."""
    for st in path:
        conn.exec_driver_sql(
            "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            {"k": _HELD + st.new, "v": json.dumps(_as_dict(st), sort_keys=True)},
        )


def verified(conn: Connection, stmts: list[Statement]) -> list[Statement]:
    """The statements whose signature holds under the key this PC has for the identity
    they replace (trusted or not: keeping one to relay on vouches for nothing here)."""
    good: list[Statement] = []
    for st in stmts:
        key = trust.sign_key(conn, st.old)
        if key is None:
            row = conn.exec_driver_sql(
                "SELECT sign_public FROM sync_node WHERE node_id = :n", {"n": st.old}
            ).first()
            key = bytes(row[0]) if row is not None else None
        if key is not None and crypto.verify(key, st.signature, st.message()):
            good.append(st)
    return good


def _held(conn: Connection, node: str) -> Statement | None:
    value = conn.exec_driver_sql(
        "SELECT value FROM app_settings WHERE key = :k", {"k": _HELD + node}
    ).scalar_one_or_none()
    if value is None:
        return None
    try:
        found = parse([json.loads(str(value))])
    except ValueError:
        return None
    return found[0] if found else None


def relayed(conn: Connection, origins: list[str]) -> list[dict[str, str]]:
    """The kept statements leading to each relayed origin (its whole chain), for a
    package's ``relayed_succession``: at most ``MAX_RELAYED``, nearest first."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for origin in sorted(origins):
        node = origin
        while node not in seen and len(out) < MAX_RELAYED:
            seen.add(node)
            st = _held(conn, node)
            if st is None:
                break
            out.append(_as_dict(st))
            node = st.old
    return out


def parse(raw: Any, limit: int = MAX_STATEMENTS) -> list[Statement]:
    """The well-formed statements of a manifest's ``succession`` list (others ignored)."""
    if not isinstance(raw, list):
        return []
    found: list[Statement] = []
    for item in raw[:limit]:
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
    return chain_to(conn, sender, parse(manifest.get(MANIFEST_KEY)))


def for_origins(manifest: dict[str, Any]) -> list[Statement]:
    """Every statement a package carries that may vouch for a relayed origin: those of
    the origins it relays, and the sender's own (checked alike)."""
    return parse(manifest.get(RELAYED_KEY), MAX_RELAYED) + parse(manifest.get(MANIFEST_KEY))


def chain_to(conn: Connection, sender: str, stmts: list[Statement]) -> list[Statement] | None:
    """The statements leading from an identity this PC trusts to ``sender``, or None:
    each signed by the key of the identity it replaces, starting from one trusted here."""
    if sender in _trusted_starts(conn):
        return []
    return path_in(reachable(conn, stmts), sender)


def reachable(conn: Connection, stmts: list[Statement]) -> dict[str, Statement]:
    """Every identity the statements lead to from one trusted here, with the statement
    that reaches it. Each statement's signature is checked at most once, so a package
    full of statements costs at most one check each (``MAX_RELAYED``)."""
    known = _trusted_starts(conn)
    via: dict[str, Statement] = {}
    checked: set[int] = set()
    grew = True
    while grew:
        grew = False
        for i, st in enumerate(stmts):
            if i in checked or st.new in known or st.old not in known:
                continue
            checked.add(i)
            if crypto.verify(known[st.old], st.signature, st.message()):
                known[st.new] = st.new_sign
                via[st.new] = st
                grew = True
    return via


def path_in(via: dict[str, Statement], node: str) -> list[Statement] | None:
    """The chain of statements ``reachable`` found for ``node``, oldest first, or None."""
    if node not in via:
        return None
    path: list[Statement] = []
    seen: set[str] = set()
    while node in via and node not in seen:
        seen.add(node)
        path.append(via[node])
        node = via[node].old
    return list(reversed(path))


def why_not(conn: Connection, sender: str, manifest: dict[str, Any]) -> str:
    """Why a sender's succession statements (if any) do not make it trusted here."""
    return why_not_for(conn, sender, parse(manifest.get(MANIFEST_KEY)), "该包声明它")


def old_revoked(conn: Connection, node: str, stmts: list[Statement]) -> bool:
    """Whether ``node`` states it succeeds an office revoked here: the same office, so
    it is not taken from anyone on another's word either."""
    for st in stmts:
        if st.new == node:
            peer = trust.get_peer(conn, st.old)
            if peer is not None and peer.revoked_after is not None:
                return True
    return False


def why_not_for(conn: Connection, node: str, stmts: list[Statement], who: str) -> str:
    """Why the statements naming ``node`` as successor do not make it trusted here
    ("" when there are none); ``who`` starts the sentence (该包声明它 / 它声明).
    Walks back a chain to the first identity this PC does not trust."""
    by_new = {st.new: st for st in stmts}
    st = by_new.get(node)
    if st is None:
        return ""
    first = st
    seen = {node}
    while st.old in by_new and st.old not in seen:  # an earlier restore: go back
        seen.add(st.old)
        st = by_new[st.old]
    peer = trust.get_peer(conn, st.old)
    if peer is None or not peer.trusted:
        reason = f"本机也没有登记原节点 {st.old[:8]}…"
    elif peer.revoked_after is not None:
        reason = f"原节点 {st.old[:8]}… 已被本机撤销信任"
    else:
        reason = "接替声明的签名无效（声明被改动，或不是原节点的密钥所签）"
    return (
        f"{who}接替节点 {first.old[:8]}…（换了新身份的同一单位），但{reason}，"
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
