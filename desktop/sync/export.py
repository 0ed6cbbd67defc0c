"""Export: seal this node's new changes, pick what the recipients lack, write safely."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from desktop import clock
from desktop.errors import UnionDeskError, storage_error
from desktop.models.base import new_id
from desktop.private_files import clean_stale_beside, create_private
from desktop.progress import CancelToken, ProgressFn, no_progress
from desktop.storage import engines
from desktop.storage.database import Database
from desktop.storage.migrations import head_revision
from desktop.sync import (
    certs,
    crypto,
    erasures,
    history,
    knowledge,
    package_format,
    segments,
    succession,
    trust,
)
from desktop.sync.package_format import FORMAT_MAJOR, FORMAT_MINOR, seg_name

# Fields that name a blob in ``attachments`` by SHA-256: a member's photo, and the
# ``sha256`` of a link row (activity photos, legal-aid case documents).
ATTACHMENT_FIELDS = ("photo", "sha256")


@dataclass(frozen=True)
class ExportResult:
    path: str
    package_id: str
    recipients: list[str]
    segments: int
    changes: int
    attachments: int
    size: int
    ack_only: bool = False
    """Nothing the recipients lack: the package is an acknowledgement (回执) carrying only
    this node's version vector (signed and encrypted like any package), so the peer learns
    what this node has received and stops re-sending it."""


# Changes per sealed segment (``_seal``): a segment's JSON then parses in ~15 ms.
SEGMENT_CHANGES = 10_000


def seal_own(conn: Connection) -> int:
    """Sign this node's changes not yet in a segment; returns how many were sealed.

    Also a former identity's (before a copy or restore took a fresh one): writes it made
    here but never sent are sealed with its own key, which this database still holds, so
    they still reach the other offices.
    """
    keys = trust.self_keys(conn)
    node = keys.node_id
    counter = int(conn.exec_driver_sql("SELECT counter FROM sync_clock WHERE id = 1").scalar_one())
    sealed = 0
    for start, end in _gaps(conn, node, counter):
        # a range an erasure dropped (its segments held erased values) is sealed again
        # from the blanked log; usually the only gap is the run of new changes
        sealed += _seal(conn, node, keys.sign_private, start - 1, end)
    for old, old_private, written in conn.exec_driver_sql(
        # what the former identity had written here: its successor's first context
        f"SELECT o.node_id, o.sign_private, {engines.json_field(conn, 'c.vv', 'o.node_id')} "
        "FROM sync_node o JOIN sync_context c ON c.node_id = o.superseded_by AND c.ctx = 0 "
        "WHERE o.is_self = 0 AND o.sign_private IS NOT NULL ORDER BY o.node_id"
    ).all():
        if written:
            old = str(old)
            for start, end in _gaps(conn, old, int(written)):
                sealed += _seal(conn, old, bytes(old_private), start - 1, end)
    return sealed


def _gaps(conn: Connection, node: str, upto: int) -> list[tuple[int, int]]:
    """The runs of ``node``'s counters 1..``upto`` no stored segment covers."""
    gaps: list[tuple[int, int]] = []
    covered = 0
    for first, last in conn.exec_driver_sql(
        "SELECT first, last FROM sync_segment WHERE origin = :n ORDER BY first", {"n": node}
    ).all():
        if int(first) > covered + 1:
            gaps.append((covered + 1, min(int(first) - 1, upto)))
        covered = max(covered, int(last))
    if covered < upto:
        gaps.append((covered + 1, upto))
    return [(a, b) for a, b in gaps if a <= b]


def _seal(conn: Connection, node: str, sign_private: bytes, last: int, counter: int) -> int:
    """Seal ``node``'s changes ``last + 1 .. counter`` (held here) as segments of at most
    ``SEGMENT_CHANGES`` changes each.

    Why a cap: a receiver parses each segment's JSON and builds its changes in single C
    calls that hold the GIL throughout; a 100k-change segment (21 MB of JSON) froze the
    window for about 0.2 s during an import (docs/benchmarks.md, the responsiveness
    figures). Readers always took any number of consecutive segments.
    """
    if counter <= last:
        return 0
    for first in range(last + 1, counter + 1, SEGMENT_CHANGES):
        end = min(first + SEGMENT_CHANGES - 1, counter)
        payload = segments.encode_from_log(conn, node, first, end)
        conn.exec_driver_sql(
            "INSERT INTO sync_segment (origin, first, last, payload, signature, stored_at) "
            "VALUES (:o, :a, :b, :p, :s, :at)",
            {
                "o": node,
                "a": first,
                "b": end,
                "p": payload,
                "s": segments.sign_payload(sign_private, payload),
                "at": clock.current().utcnow(),
            },
        )
    return counter - last


def _recipients(conn: Connection, to: list[str] | None) -> dict[str, bytes]:
    peers = [p for p in trust.list_peers(conn) if p.trusted]
    chosen: dict[str, bytes] = {}
    if to:
        for wanted in to:
            match = [p for p in peers if p.node_id.startswith(wanted.lower())]
            if len(match) != 1:
                raise UnionDeskError(
                    f"收件单位「{wanted}」不是唯一的已登记信任单位"
                    f"（匹配 {len(match)} 个），未导出。"
                )
            if match[0].revoked_after is not None:
                # revoked: an office that left or whose key leaked gets no more data
                raise UnionDeskError(
                    f"收件单位「{match[0].name or match[0].node_id[:8]}」（节点 "
                    f"{match[0].node_id[:8]}…）已被撤销信任，不再向它发送数据。未导出。"
                )
            key = trust.box_key(conn, match[0].node_id)
            assert key is not None
            chosen[match[0].node_id] = key
    else:
        for p in peers:
            if p.revoked_after is None:
                key = trust.box_key(conn, p.node_id)
                assert key is not None
                chosen[p.node_id] = key
    return chosen


def _fsync_write(path: Path, data: bytes) -> None:
    create_private(path)  # 0600 before the first byte: the package names every member
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _clean_stale_packages(out: Path) -> None:
    """Remove the full-size ``*.udsync.tmp`` a killed export left in the target folder (on
    the stick): never a package, and it holds every row it was sealing."""
    clean_stale_beside(out)
    with contextlib.suppress(OSError):
        for stale in out.parent.glob("*.udsync.tmp"):
            stale.unlink(missing_ok=True)


_STEPS = 6  # progress: seal, select, attachments, pack, write, verify


def export(
    db: Database,
    out: Path,
    to: list[str] | None = None,
    full: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write one package for ``to`` (default: every trusted, unrevoked office).

    All in one transaction: sealing this node's new changes, the history row. The file is
    written under a temporary name, read back and verified, and only then renamed into
    place, so a cancel (``cancel`` is polled between steps and segments) or any failure
    leaves neither a file nor a history row, and never destroys a file it would replace.
    """
    out = Path(out)
    token = cancel or CancelToken()
    tmp = out.with_name(out.name + ".tmp")
    _clean_stale_packages(out)
    placed = False
    try:
        with db.connect() as conn:
            result = _export(conn, out, tmp, to, full, progress, token)
            try:
                os.replace(tmp, out)  # the history row commits right after
            except OSError as exc:
                raise storage_error(exc, path=out) or UnionDeskError(
                    f"无法写入同步包 {out}。请检查U盘是否可写。"
                ) from exc
            placed = True
    except BaseException:
        tmp.unlink(missing_ok=True)
        if placed:  # renamed into place but the transaction did not commit
            out.unlink(missing_ok=True)
        raise
    progress(_STEPS, _STEPS, "导出完成")
    return result


def _export(
    conn: Connection,
    out: Path,
    tmp: Path,
    to: list[str] | None,
    full: bool,
    progress: ProgressFn,
    cancel: CancelToken,
) -> ExportResult:
    me = trust.self_keys(conn)
    node = me.node_id
    peers = _recipients(conn, to)
    progress(0, _STEPS, "正在整理本机的新修改并签名…")
    seal_own(conn)
    cancel.check()
    progress(1, _STEPS, "正在挑选对方尚未收到的修改…")
    entries: dict[str, bytes] = {}
    ranges: dict[str, list[list[int]]] = {}
    keys: dict[str, dict[str, str]] = {}
    changes = 0
    acks: dict[tuple[str, str], int] = {
        (str(p), str(o)): int(c)
        for p, o, c in conn.exec_driver_sql("SELECT peer, origin, counter FROM sync_ack")
    }
    # A former identity of this database (before a copy or restore) that never sent a
    # package since may be gone for good: waiting for its acknowledgement would re-send
    # everything new in every package. It gets what the other recipients lack.
    acked_peers = {p for p, _o in acks}
    former = set(knowledge.retired_selves(conn))
    waiting = [p for p in peers if p not in former or p in acked_peers] or list(peers)
    # ranges a recipient dropped after an erasure and asks for again (``sync.erasures``)
    wants = erasures.wants_of(conn, list(peers))
    for seg in conn.exec_driver_sql(
        "SELECT origin, first, last, payload, signature FROM sync_segment ORDER BY origin, first"
    ):
        cancel.check()
        origin, first, last = str(seg.origin), int(seg.first), int(seg.last)
        if not full and peers:
            acked = min(acks.get((peer, origin), 0) for peer in waiting)
            asked = any(a <= last and b >= first for a, b in wants.get(origin, ()))
            if last <= acked and not asked:
                continue
        name = seg_name(origin, first, last)
        entries[name] = bytes(seg.payload)
        entries[name[:-4] + ".sig"] = bytes(seg.signature)
        ranges.setdefault(origin, []).append([first, last])
        changes += last - first + 1
        if origin != node and origin not in keys:
            sp = trust.sign_key(conn, origin)
            bp = trust.box_key(conn, origin)
            if sp is not None:
                keys[origin] = {"sign": sp.hex(), "box": (bp or b"").hex()}
                peer = trust.get_peer(conn, origin)
                if peer is not None and peer.name:  # what this office calls it (unchecked)
                    keys[origin]["name"] = peer.name
                relayed_cert = certs.held(conn, origin)
                if relayed_cert is not None:  # a root's word for it travels with it
                    keys[origin]["cert"] = relayed_cert
    own_cert = certs.own(conn)
    if own_cert is not None:  # lets offices that trust our root accept us unenrolled
        entries[certs.ENTRY] = own_cert
    progress(2, _STEPS, "正在收集附件…")
    mimes = _attachments(conn, ranges, entries, cancel)
    cancel.check()
    progress(3, _STEPS, "正在打包、签名并加密…")
    vv = knowledge.version_vector(conn)
    package_id = new_id()
    hlc_now = int(conn.exec_driver_sql("SELECT hlc FROM sync_clock WHERE id = 1").scalar_one())
    manifest = {
        "format": [FORMAT_MAJOR, FORMAT_MINOR],
        "schema": head_revision(),
        "package_id": package_id,
        "created_hlc": hlc_now,
        "sender": node,
        "recipients": sorted(peers),
        "vv": vv,
        # "node NEW succeeds node OLD", signed by OLD: partners keep trusting this office
        succession.MANIFEST_KEY: succession.statements(conn),
        # the same for the offices whose changes it relays (kept when they were accepted)
        succession.RELAYED_KEY: succession.relayed(conn, [o for o in ranges if o != node]),
        "ranges": ranges,
        "keys": keys,
        "attachments": mimes,
        "entries": package_format.entry_list(entries),
    }
    asking = erasures.wanted(conn)
    if asking:
        manifest[erasures.WANTED_KEY] = asking
    raw = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sig = me.sign_public + crypto.sign(me.sign_private, raw)
    inner = package_format.build_zip(raw, sig, entries)
    sealed = crypto.seal(inner, {**peers, node: me.box_public})
    del inner
    cancel.check()
    progress(4, _STEPS, "正在写入文件…")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _fsync_write(tmp, sealed)
    except OSError as exc:
        raise storage_error(exc, path=out) or UnionDeskError(
            f"无法写入同步包 {out}。请检查U盘是否可写。"
        ) from exc
    cancel.check()
    progress(5, _STEPS, "正在回读校验…")
    try:
        from desktop.sync.importer import decrypt_and_verify

        decrypt_and_verify(conn, tmp, materialize=False)
    except UnionDeskError as exc:
        raise UnionDeskError(
            f"同步包 {out} 写入后回读校验失败（{exc.message}），已删除该文件。请换一个U盘重试。"
        ) from exc
    cancel.check()  # the last point a cancel is honoured: next the file takes its name
    ack_only = not ranges and not mimes
    history.record(
        conn,
        package_id,
        "out",
        ",".join(sorted(peers)),
        out.name,
        {"changes": changes, "segments": len(ranges), "full": full, "ack_only": ack_only},
    )
    return ExportResult(
        str(out),
        package_id,
        sorted(peers),
        sum(len(r) for r in ranges.values()),
        changes,
        len(mimes),
        len(sealed),
        ack_only,
    )


def _attachments(
    conn: Connection,
    ranges: dict[str, list[list[int]]],
    entries: dict[str, bytes],
    cancel: CancelToken,
) -> dict[str, str]:
    """Photos referenced by the exported changes, content-addressed (sha256 → mime)."""
    mimes: dict[str, str] = {}
    for origin, runs in ranges.items():
        for first, last in runs:
            cancel.check()
            for fld in ATTACHMENT_FIELDS:
                for (sha,) in conn.exec_driver_sql(
                    f"SELECT DISTINCT {engines.json_field(conn, 'fields', repr(fld))} "
                    "FROM sync_change WHERE node_id = :n AND counter BETWEEN :a AND :b "
                    f"AND {engines.json_field(conn, 'fields', repr(fld))} IS NOT NULL",
                    {"n": origin, "a": first, "b": last},
                ).all():
                    blob = conn.exec_driver_sql(
                        "SELECT mime, data FROM attachments WHERE sha256 = :s",
                        {"s": str(sha)},
                    ).one_or_none()
                    if blob is not None:
                        entries[f"attachments/{sha}"] = bytes(blob.data)
                        mimes[str(sha)] = str(blob.mime)
    return mimes
