"""Office certificates: a higher-level union's root key vouches for an office's keys.

A district office enrols its federation's root key once (``sync trust … --root``); the
root's clerk checks each park's key card by fingerprint, as for enrolment, and signs a
certificate for it; the park installs that certificate and attaches it to every package.
The district then accepts the park's packages without enrolling it, and remembers it as
a trusted office "certified by" that root (so it can also send packages back to it).

What a certificate can and cannot do: it names one node and its two public keys and is
signed by the root's signing key (domain-separated from key cards and packages). It is
checked against the root key the district enrolled, never against a key it carries;
its subject must be the key that signed the package; a revoked root certifies nothing,
and offices it certified are refused from then on as well. The same holds for a root
whose root status was taken back (``remove_root``, ``sync unroot``: ticked by mistake, or
the higher-level union changed), while its own packages stay accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from desktop import clock
from desktop.errors import UnionDeskError, storage_error
from desktop.private_files import write_private
from desktop.sync import crypto, strictjson, trust
from desktop.sync.identity import fingerprint, node_id_for
from desktop.sync.package_format import CERT_ENTRY, MAX_CERT_BYTES

ENTRY = CERT_ENTRY  # the package entry carrying the sender's certificate

CERT_KIND = "uniondesk-cert"
_PREFIX = b"uniondesk-cert-v1\x00"
_OWN = "sync_certificate"
_ROOTS = "sync_roots"
_HELD = "sync_cert:"  # + node: certificates of other offices, to relay


@dataclass(frozen=True)
class Certificate:
    issuer: str
    node_id: str
    name: str
    sign_public: bytes
    box_public: bytes
    signature: bytes
    body: bytes  # canonical signed bytes


def parse(raw: bytes, where: str) -> Certificate:
    """Structure only; whether to believe it is ``check``'s job."""
    bad = UnionDeskError(f"{where} 不是有效的工会桌面通单位证书。")
    if len(raw) > MAX_CERT_BYTES:
        raise bad
    try:
        outer = strictjson.loads(raw)
        body = outer["cert"]
        sig = bytes.fromhex(outer["signature"])
        sign_pub = bytes.fromhex(body["sign_public"])
        box_pub = bytes.fromhex(body["box_public"])
        issuer, node = str(body["issuer"]), str(body["node_id"])
        name = str(body.get("name", ""))
    except (strictjson.StrictJSONError, KeyError, TypeError, ValueError) as exc:
        raise bad from exc
    if body.get("kind") != CERT_KIND or len(sign_pub) != 32 or len(box_pub) != 32:
        raise bad
    if node != node_id_for(sign_pub) or len(sig) != 64:
        raise bad
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Certificate(issuer, node, name, sign_pub, box_pub, sig, canonical)


def issue(conn: Connection, card: Path, expected_fingerprint: str) -> bytes:
    """Sign a certificate for the office whose key card the clerk checked by phone."""
    found = trust.read_card(card)
    node, name, sign_pub = found.node_id, found.name, found.sign_public
    actual = fingerprint(sign_pub)
    if trust.digits(expected_fingerprint) != trust.digits(actual):
        raise UnionDeskError(
            f"指纹不符：密钥卡 {card.name} 的指纹是 {actual}，与您输入的不一致。"
            "请与对方电话核对，未签发证书。"
        )
    keys = trust.self_keys(conn)
    issuer = keys.node_id
    if node == issuer:
        raise UnionDeskError("这是本机自己的密钥卡，无需签发证书。")
    body = {
        "kind": CERT_KIND,
        "version": 1,
        "issuer": issuer,
        "node_id": node,
        "name": name,
        "sign_public": sign_pub.hex(),
        "box_public": found.box_public.hex(),
        "issued_at": clock.current().utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sig = crypto.sign(keys.sign_private, _PREFIX + canonical)
    return json.dumps(
        {"cert": body, "signature": sig.hex()}, ensure_ascii=False, sort_keys=True, indent=1
    ).encode("utf-8")


def issue_to(conn: Connection, card: Path, expected_fingerprint: str, out: Path) -> Certificate:
    """Sign and save a certificate: what the CLI's ``certify`` and the GUI's button both do,
    so a refusal (wrong fingerprint, own card, unwritable folder) reads the same in both."""
    raw = issue(conn, card, expected_fingerprint)
    cert = parse(raw, "新证书")
    try:
        write_private(out, raw)  # key material: owner-only
    except OSError as exc:
        raise storage_error(exc, path=out) or UnionDeskError(
            f"无法写入证书 {out}，证书未保存。"
        ) from exc
    return cert


def enrol_root(conn: Connection, card: Path, expected_fingerprint: str) -> trust.Peer:
    """Enrol an office and accept it as a root in the caller's one transaction, so a
    refused card never leaves a root mark behind (CLI ``trust --root``, the enrol dialog)."""
    peer = trust.enrol(conn, card, expected_fingerprint)
    add_root(conn, peer.node_id)
    return peer


def install(conn: Connection, path: Path) -> Certificate:
    """Keep this PC's own certificate, to be attached to every package it exports.

    Its signature is checked when this PC knows the issuer's key; a PC that never enrolled
    its issuer can only check that the certificate names it (receivers check the rest).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise storage_error(exc, path=path) or UnionDeskError(f"无法读取证书 {path}") from exc
    cert = parse(raw, f"文件 {path.name}")
    keys = trust.self_keys(conn)
    node = keys.node_id
    if cert.node_id != node or cert.sign_public != keys.sign_public:
        raise UnionDeskError(
            f"证书 {path.name} 是签发给节点 {cert.node_id[:8]}… 的，不是本机（{node[:8]}…）。"
            "请把本机的密钥卡交给上级单位重新签发。未做任何改动。"
        )
    # The issuer's key is known when this PC enrolled it (the usual case: a park trusts
    # its district). Then a certificate edited by hand is refused here, at the clerk's
    # desk, rather than later by every office that receives this PC's packages.
    issuer_key = trust.sign_key(conn, cert.issuer)
    if issuer_key is not None and not crypto.verify(
        issuer_key, cert.signature, _PREFIX + cert.body
    ):
        raise UnionDeskError(
            f"证书 {path.name} 的签名与签发单位（节点 {cert.issuer[:8]}…）的密钥不符："
            "内容被改动过。请向上级单位重新索取。未做任何改动。"
        )
    _set(conn, _OWN, raw.decode("utf-8"))
    return cert


def own(conn: Connection) -> bytes | None:
    """This PC's certificate, if one is installed for its current identity."""
    raw = _get(conn, _OWN)
    if raw is None:
        return None
    cert = parse(raw.encode("utf-8"), "本机证书")
    keys = trust.self_keys(conn)
    mine = (cert.node_id, cert.sign_public) == (keys.node_id, keys.sign_public)
    return raw.encode("utf-8") if mine else None


def add_root(conn: Connection, node: str) -> None:
    """Let the enrolled office ``node`` certify others (its key is then a root key)."""
    roots = set(root_nodes(conn)) | {node}
    _set(conn, _ROOTS, json.dumps(sorted(roots)))


def remove_root(conn: Connection, node_prefix: str) -> str:
    """Take back root status from an office: it stays trusted for its own packages, but
    certifies nobody any more, and the offices accepted on its certificates are refused
    until enrolled directly (as after revoking it). Returns the office's node id."""
    roots = root_nodes(conn)
    matches = [n for n in roots if n.startswith(node_prefix)] if node_prefix else []
    if len(matches) != 1:
        raise UnionDeskError(
            f"找不到唯一的上级单位「{node_prefix}」（匹配 {len(matches)} 个），"
            "请输入更完整的节点编号。未做任何改动。"
        )
    node = matches[0]
    _set(conn, _ROOTS, json.dumps(sorted(set(roots) - {node})))
    return node


def root_nodes(conn: Connection) -> list[str]:
    raw = _get(conn, _ROOTS)
    return [str(n) for n in json.loads(raw)] if raw else []


def check(conn: Connection, raw: bytes, sender: str, sign_pub: bytes, where: str) -> Certificate:
    """The certificate proves ``sender`` (signing with ``sign_pub``) is vouched for."""
    cert = parse(raw, where)
    if cert.node_id != sender or cert.sign_public != sign_pub:
        raise UnionDeskError(f"{where} 附带的单位证书不是发给发送单位的，已拒绝。")
    root = trust.get_peer(conn, cert.issuer) if cert.issuer in root_nodes(conn) else None
    root_key = trust.sign_key(conn, cert.issuer) if root is not None else None
    if root is None or root_key is None or not root.trusted:
        raise UnionDeskError(
            f"{where} 附带的单位证书由本机不认可的上级单位（节点 {cert.issuer[:8]}…）签发。"
        )
    if root.revoked_after is not None:
        raise UnionDeskError(
            f"{where} 附带的单位证书的签发单位（节点 {cert.issuer[:8]}…）已被撤销信任。"
        )
    if not crypto.verify(root_key, cert.signature, _PREFIX + cert.body):
        raise UnionDeskError(f"{where} 附带的单位证书签名无效：内容被改动。")
    return cert


def remember(conn: Connection, raw: bytes) -> None:
    """After a package was accepted on its certificate (checked in this transaction): keep
    the office as trusted, certified by its root, so packages can be sent back to it.
    An office the clerk enrolled directly stays as enrolled."""
    cert = parse(raw, "单位证书")
    conn.exec_driver_sql(
        "INSERT INTO sync_peer (node_id, name, sign_public, box_public, trusted, enrolled_at, "
        "certified_by) VALUES (:n, :name, :sp, :bp, 1, :at, :by) ON CONFLICT(node_id) DO "
        "UPDATE SET trusted = 1, name = excluded.name, certified_by = excluded.certified_by "
        "WHERE sync_peer.trusted = 0",
        {
            "n": cert.node_id,
            "name": cert.name,
            "sp": cert.sign_public,
            "bp": cert.box_public,
            "at": clock.current().utcnow(),
            "by": cert.issuer,
        },
    )


def keep(conn: Connection, raw: bytes, node: str, sign_pub: bytes) -> None:
    """Keep the certificate an office attached to its package, so this PC can pass it on
    with that office's changes when it relays them (the chain travels with the records:
    a receiver that trusts the root takes the office without enrolling it). Kept only if
    it names that office and key; whether to believe it is each receiver's own check."""
    try:
        cert = parse(raw, "单位证书")
    except UnionDeskError:
        return
    if cert.node_id == node and cert.sign_public == sign_pub:
        _set(conn, _HELD + node, raw.decode("utf-8"))


def held(conn: Connection, node: str) -> str | None:
    """The certificate kept for ``node`` (``keep``), to travel with its relayed changes."""
    return _get(conn, _HELD + node)


def vouches(conn: Connection, raw: object, origin: str, sign_pub: bytes) -> Certificate | None:
    """The certificate relayed with ``origin``'s changes, if a root this PC accepts issued
    it for that very key; ``None`` otherwise (the origin is then judged as unvouched)."""
    if not isinstance(raw, str):
        return None
    try:
        return check(conn, raw.encode("utf-8"), origin, sign_pub, "单位证书")
    except UnionDeskError:
        return None


def root_revoked(conn: Connection, root: str) -> bool:
    """Whether an office certified by ``root`` has lost that backing: the root was revoked,
    or is no longer accepted as a root."""
    peer = trust.get_peer(conn, root)
    return (
        peer is None
        or not peer.trusted
        or peer.revoked_after is not None
        or root not in root_nodes(conn)
    )


def _get(conn: Connection, key: str) -> str | None:
    value = conn.exec_driver_sql(
        "SELECT value FROM app_settings WHERE key = :k", {"k": key}
    ).scalar_one_or_none()
    return None if value is None else str(value)


def _set(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        {"k": key, "v": value},
    )
