"""The sync engine's public face for the CLI and the views: this office, its trusted
offices, certificates, packages, conflicts, quarantine and history.

Every function takes the ``Database`` and opens its own transaction, so a screen or a
command never holds a connection and never calls ``trust``/``certs``/``importer``
internals: a refusal reads the same in both, and the engine can change its tables
without touching the presentation. The engine's own records (``Peer``,
``ImportResult`` …) are re-exported here, so the presentation imports this module only.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection

from desktop.errors import UnionDeskError
from desktop.progress import CancelToken, ProgressFn, no_progress
from desktop.storage.database import Database
from desktop.sync import (
    certs,
    conflicts,
    crypto,
    export,
    history,
    identity,
    importer,
    intake,
    package_format,
    quarantine,
    trust,
)
from desktop.sync.certs import Certificate
from desktop.sync.conflicts import ConflictView
from desktop.sync.count_labels import ATTENTION, COUNT_LABELS, counts_text, receipt_text
from desktop.sync.export import ExportResult
from desktop.sync.history import Receipt
from desktop.sync.importer import Hook, ImportResult
from desktop.sync.intake import PageKey, ScannedApplication
from desktop.sync.origins import (
    INTRODUCER,
    NOTHING_TAKEN,
    REFUSED,
    ROOT_CERT,
    SUCCESSION,
    NewOrigin,
    any_refused,
)
from desktop.sync.quarantine import QuarantineEntry
from desktop.sync.trust import Peer

__all__ = [
    "ATTENTION",
    "COUNT_LABELS",
    "counts_text",
    "receipt_text",
    "NodeNames",
    "INTRODUCER",
    "NOTHING_TAKEN",
    "REFUSED",
    "ROOT_CERT",
    "SUCCESSION",
    "NewOrigin",
    "any_refused",
    "Certificate",
    "ConflictView",
    "ExportResult",
    "Hook",
    "ImportResult",
    "KeyCard",
    "KnownOffices",
    "OwnCertificate",
    "PageKey",
    "Peer",
    "PeerList",
    "QuarantineEntry",
    "Receipt",
    "ScannedApplication",
    "ThisOffice",
    "UnknownSender",
]


# -- this office ---------------------------------------------------------------------


@dataclass(frozen=True)
class ThisOffice:
    """What the 数据同步 page and ``sync id`` show; no key material."""

    node_id: str
    name: str
    fingerprint: str


def this_office(db: Database) -> ThisOffice:
    """Name, node and fingerprint of this PC, read without its private keys."""
    with db.connect(write=False) as conn:
        info = identity.node_info(conn)
        name = conn.exec_driver_sql(
            "SELECT name FROM sync_node WHERE node_id = :n", {"n": info.node_id}
        ).scalar_one()
    return ThisOffice(node_id=info.node_id, name=str(name or ""), fingerprint=info.fingerprint)


def key_card(db: Database) -> bytes:
    """This PC's self-signed public key card (to give to other offices)."""
    with db.connect(write=False) as conn:
        return trust.key_card(conn)


@dataclass(frozen=True)
class OwnCertificate:
    """This PC's installed office certificate: ``state`` is "none", "damaged" or
    "installed"; for an installed one, who signed it (the name this PC enrolled the
    issuer under, "" when unknown) and when."""

    state: Literal["none", "damaged", "installed"]
    issuer: str = ""
    issuer_name: str = ""
    issued_at: datetime | None = None


def _issued_at(cert: Certificate) -> datetime | None:
    issued = json.loads(cert.body).get("issued_at", "")
    try:
        return datetime.strptime(issued, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def own_certificate(db: Database) -> OwnCertificate:
    with db.connect(write=False) as conn:
        try:
            raw = certs.own(conn)
            cert = None if raw is None else certs.parse(raw, "本机证书")
        except UnionDeskError:
            return OwnCertificate("damaged")
        if cert is None:
            return OwnCertificate("none")
        peer = trust.get_peer(conn, cert.issuer)
    name = peer.name if peer is not None else ""
    return OwnCertificate("installed", cert.issuer, name, _issued_at(cert))


def _trust_audit(conn: Connection, detail: str) -> None:
    """A trust decision in the audit trail, in the caller's transaction."""
    from desktop.services import audit

    audit.record_in(conn, audit.SYNC_TRUST, detail)


def _office(peer: Peer) -> str:
    return f"{peer.name}（节点 {peer.node_id[:8]}，指纹 {peer.fingerprint}）"


def install_certificate(db: Database, path: Path) -> OwnCertificate:
    """Keep the certificate a higher-level union signed for this PC (one transaction)."""
    with db.connect() as conn:
        cert = certs.install(conn, path)
        peer = trust.get_peer(conn, cert.issuer)
        issuer = _office(peer) if peer is not None else f"节点 {cert.issuer[:8]}"
        _trust_audit(conn, f"安装上级单位证书：由 {issuer} 签发")
    name = peer.name if peer is not None else ""
    return OwnCertificate("installed", cert.issuer, name, _issued_at(cert))


def certify(db: Database, card: Path, checked_fingerprint: str, out: Path) -> Certificate:
    """Sign and save a certificate for a subordinate office's key card."""
    with db.connect() as conn:
        cert = certs.issue_to(conn, card, checked_fingerprint, out)
        _trust_audit(conn, f"为下级单位签发证书：{cert.name}（节点 {cert.node_id[:8]}）")
        return cert


# -- key cards -----------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCard:
    """Another office's key card, as a clerk checks it by phone."""

    node_id: str
    name: str
    fingerprint: str


def read_card(path: Path) -> KeyCard:
    """A key card's office and fingerprint (its self-signature checked); no database."""
    node, name, sign_public, _box = trust.read_card(path)
    return KeyCard(node, name, identity.fingerprint(sign_public))


def same_fingerprint(a: str, b: str) -> bool:
    """Fingerprints compared by their digits, as read over the phone."""
    return trust.digits(a) == trust.digits(b)


# -- trusted offices -----------------------------------------------------------------


@dataclass(frozen=True)
class PeerList:
    """Enrolled offices (trusted first, relayed origins last) and which are roots."""

    peers: list[Peer]
    roots: frozenset[str]


def peers(db: Database) -> PeerList:
    with db.connect(write=False) as conn:
        return PeerList(trust.list_peers(conn), frozenset(certs.root_nodes(conn)))


def get_peer(db: Database, node: str) -> Peer | None:
    with db.connect(write=False) as conn:
        return trust.get_peer(conn, node)


def enrol(db: Database, card: Path, checked_fingerprint: str, *, as_root: bool = False) -> Peer:
    """Enrol an office after the phone check; ``as_root`` also accepts it as a root (上级
    单位) in the same transaction, so a refused card leaves no root mark."""
    with db.connect() as conn:
        if as_root:
            peer = certs.enrol_root(conn, card, checked_fingerprint)
        else:
            peer = trust.enrol(conn, card, checked_fingerprint)
        what = "登记信任单位（上级单位）" if as_root else "登记信任单位"
        _trust_audit(conn, f"{what}：{_office(peer)}")
        return peer


def revoke(db: Database, node: str, after: int | None = None) -> Peer:
    with db.connect() as conn:
        peer = trust.revoke(conn, node, after)
        since = f"（--after {after}）" if after is not None else ""
        _trust_audit(conn, f"撤销信任：{_office(peer)}{since}")
        return peer


def set_introducer(db: Database, node: str, allowed: bool) -> Peer:
    with db.connect() as conn:
        peer = trust.set_introducer(conn, node, allowed)
        what = "允许转交其他单位" if allowed else "不再允许转交其他单位"
        _trust_audit(conn, f"{what}：{_office(peer)}")
        return peer


def remove_root(db: Database, node: str) -> str:
    """No longer accept an office as a root; returns its full node id."""
    with db.connect() as conn:
        full = certs.remove_root(conn, node)
        peer = trust.get_peer(conn, full)
        _trust_audit(conn, f"取消上级认可：{_office(peer) if peer else '节点 ' + full[:8]}")
        return full


@dataclass(frozen=True)
class KnownOffices:
    """Node ids that were this PC (now or before a new identity) and enrolled names."""

    own: frozenset[str]
    names: dict[str, str]


def known_offices(db: Database) -> KnownOffices:
    with db.connect(write=False) as conn:
        own = frozenset(
            str(r[0]) for r in conn.exec_driver_sql("SELECT node_id FROM sync_node").all()
        )
        found = trust.list_peers(conn)
    return KnownOffices(own, {p.node_id: p.name for p in found if p.name})


class NodeNames:
    """Node id → what a clerk calls that office: the name enrolled here, 本机, or a short
    id (a package's sender and an export's recipients are node ids; the window's 收发记录
    and ``uniondesk sync history`` name them the same way)."""

    def __init__(self, db: Database) -> None:
        known = known_offices(db)
        self.own = set(known.own)
        self.names = dict(known.names)

    def __call__(self, node: str) -> str:
        if node in self.own:
            return "本机"
        name = self.names.get(node)
        return name if name else f"节点 {node[:8]}"

    def many(self, nodes: str) -> str:
        """Comma-joined node ids (an export's recipients) as 「甲、乙」."""
        parts = [self(n) for n in nodes.split(",") if n]
        return "、".join(parts) if parts else "（仅本机）"


# -- packages ------------------------------------------------------------------------


def export_package(
    db: Database,
    out: Path,
    to: list[str] | None = None,
    full: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write one package (``desktop.sync.export.export``: its own transaction), then
    record it in the audit trail (file name, recipients, counts)."""
    result = export.export(db, out, to, full, progress, cancel)
    from desktop.services import audit

    kind = "回执" if result.ack_only else f"{result.changes} 项变更，{result.attachments} 个附件"
    audit.record(
        db,
        audit.SYNC_EXPORT,
        f"{Path(result.path).name}：{kind}；发往 {len(result.recipients)} 个单位"
        + ("（完整包）" if full else ""),
    )
    return result


def preview_import(db: Database, path: Path) -> ImportResult:
    """Decrypt, verify and plan without writing (a dry run)."""
    return importer.preview(db, path)


def import_package(db: Database, path: Path, hook: Hook | None = None) -> ImportResult:
    """Back up, then apply the package in one transaction; then record it in the audit
    trail (file name, counts; the records it changed are audited by the apply's commit)."""
    result = importer.import_file(db, path, hook)
    if result.up_to_date or result.nothing_new:
        # 已是最新: nothing changed, and the database stays byte-identical (the first
        # import of this package was recorded)
        return result
    from desktop.services import audit

    counts = counts_text(result.counts)
    state = "回执" if result.ack_only else counts or "无变更"
    audit.record(db, audit.SYNC_IMPORT, f"{path.name}：来自节点 {result.sender[:8]}；{state}")
    return result


#: What a completed import says about its backup on the hub (no file backup there).
HUB_NO_BACKUP = "总库不做文件备份（由数据库管理员用 pg_dump 备份）；本包在一个事务中导入"


def backup_line(result: ImportResult) -> str:
    """「导入前的备份：…」 for a completed import, on either engine."""
    return f"导入前的备份：{result.backup if result.backup is not None else HUB_NO_BACKUP}"


@dataclass(frozen=True)
class UnknownSender:
    node_id: str
    fingerprint: str


class _Stop(Exception):
    pass


def unknown_sender(db: Database, path: Path) -> UnknownSender | None:
    """After the engine refused a package: was it only because its sender is not
    enrolled? Runs the engine's first steps (decrypt, manifest signature) with a sender
    check that records the sender instead of refusing, then asks the engine's trust rule;
    gives the sender so the wizard can offer enrolment. Never writes."""
    seen: list[tuple[str, bytes, bytes | None]] = []

    def capture(sender: str, sign_public: bytes, cert: bytes | None) -> None:
        seen.append((sender, sign_public, cert))
        raise _Stop

    try:
        data = path.read_bytes()
        with db.connect(write=False) as conn:
            node, _sp, _sk, _bp, box_private, _n = trust.self_keys(conn)
            env = crypto.read_envelope(data, path.name)
            inner = crypto.open_sealed(env, node, box_private, path.name)
            try:
                package_format.read_package(inner, path.name, capture, lambda _o: None)
            except _Stop:
                pass
            if not seen:
                return None
            sender, sign_public, cert = seen[0]
            try:
                trust.check_sender(conn, path.name, sender, sign_public, cert)
            except UnionDeskError:
                return UnknownSender(sender, identity.fingerprint(sign_public))
    except (OSError, UnionDeskError):
        return None
    return None


# -- conflicts, quarantine, history --------------------------------------------------


def open_conflicts(db: Database) -> list[ConflictView]:
    """Open conflicts, after closing those later writes settled (a write transaction)."""
    with db.connect() as conn:
        conflicts.refresh(conn)
        return conflicts.list_open(conn)


def resolve_conflict(db: Database, conflict_id: int, value: object) -> None:
    """Settle a conflict on ``value``: a new change that syncs to the other offices."""
    with db.connect() as conn:
        conflicts.resolve(conn, conflict_id, value)


def quarantined(db: Database) -> list[QuarantineEntry]:
    with db.connect(write=False) as conn:
        return quarantine.list_all(conn)


def receipts(db: Database) -> list[Receipt]:
    with db.connect(write=False) as conn:
        return history.receipts(conn)


# -- phone applications (issue #24) ----------------------------------------------------


def application_page_key(db: Database) -> PageKey:
    """The office name, node id and public box key the application page embeds."""
    return intake.page_key(db)


def read_application_scan(
    db: Database, text: str, seen: Container[str] = frozenset()
) -> ScannedApplication:
    """A scanned phone application opened with this office's key and checked by the
    registry's rules; refused (UnionDeskError, no applicant data in the message) when it
    is not for this office, altered, from an old page, a card QR, or in ``seen``."""
    return intake.read_scan(db, text, seen)
