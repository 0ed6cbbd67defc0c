"""Import pipeline: decrypt → verify → filter what is new → preview → apply atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from desktop import acting, clock
from desktop.errors import UnionDeskError, storage_error
from desktop.models.values import Invalid
from desktop.storage import bulk_rows, capture, engines, redaction
from desktop.storage import hlc as hlc_mod
from desktop.storage.database import Database
from desktop.sync import (
    certs,
    crypto,
    erasures,
    history,
    knowledge,
    merges,
    quarantine,
    replaced_photos,
    succession,
    trust,
    writer,
)
from desktop.sync import plan as plan_mod
from desktop.sync.identity import fingerprint, node_id_for
from desktop.sync.knowledge import VersionVector
from desktop.sync.origins import INTRODUCER, REFUSED, ROOT_CERT, SUCCESSION, NewOrigin
from desktop.sync.package_format import Package, read_package
from desktop.sync.segments import Change, Segment

MAX_PACKAGE_FILE = 2 << 30
_FIELDS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
Hook = Callable[[str], None]


@dataclass
class Loaded:
    path: Path
    package: Package
    segments: list[Segment]
    new_changes: list[Change]
    contexts: dict[tuple[str, int], VersionVector]
    own: bool
    warnings: list[str] = field(default_factory=list)
    ack_only: bool = False
    judged: dict[tuple[str, int], tuple[Invalid, ...]] = field(default_factory=dict)
    """Invalid values of the new changes, as decoding found them (``values``)."""
    up_to_date: bool = False
    """Every change (and attachment) in it is held already: it came by another path too
    (relays) or was imported before. Importing it records only what it says about the
    sender's knowledge."""
    replayed: bool = False  # this very package was imported before: nothing to record
    successors: list[succession.Statement] = field(default_factory=list)
    """Succession statements that make the sender trusted here (recorded on import)."""
    certified: dict[str, str] = field(default_factory=dict)
    """Relayed origins taken on a root's certificate (origin → certificate)."""
    relayed_successors: dict[str, list[succession.Statement]] = field(default_factory=dict)
    """Relayed origins taken as the new identity of an office trusted here."""
    origins: list[NewOrigin] = field(default_factory=list)
    """Every origin this PC never enrolled that the package brings (taken or refused)."""
    erased: int = 0
    """Persons this apply erased (a received tombstone, or rows about an erased person),
    plus files of an erased person it did not keep: the file's write-ahead log is
    emptied after the commit (``storage.redaction``)."""


@dataclass
class ImportResult:
    package_id: str
    sender: str
    sender_fingerprint: str
    dry_run: bool
    nothing_new: bool
    counts: dict[str, int]
    warnings: list[str]
    backup: str | None = None
    ack_only: bool = False
    """An acknowledgement-only package (回执): importing it records what the sender has
    received and changes no data."""
    up_to_date: bool = False
    """已是最新: nothing in the package is new here. A success: what it says about the
    sender's knowledge is still recorded, so the next export to the sender is right."""
    origins: list[NewOrigin] = field(default_factory=list)
    """Offices this PC never enrolled whose changes the package brings: each with its
    fingerprint and who vouched for it, or why it was refused (the preview lists them)."""


def _read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_FILE:
            raise UnionDeskError(f"同步包 {path.name} 超过大小上限，未做任何改动。")
        return path.read_bytes()
    except OSError as exc:
        raise storage_error(exc, path=path) or UnionDeskError(f"无法读取同步包 {path}") from exc


def decrypt_and_verify(conn: Connection, path: Path, materialize: bool = True) -> Package:
    """Decrypt and check everything; ``materialize`` false skips building the changes."""
    name = path.name
    env = crypto.read_envelope(_read_file(path), name)
    keys = trust.self_keys(conn)
    node, box_private = keys.node_id, keys.box_private
    if node not in env.recipients:
        # sealed for a former identity of this database (a package made before the sender
        # learnt that this office was restored or copied): its key is still held here
        former = conn.exec_driver_sql(
            "SELECT node_id, box_private FROM sync_node WHERE is_self = 0 "
            "AND box_private IS NOT NULL ORDER BY retired_at DESC"
        ).all()
        for old, old_private in former:
            if str(old) in env.recipients:
                node, box_private = str(old), bytes(old_private)
                break
    inner = crypto.open_sealed(env, node, box_private, name)

    def successor(sender: str, pub: bytes, cert: bytes | None, manifest: dict[str, Any]) -> None:
        _check_successor(conn, name, sender, pub, cert, manifest)

    return read_package(
        inner,
        name,
        lambda sender, pub, cert: trust.check_sender(conn, name, sender, pub, cert),
        lambda origin: trust.sign_key(conn, origin),
        materialize,
        successor,
    )


def _check_successor(
    conn: Connection,
    name: str,
    sender: str,
    pub: bytes,
    cert: bytes | None,
    manifest: dict[str, Any],
) -> None:
    """Accept a sender ``check_sender`` refused if a trusted identity signed that it
    succeeds it (``succession``); otherwise refuse as before, saying why not."""
    if succession.chain(conn, sender, manifest) is not None:
        return
    try:
        trust.check_sender(conn, name, sender, pub, cert)
    except UnionDeskError as exc:
        extra = succession.why_not(conn, sender, manifest)
        raise UnionDeskError(exc.message + extra if extra else exc.message) from None


def _check_sender_again(conn: Connection, name: str, pkg: Package) -> None:
    try:
        trust.check_sender(conn, name, pkg.sender, pkg.sender_sign, pkg.sender_cert)
    except UnionDeskError:
        _check_successor(conn, name, pkg.sender, pkg.sender_sign, pkg.sender_cert, pkg.manifest)


class _Vouching:
    """Which relayed origins a package may bring (issue: any trusted office could
    introduce any number of offices nobody enrolled).

    An origin this PC never enrolled is taken only from a sender the clerk allowed to
    introduce others (``sync introducer``; roots by default) and not revoked, on a root's
    certificate relayed with it, or on the succession statements relayed with it when an
    office trusted here signed that it is that office's new identity; every one is listed
    (``origins``) with its fingerprint and who vouched, or why it was refused. An origin
    known only because a now revoked office introduced it is no longer taken from anyone.
    """

    def __init__(self, conn: Connection, pkg: Package) -> None:
        self._conn = conn
        self._pkg = pkg
        sender = trust.get_peer(conn, pkg.sender)
        self._sender_revoked = sender is not None and sender.revoked_after is not None
        self._may = not self._sender_revoked and (
            (sender is not None and sender.may_introduce) or pkg.sender in certs.root_nodes(conn)
        )
        self._sender_name = sender.name if sender is not None else ""
        self._told: set[str] = set()
        self._statements = succession.for_origins(pkg.manifest)
        self._reachable: dict[str, succession.Statement] | None = None
        self.by_cert: dict[str, str] = {}
        """Origins taken on a root's certificate relayed with them."""
        self.by_succession: dict[str, list[succession.Statement]] = {}
        """Origins taken as the new identity of an office trusted here (relayed statements)."""
        self.origins: list[NewOrigin] = []
        """Every origin this PC never enrolled that the package brings, taken or not."""

    def _card(self, origin: str) -> dict[str, Any]:
        card = self._pkg.manifest.get("keys", {}).get(origin)
        return card if isinstance(card, dict) else {}

    def _fingerprint(self, origin: str) -> str:
        try:
            return fingerprint(bytes.fromhex(str(self._card(origin).get("sign", ""))))
        except ValueError:
            return "（未知）"

    def _list(
        self,
        origin: str,
        name: str,
        vouched: str,
        voucher: str,
        voucher_name: str,
        text: str,
        reason: str = "",
    ) -> None:
        fp = self._fingerprint(origin)
        self.origins.append(
            NewOrigin(origin, fp, name, vouched, voucher, voucher_name, text, reason)
        )

    def _given_name(self, origin: str) -> str:
        """The name the sender gives an origin (its own label, not checked here)."""
        name = self._card(origin).get("name")
        return name[:100] if isinstance(name, str) else ""

    def certified(self, origin: str) -> certs.Certificate | None:
        """A root this PC accepts vouches for ``origin`` by the certificate relayed with it."""
        card = self._card(origin)
        try:
            sign_pub = bytes.fromhex(str(card.get("sign", "")))
        except ValueError:
            return None
        return certs.vouches(self._conn, card.get("cert"), origin, sign_pub)

    def _successor(self, origin: str, first: bool, warnings: list[str]) -> bool:
        """Taken as the new identity of an office trusted here, on the relayed statements."""
        if origin in self.by_succession:
            return True
        if not any(st.new == origin for st in self._statements):
            return False
        if self._reachable is None:  # once per package: each signature checked once
            self._reachable = succession.reachable(self._conn, self._statements)
        path = succession.path_in(self._reachable, origin)
        if not path:
            return False
        self.by_succession[origin] = path
        if first:
            lines = succession.describe(self._conn, path)
            text = "经发送单位转来：" + "".join(lines[-1:])
            warnings.append(text)
            old = path[0].old
            predecessor = trust.get_peer(self._conn, old)
            office = predecessor.name if predecessor is not None else ""
            self._list(origin, office, SUCCESSION, old, office, text)
        return True

    def accepts(self, origin: str, peer: trust.Peer | None, warnings: list[str]) -> bool:
        first = origin not in self._told
        self._told.add(origin)
        who = f"节点 {origin[:8]}…，指纹 {self._fingerprint(origin)}"
        why_not = ""
        if peer is None or not peer.trusted:
            if self._successor(origin, first, warnings):
                return True
            why_not = succession.why_not_for(self._conn, origin, self._statements, "它声明")
            if why_not and succession.old_revoked(self._conn, origin, self._statements):
                # the new identity of an office revoked here is that office: nobody's word
                # brings it (once trusted itself, revoking its old key later is fine)
                if first:
                    text = f"跳过未登记单位（{who}）的修改：{why_not}"
                    warnings.append(text)
                    self._list(origin, self._given_name(origin), REFUSED, "", "", text, why_not)
                return False
        if peer is None or (not peer.trusted and peer.introduced_by is not None):
            cert = self.certified(origin)
            if cert is not None:
                if first:
                    text = (
                        f"新来源单位（{who}）：凭本机认可的上级单位（节点 {cert.issuer[:8]}…）"
                        "签发的单位证书接收，首次收到它的修改。"
                    )
                    warnings.append(text)
                    root = trust.get_peer(self._conn, cert.issuer)
                    root_name = root.name if root is not None else ""
                    self._list(origin, cert.name, ROOT_CERT, cert.issuer, root_name, text)
                self.by_cert[origin] = str(
                    self._pkg.manifest["keys"][origin]["cert"]
                )  # checked just now
                return True
        if peer is not None and peer.certified_by is not None:
            if certs.root_revoked(self._conn, peer.certified_by):
                if first:
                    reason = (
                        f"为它签发证书的上级单位（节点 {peer.certified_by[:8]}…）已不再被本机认可。"
                    )
                    text = (
                        f"跳过单位（节点 {origin[:8]}…，指纹 {peer.fingerprint}）的修改：{reason}"
                    )
                    warnings.append(text)
                    self._list(origin, peer.name, REFUSED, "", "", text, reason)
                return False
        if peer is None:
            if self._may:
                if first:
                    text = f"新来源单位（{who}）：由发送单位引荐，首次收到它的修改。"
                    warnings.append(text)
                    self._list(
                        origin,
                        self._given_name(origin),
                        INTRODUCER,
                        self._pkg.sender,
                        self._sender_name,
                        text,
                    )
                return True
            if first:
                why = (
                    "发送单位已被撤销信任，不能再引荐其他单位"
                    if self._sender_revoked
                    else "本机没有允许发送单位引荐其他单位"
                )
                reason = (
                    f"它由发送单位转来，{why}。{why_not}如需接收，"
                    "请电话核对指纹后登记该单位的密钥卡，"
                    "或用“允许引荐”（sync introducer）允许发送单位引荐。"
                )
                text = f"跳过未登记单位（{who}）的修改：{reason}"
                warnings.append(text)
                self._list(origin, self._given_name(origin), REFUSED, "", "", text, reason)
            return False
        if not peer.trusted and peer.introduced_by is not None:
            introducer = trust.get_peer(self._conn, peer.introduced_by)
            if introducer is None or introducer.revoked_after is not None:
                if first:
                    reason = (
                        f"它由已撤销信任的单位（节点 {peer.introduced_by[:8]}…）引荐，"
                        "本机未直接登记它。"
                    )
                    text = (
                        f"跳过单位（节点 {origin[:8]}…，指纹 {peer.fingerprint}）的修改：{reason}"
                    )
                    warnings.append(text)
                    self._list(origin, peer.name, REFUSED, "", "", text, reason)
                return False
        return True


def _former_selves(conn: Connection) -> set[str]:
    """This database's former identities (before a copy or restore took a fresh one).

    Their changes are someone else's now: the counters held here are skipped like any
    held change, and those not held (written after the backup, or by the original of a
    copy) are accepted back from whoever relays them."""
    return set(knowledge.retired_selves(conn))


def load(conn: Connection, path: Path, verified: Package | None = None) -> Loaded:
    """Check ``path`` (or its already ``verified`` content) against this database."""
    if verified is None:
        pkg = decrypt_and_verify(conn, path)
    else:  # same bytes as checked before: the sender's trust is checked again here
        pkg = verified
        _check_sender_again(conn, path.name, pkg)
    current = knowledge.self_node(conn)
    former = _former_selves(conn)
    own = pkg.sender == current
    loaded = Loaded(path, pkg, [], [], {}, own)
    if own:
        return loaded
    successors = succession.chain(conn, pkg.sender, pkg.manifest) or []
    loaded.successors = successors
    loaded.warnings += succession.describe(conn, successors)
    if history.seen_package(conn, pkg.package_id):
        # imported before: everything it says is recorded already (its changes, its
        # receipts), so a second import is a success that writes nothing
        loaded.up_to_date = loaded.replayed = True
        loaded.warnings.append(f"同步包 {path.name} 以前已经导入过，本机已是最新，未做任何改动。")
        return loaded
    peers: dict[str, trust.Peer | None] = {}
    vouch = _Vouching(conn, pkg)
    for seg in pkg.segments:
        if seg.origin == current:
            continue
        if seg.origin not in peers:
            peers[seg.origin] = trust.get_peer(conn, seg.origin)
        peer = peers[seg.origin]
        known_here = seg.origin == pkg.sender or seg.origin in former
        if not known_here and not vouch.accepts(seg.origin, peer, loaded.warnings):
            continue
        changes = seg.changes
        if peer is not None and peer.revoked_after is not None and seg.last > peer.revoked_after:
            if seg.origin == pkg.sender:
                # made by the revoked key after its cutoff: nothing in it is believed
                raise UnionDeskError(
                    f"同步包 {path.name} 来自已撤销信任的单位（节点 {seg.origin[:8]}…，指纹 "
                    f"{peer.fingerprint}），含有其计数 {peer.revoked_after} 之后的修改，已拒绝。"
                    "未做任何改动。"
                )
            loaded.warnings.append(
                f"跳过已撤销信任的节点 {seg.origin[:8]}… 在计数 {peer.revoked_after} 之后的修改。"
            )
            # a relayed run across the cutoff: what it wrote up to the cutoff is still its own
            changes = [ch for ch in seg.changes if ch.counter <= peer.revoked_after]
            if not changes:
                continue
        have = {
            int(counter)
            for counter in conn.exec_driver_sql(
                "SELECT counter FROM sync_change WHERE node_id = :n AND counter BETWEEN :a AND :b",
                {"n": seg.origin, "a": seg.first, "b": seg.last},
            ).scalars()
        }
        if changes is seg.changes:  # a run cut at a cutoff is not relayed from here
            loaded.segments.append(seg)
        for counter, problems in seg.invalid.items():
            loaded.judged[(seg.origin, counter)] = problems
        for ctx, vv in seg.contexts.items():
            loaded.contexts[(seg.origin, ctx)] = vv
        if not have and changes is seg.changes and seg.last - seg.first + 1 == len(changes):
            # nothing of this run held yet (a first sync): counters in a decoded segment
            # are first..last, each once, so every change is new
            loaded.new_changes.extend(changes)
            continue
        for change in changes:
            if change.counter not in have:
                have.add(change.counter)
                loaded.new_changes.append(change)
    # an erased person's values never come back, from any package (``sync.erasures``)
    loaded.new_changes = erasures.blank_incoming(conn, loaded.new_changes)
    loaded.certified = vouch.by_cert
    loaded.relayed_successors = vouch.by_succession
    loaded.origins = vouch.origins
    loaded.warnings += clock_warnings(conn, loaded.new_changes)
    new_attachments = [
        sha
        for sha in pkg.attachments
        if conn.exec_driver_sql("SELECT 1 FROM attachments WHERE sha256 = :s", {"s": sha}).first()
        is None
    ]
    if not pkg.manifest["ranges"] and not pkg.attachments:
        # acknowledgement only: the sender had nothing new, it only tells what it has received
        loaded.ack_only = True
        return loaded
    if not loaded.new_changes and not new_attachments:
        # the same changes reached this PC by another path (a relay) first: nothing to
        # apply, but the sender's version vector still tells what it holds
        loaded.up_to_date = True
    return loaded


_DAY_MS = 86_400_000


def _date_of(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d")


def clock_warnings(conn: Connection, new_changes: list[Change]) -> list[str]:
    """What the clerk should know about dates: never a reason to refuse a package.

    This PC's date is judged wrong when it lies before the date this version was made, or
    when the package holds changes far ahead and so does this PC's own record (its clock
    or its own earlier writes, which never ran more than a day past the date it had): the
    date was set back, and the far-ahead changes are no fault of their senders. Otherwise
    each office whose changes lie over a day ahead is named, with how far.
    """
    now = hlc_mod.now_hlc()
    now_ms = hlc_mod.millis(now)
    own = int(
        conn.exec_driver_sql(
            f"SELECT {engines.greatest(conn)}((SELECT hlc FROM sync_clock WHERE id = 1), "
            "coalesce((SELECT max(hlc) "
            "FROM sync_change WHERE node_id IN (SELECT node_id FROM sync_node)), 0))"
        ).scalar_one()
    )
    behind_own = hlc_mod.millis(own) - now_ms
    warnings: list[str] = []
    limit = hlc_mod.beyond(now, hlc_mod.FUTURE_TOLERANCE_MS)
    ahead: dict[str, tuple[int, int]] = {}
    for change in new_changes:
        if change.hlc >= limit:
            count, top = ahead.get(change.node, (0, 0))
            ahead[change.node] = (count + 1, max(top, change.hlc))
    today = _date_of(now_ms)
    set_back = bool(ahead) and behind_own > hlc_mod.MAX_AHEAD_MS
    if now_ms < hlc_mod.EARLIEST_PLAUSIBLE_MS or set_back:
        why = (
            "早于本软件版本的发布日期"
            if now_ms < hlc_mod.EARLIEST_PLAUSIBLE_MS
            else f"比本机以前记录的时间（{_date_of(hlc_mod.millis(own))}）还早约 "
            f"{behind_own // _DAY_MS} 天"
        )
        far = sum(count for count, _top in ahead.values())
        warnings.append(
            f"本机电脑的日期（{today}）有误：{why}。同步包已照常导入"
            + (f"（其中 {far} 条修改的时间比本机日期超前）" if far else "")
            + "。请把本机日期校正为正确的日期，以免本机新做的修改排序有误。"
        )
        return warnings
    for origin, (count, top) in sorted(ahead.items()):
        peer = trust.get_peer(conn, origin)
        office = peer.name if peer is not None and peer.name else "未命名单位"
        days = (hlc_mod.millis(top) - now_ms) // _DAY_MS
        warnings.append(
            f"来自「{office}」（节点 {origin[:8]}…）的 {count} 条修改的时间比本机日期（{today}）"
            f"超前约 {days} 天，最晚到 {_date_of(hlc_mod.millis(top))}：该单位电脑的日期可能"
            "设置错误。修改已照常导入；本机时钟不会跟着跳到将来。请提醒该单位校正电脑日期。"
        )
    return warnings


def _result(loaded: Loaded, plan: plan_mod.Plan | None, dry_run: bool) -> ImportResult:
    pkg = loaded.package
    counts = asdict(plan.counts) if plan is not None else asdict(plan_mod.Counts())
    if plan is not None and not loaded.up_to_date:
        counts["attachments"] = len(pkg.attachments)
    return ImportResult(
        package_id=pkg.package_id,
        sender=pkg.sender,
        sender_fingerprint=fingerprint(pkg.sender_sign),
        dry_run=dry_run,
        nothing_new=plan is None,
        counts=counts,
        warnings=loaded.warnings + (plan.warnings if plan is not None else []),
        ack_only=loaded.ack_only,
        up_to_date=loaded.up_to_date,
        origins=list(loaded.origins),
    )


def preview(db: Database, path: Path) -> ImportResult:
    """Dry run: every check and the full plan, inside a read-only transaction."""
    with db.connect(write=False) as conn:
        loaded = load(conn, path)
        if loaded.own:
            return _result(loaded, None, True)
        if loaded.ack_only or loaded.up_to_date:
            return _result(loaded, plan_mod.Plan(), True)
        plan = plan_mod.build(conn, loaded.new_changes, loaded.contexts, loaded.judged)
        return _result(loaded, plan, True)


def import_file(db: Database, path: Path, hook: Hook | None = None) -> ImportResult:
    """Verify, back up, then apply in one transaction and store a receipt."""
    with db.connect(write=False) as conn:
        loaded = load(conn, path)
    if loaded.own:
        return _result(loaded, None, False)
    if loaded.ack_only or loaded.up_to_date:
        return _import_ack(db, path, loaded.package, hook)
    # the hub is backed up by its administrator (pg_dump); one transaction per package
    # is what leaves it as it was when an import fails or its connection is lost
    acting.require(acting.WRITE)  # before the backup (it would rotate an older one out)
    backup = None if engines.is_postgres(db.engine) else db.backup("before-sync-import")
    with db.connect() as conn:
        engines.serialise_intake(conn)
        # again under the write lock, reusing the decrypted and verified content
        loaded = load(conn, path, loaded.package)
        if loaded.ack_only or loaded.up_to_date:
            # another import brought these changes meanwhile (a relay of the same
            # office's changes, imported at once by another clerk or process)
            return _record_ack(conn, loaded, hook)
        plan = plan_mod.build(conn, loaded.new_changes, loaded.contexts, loaded.judged)
        apply(conn, loaded, plan, hook)
        result = _result(loaded, plan, False)
        result.backup = None if backup is None else str(backup)
        _record(conn, loaded, result, {})
        if hook is not None:
            hook("before-commit")
    if loaded.erased:
        redaction.truncate_wal(db)
    return result


def _import_ack(db: Database, path: Path, verified: Package, hook: Hook | None) -> ImportResult:
    """Record what the sender has received (a receipt, or a package whose changes are all
    here already); no data row changes, so no backup is taken."""
    with db.connect() as conn:
        engines.serialise_intake(conn)
        loaded = load(conn, path, verified)  # trust and "already imported" checked again
        if not (loaded.ack_only or loaded.up_to_date):
            # only a restore of this database between the two reads can get here
            raise UnionDeskError(
                f"导入同步包 {path.name} 时本机数据发生了变化，请重新导入。未做任何改动。"
            )
        return _record_ack(conn, loaded, hook)


def _record_ack(conn: Connection, loaded: Loaded, hook: Hook | None) -> ImportResult:
    """What an acknowledgement, or a package whose changes are all here, leaves behind."""
    result = _result(loaded, plan_mod.Plan(), False)
    if not loaded.replayed:
        _remember_sender(conn, loaded.package)
        record_acks(conn, loaded.package)
        erasures.record_wants(conn, loaded.package.sender, loaded.package.manifest)
        erasures.keep_segments(conn, loaded.segments, _now())
        kind = {"ack_only": True} if loaded.ack_only else {"up_to_date": True}
        _record(conn, loaded, result, kind)
    if hook is not None:
        hook("before-commit")
    return result


def _record(conn: Connection, loaded: Loaded, result: ImportResult, kind: dict[str, bool]) -> None:
    history.record(
        conn,
        loaded.package.package_id,
        "in",
        loaded.package.sender,
        loaded.path.name,
        {"counts": result.counts, "warnings": result.warnings, **kind},
    )


def _remember_sender(conn: Connection, pkg: Package) -> None:
    """A sender accepted on its office certificate, or as the successor of an office
    trusted here (``succession``), becomes a known, trusted office; an office
    certificate is kept to travel with its changes when this PC relays them."""
    if pkg.sender_cert is not None:
        certs.keep(conn, pkg.sender_cert, pkg.sender, pkg.sender_sign)
    # its succession statements travel on with its changes when this PC relays them
    own_statements = succession.parse(pkg.manifest.get(succession.MANIFEST_KEY))
    succession.keep(conn, succession.verified(conn, own_statements))
    successors = succession.chain(conn, pkg.sender, pkg.manifest)
    if successors:
        succession.remember(conn, successors)
        return
    if pkg.sender_cert is not None:
        peer = trust.get_peer(conn, pkg.sender)
        if peer is None or not peer.trusted:
            certs.remember(conn, pkg.sender_cert)


def record_acks(conn: Connection, pkg: Package) -> None:
    """The sender's version vector: what it holds now, so later exports to it skip that.

    The latest declaration replaces what it said before, even downwards: an office
    restored from a backup declares less than it once acknowledged, and whatever it no
    longer holds is sent again. (A package delivered late declares less than a newer
    one; that costs one redundant re-send, which is 「已是最新」 at the receiver.)
    """
    rows = [
        (pkg.sender, str(origin), counter)
        for origin, counter in pkg.manifest.get("vv", {}).items()
        if isinstance(counter, int)
    ]
    conn.exec_driver_sql("DELETE FROM sync_ack WHERE peer = ?", (pkg.sender,))
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO sync_ack (peer, origin, counter) VALUES (?, ?, ?) "
            "ON CONFLICT(peer, origin) DO UPDATE SET counter = excluded.counter",
            rows,
        )


def _now() -> datetime:
    return clock.current().utcnow()


def apply(conn: Connection, loaded: Loaded, plan: plan_mod.Plan, hook: Hook | None) -> None:
    pkg = loaded.package
    capture.set_capturing(conn, False)
    tombstones = erasures.before_apply(conn, plan)
    unsure = writer.apply_rows(conn, plan)
    if hook is not None:
        hook("rows-applied")
    encode = _FIELDS_JSON.encode
    bulk_rows.insert_rows(
        conn,
        "sync_change",
        ("node_id", "counter", "hlc", "ctx", "tbl", "row_id", "fields"),
        [
            (c.node, c.counter, c.hlc, c.ctx, c.tbl, c.row_id, encode(c.fields))
            for c in plan.new_changes
        ],
        ignore_existing=True,
    )
    ctx_rows = [
        (node, ctx, json.dumps(vv, sort_keys=True)) for (node, ctx), vv in loaded.contexts.items()
    ]
    if ctx_rows:
        conn.exec_driver_sql(
            engines.insert_ignoring(
                conn, "INSERT OR IGNORE INTO sync_context (node_id, ctx, vv) VALUES (?, ?, ?)"
            ),
            ctx_rows,
        )
    now = _now()
    for seg in loaded.segments:
        conn.exec_driver_sql(
            engines.insert_ignoring(
                conn,
                "INSERT OR IGNORE INTO sync_segment (origin, first, last, payload, signature, "
                "stored_at) VALUES (:o, :a, :b, :p, :s, :at)",
            ),
            {
                "o": seg.origin,
                "a": seg.first,
                "b": seg.last,
                "p": seg.payload,
                "s": seg.signature,
                "at": now,
            },
        )
    for path in loaded.relayed_successors.values():
        # an office trusted here signed that this relayed origin is its new identity:
        # trusted as its predecessor was, and the statements are relayed on from here
        succession.remember(conn, path)
        succession.keep(conn, path)
    keys = pkg.manifest.get("keys", {})
    for origin in {s.origin for s in loaded.segments}:
        card = keys.get(origin)
        if isinstance(card, dict) and trust.sign_key(conn, origin) is None:
            try:
                sign_pub = bytes.fromhex(str(card.get("sign", "")))
                box_pub = bytes.fromhex(str(card.get("box", "")))
            except ValueError:
                continue
            if node_id_for(sign_pub) == origin and len(box_pub) == 32:
                trust.remember_origin(conn, origin, sign_pub, box_pub, pkg.sender)
    for origin, raw in loaded.certified.items():
        # vouched for by a root this PC accepts: a trusted office certified by that root
        certs.remember(conn, raw.encode("utf-8"))
        held_key = trust.sign_key(conn, origin)
        if held_key is not None:  # and passed on with its changes when relayed from here
            certs.keep(conn, raw.encode("utf-8"), origin, held_key)
    quarantine.record(conn, plan.quarantine, now)
    if plan.unpend:
        conn.exec_driver_sql(
            "DELETE FROM sync_pending WHERE tbl = ? AND row_id = ?", list(plan.unpend)
        )
    if plan.pending:
        conn.exec_driver_sql(
            engines.insert_replacing(
                conn,
                "INSERT OR REPLACE INTO sync_pending (tbl, row_id, missing_tbl, missing_id) "
                "VALUES (?, ?, ?, ?)",
                ("tbl", "row_id"),
                ("missing_tbl", "missing_id"),
            ),
            [(tbl, row_id, mtbl, mid) for (tbl, row_id), (mtbl, mid) in plan.pending.items()],
        )
    if plan.conflicts_upsert:
        # one statement per conflict in plan order (executemany runs them in list order)
        conn.exec_driver_sql(
            "INSERT INTO sync_conflict (tbl, row_id, field, win_node, win_counter, win_hlc, "
            "win_value, lose_node, lose_counter, lose_hlc, lose_value, detected_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(tbl, row_id, field, lose_node, lose_counter) DO UPDATE SET "
            "win_node = excluded.win_node, win_counter = excluded.win_counter, "
            "win_hlc = excluded.win_hlc, win_value = excluded.win_value, resolved_at = NULL",
            [
                (
                    tbl,
                    row_id,
                    conflict.key.field,
                    conflict.winner.node,
                    conflict.winner.counter,
                    conflict.winner.hlc,
                    json.dumps(conflict.win_value, ensure_ascii=False),
                    conflict.loser.node,
                    conflict.loser.counter,
                    conflict.loser.hlc,
                    json.dumps(conflict.lose_value, ensure_ascii=False),
                    now,
                )
                for tbl, row_id, conflict in plan.conflicts_upsert
            ],
        )
    if plan.conflicts_resolve:
        conn.exec_driver_sql(
            "UPDATE sync_conflict SET resolved_at = ? WHERE id = ?",
            [(now, cid) for cid in plan.conflicts_resolve],
        )
    for sha, (mime, blob) in pkg.attachments.items():
        conn.exec_driver_sql(
            engines.insert_ignoring(
                conn,
                "INSERT OR IGNORE INTO attachments (sha256, mime, size, data) "
                "VALUES (:s, :m, :n, :d)",
            ),
            {"s": sha, "m": mime or "application/octet-stream", "n": len(blob), "d": blob},
        )
    knowledge.refresh_knowledge(conn, {c.node for c in plan.new_changes})
    # a received clock is taken on only up to a day past this PC's date (hlc.MAX_AHEAD_MS)
    conn.exec_driver_sql(
        f"UPDATE sync_clock SET hlc = {engines.greatest(conn)}(hlc, :h) WHERE id = 1",
        {"h": hlc_mod.adoptable(plan.max_hlc)},
    )
    writer.reindex(conn, plan, unsure)
    _remember_sender(conn, pkg)
    record_acks(conn, pkg)
    knowledge.bump_context(conn)
    capture.set_capturing(conn, True)
    merges.redirect(conn, plan)  # edits of merged-away members land on the survivor
    loaded.erased = erasures.after_apply(conn, plan, tombstones)  # erased stay erased
    # an erased person's files, named only by changes blanked on arrival, are not kept
    loaded.erased += erasures.drop_unnamed_files(conn, list(pkg.attachments))
    erasures.judge_segments(conn, loaded.segments, now)  # none kept holds an erased value
    erasures.record_wants(conn, pkg.sender, pkg.manifest)
    replaced_photos.drop_replaced(conn, plan.new_changes)  # as the sender dropped them
