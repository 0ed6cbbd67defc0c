"""Export: seal this node's new changes, pick what the recipients lack, write safely."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from desktop.db import Database
from desktop.errors import UnionDeskError
from desktop.migrations import head_revision
from desktop.models.base import new_id
from desktop.sync import crypto, history, knowledge, package_format, segments, trust
from desktop.sync.package_format import FORMAT_MAJOR, FORMAT_MINOR, seg_name

ATTACHMENT_FIELDS = ("photo",)


@dataclass(frozen=True)
class ExportResult:
    path: str
    package_id: str
    recipients: list[str]
    segments: int
    changes: int
    attachments: int
    size: int


def seal_own(conn: Connection) -> int:
    """Sign this node's changes not yet in a segment; returns how many were sealed."""
    node, _sp, sign_private, _bp, _bk, _n = trust.self_keys(conn)
    counter = int(conn.execute(text("SELECT counter FROM sync_clock WHERE id = 1")).scalar_one())
    last = int(
        conn.execute(
            text("SELECT coalesce(max(last), 0) FROM sync_segment WHERE origin = :n"), {"n": node}
        ).scalar_one()
    )
    if counter <= last:
        return 0
    payload = segments.encode_from_log(conn, node, last + 1, counter)
    conn.execute(
        text(
            "INSERT INTO sync_segment (origin, first, last, payload, signature, stored_at) "
            "VALUES (:o, :a, :b, :p, :s, :at)"
        ),
        {"o": node, "a": last + 1, "b": counter, "p": payload,
         "s": segments.sign_payload(sign_private, payload),
         "at": datetime.now(UTC).replace(tzinfo=None)},
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
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def export(
    db: Database, out: Path, to: list[str] | None = None, full: bool = False
) -> ExportResult:
    out = Path(out)
    with db.connect() as conn:
        node, sign_pub, sign_private, box_pub, _bk, _n = trust.self_keys(conn)
        peers = _recipients(conn, to)
        seal_own(conn)
        rows = conn.execute(
            text("SELECT origin, first, last, payload, signature FROM sync_segment "
                 "ORDER BY origin, first")
        ).all()
        entries: dict[str, bytes] = {}
        ranges: dict[str, list[list[int]]] = {}
        keys: dict[str, dict[str, str]] = {}
        changes = 0
        acks: dict[tuple[str, str], int] = {
            (str(p), str(o)): int(c)
            for p, o, c in conn.exec_driver_sql("SELECT peer, origin, counter FROM sync_ack")
        }
        for origin, first, last, payload, signature in rows:
            origin, first, last = str(origin), int(first), int(last)
            if not full and peers:
                acked = min(acks.get((peer, origin), 0) for peer in peers)
                if last <= acked:
                    continue
            name = seg_name(origin, first, last)
            entries[name] = bytes(payload)
            entries[name[:-4] + ".sig"] = bytes(signature)
            ranges.setdefault(origin, []).append([first, last])
            changes += last - first + 1
            if origin != node and origin not in keys:
                sp = trust.sign_key(conn, origin)
                bp = trust.box_key(conn, origin)
                if sp is not None:
                    keys[origin] = {"sign": sp.hex(), "box": (bp or b"").hex()}
        mimes: dict[str, str] = {}
        for origin, runs in ranges.items():
            for first, last in runs:
                for fld in ATTACHMENT_FIELDS:
                    for (sha,) in conn.execute(
                        text(
                            f"SELECT DISTINCT json_extract(fields, '$.{fld}') FROM sync_change "
                            "WHERE node_id = :n AND counter BETWEEN :a AND :b "
                            f"AND json_extract(fields, '$.{fld}') IS NOT NULL"
                        ),
                        {"n": origin, "a": first, "b": last},
                    ).all():
                        blob = conn.execute(
                            text("SELECT mime, data FROM attachments WHERE sha256 = :s"),
                            {"s": str(sha)},
                        ).one_or_none()
                        if blob is not None:
                            entries[f"attachments/{sha}"] = bytes(blob[1])
                            mimes[str(sha)] = str(blob[0])
        vv = knowledge.version_vector(conn)
        package_id = new_id()
        hlc_now = int(conn.execute(text("SELECT hlc FROM sync_clock WHERE id = 1")).scalar_one())
        manifest = {
            "format": [FORMAT_MAJOR, FORMAT_MINOR],
            "schema": head_revision(),
            "package_id": package_id,
            "created_hlc": hlc_now,
            "sender": node,
            "recipients": sorted(peers),
            "vv": vv,
            "ranges": ranges,
            "keys": keys,
            "attachments": mimes,
            "entries": package_format.entry_list(entries),
        }
        raw = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
        sig = sign_pub + crypto.sign(sign_private, raw)
        inner = package_format.build_zip(raw, sig, entries)
        sealed = crypto.seal(inner, {**peers, node: box_pub})
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        try:
            _fsync_write(tmp, sealed)
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UnionDeskError(
                f"无法写入同步包 {out}：{exc.strerror}。请检查U盘是否可写。"
            ) from exc
        try:
            from desktop.sync.importer import decrypt_and_verify

            decrypt_and_verify(conn, out, materialize=False)
        except UnionDeskError as exc:
            out.unlink(missing_ok=True)
            raise UnionDeskError(
                f"同步包 {out} 写入后回读校验失败（{exc.message}），已删除该文件。请换一个U盘重试。"
            ) from exc
        history.record(
            conn, package_id, "out", ",".join(sorted(peers)), out.name,
            {"changes": changes, "segments": len(ranges), "full": full},
        )
    return ExportResult(
        str(out), package_id, sorted(peers), sum(len(r) for r in ranges.values()), changes,
        len(mimes), len(sealed),
    )
