"""Change segments: one origin's contiguous run of changes, compressed and origin-signed.

A segment is sealed once by its origin and then stored and forwarded byte for byte, so
an office relaying another office's changes cannot alter them. The payload carries the
write contexts its changes refer to, and fields are kept as received (unknown fields of a
newer app version included) so they are re-exported unchanged.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import zstandard
from sqlalchemy import Connection, text

from desktop.errors import UnionDeskError
from desktop.sync import crypto, strictjson
from desktop.sync.knowledge import VersionVector, parse_vv

SIGN_PREFIX = b"uniondesk-segment-v1\x00"
MAX_SEGMENT_BYTES = 1 << 30  # decompressed
MAX_RATIO = 400
_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_ROW = re.compile(r"^[0-9A-Za-z-]{1,36}$")
_NODE = re.compile(r"^[0-9a-f]{32}$")
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Change:
    node: str
    counter: int
    hlc: int
    ctx: int
    tbl: str
    row_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Segment:
    origin: str
    first: int
    last: int
    payload: bytes
    signature: bytes
    changes: list[Change]
    contexts: dict[int, VersionVector]


def encode_from_log(conn: Connection, origin: str, first: int, last: int) -> bytes:
    """Compressed payload of ``origin``'s logged changes first..last."""
    rows = conn.execute(
        text(
            "SELECT counter, hlc, ctx, tbl, row_id, fields FROM sync_change "
            "WHERE node_id = :n AND counter BETWEEN :a AND :b ORDER BY counter"
        ),
        {"n": origin, "a": first, "b": last},
    ).all()
    tables: dict[str, int] = {}
    parts: list[str] = []
    ctxs: set[int] = set()
    for counter, hlc, ctx, tbl, row_id, fields in rows:
        index = tables.setdefault(str(tbl), len(tables))
        ctxs.add(int(ctx))
        parts.append(f'[{int(counter)},{int(hlc)},{int(ctx)},{index},{json.dumps(row_id)},{fields}]')
    contexts: dict[str, Any] = {}
    for ctx in sorted(ctxs):
        raw = conn.execute(
            text("SELECT vv FROM sync_context WHERE node_id = :n AND ctx = :c"),
            {"n": origin, "c": ctx},
        ).scalar_one_or_none()
        contexts[str(ctx)] = parse_vv(raw) if raw is not None else {}
    head = json.dumps(
        {
            "origin": origin,
            "first": first,
            "last": last,
            "tables": list(tables),
            "contexts": contexts,
        },
        sort_keys=True,
    )
    body = head[:-1] + ',"changes":[' + ",".join(parts) + "]}"
    return zstandard.ZstdCompressor(level=6).compress(body.encode("utf-8"))


def sign_payload(sign_private: bytes, payload: bytes) -> bytes:
    return crypto.sign(sign_private, SIGN_PREFIX + payload)


def verify_payload(sign_public: bytes, signature: bytes, payload: bytes) -> bool:
    return crypto.verify(sign_public, signature, SIGN_PREFIX + payload)


def decompress(payload: bytes, where: str) -> bytes:
    cap = min(MAX_SEGMENT_BYTES, max(1 << 20, len(payload) * MAX_RATIO))
    out = io.BytesIO()
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(payload)) as reader:
            while True:
                chunk = reader.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
                if out.tell() > cap:
                    raise UnionDeskError(
                        f"{where} 解压后超过安全上限（{cap // (1 << 20)} MB），"
                        "疑似压缩炸弹，已中止。"
                        "未做任何改动。"
                    )
    except zstandard.ZstdError as exc:
        raise UnionDeskError(f"{where} 无法解压：内容损坏。未做任何改动。") from exc
    return out.getvalue()


def _bad(where: str, what: str) -> UnionDeskError:
    return UnionDeskError(f"{where} 格式错误：{what}。未做任何改动。")


def decode(payload: bytes, signature: bytes, where: str) -> Segment:
    """Parse and validate a (signature-checked) payload; every field's type is checked."""
    try:
        data = strictjson.loads(decompress(payload, where))
    except strictjson.StrictJSONError as exc:
        raise _bad(where, f"JSON 无效（{exc}）") from exc
    if not isinstance(data, dict):
        raise _bad(where, "不是对象")
    origin, first, last = data.get("origin"), data.get("first"), data.get("last")
    tables, contexts, raw_changes = data.get("tables"), data.get("contexts"), data.get("changes")
    if not (isinstance(origin, str) and _NODE.match(origin)):
        raise _bad(where, "来源节点无效")
    if not (isinstance(first, int) and isinstance(last, int) and 1 <= first <= last):
        raise _bad(where, "计数范围无效")
    if not isinstance(tables, list) or not all(
        isinstance(t, str) and _TABLE.match(t) for t in tables
    ):
        raise _bad(where, "表名无效")
    if not isinstance(contexts, dict) or not isinstance(raw_changes, list):
        raise _bad(where, "缺少 contexts 或 changes")
    ctx_map: dict[int, VersionVector] = {}
    for key, vv in contexts.items():
        if not key.isdigit() or not isinstance(vv, dict):
            raise _bad(where, "上下文无效")
        if not all(
            isinstance(n, str) and _NODE.match(n) and isinstance(c, int) and c >= 0
            for n, c in vv.items()
        ):
            raise _bad(where, "版本向量无效")
        ctx_map[int(key)] = {str(n): int(c) for n, c in vv.items()}
    if len(raw_changes) != last - first + 1:
        raise _bad(where, "修改条数与计数范围不符")
    changes: list[Change] = []
    expected = first
    for item in raw_changes:
        if not (isinstance(item, list) and len(item) == 6):
            raise _bad(where, f"第 {expected} 条修改结构无效")
        counter, hlc, ctx, tindex, row_id, fields = item
        if counter != expected or not isinstance(counter, int):
            raise _bad(where, f"第 {expected} 条修改的计数不连续")
        if not (isinstance(hlc, int) and 0 <= hlc < (1 << 63)):
            raise _bad(where, f"第 {expected} 条修改的时钟无效")
        if not (isinstance(ctx, int) and ctx in ctx_map):
            raise _bad(where, f"第 {expected} 条修改的上下文缺失")
        if not (isinstance(tindex, int) and 0 <= tindex < len(tables)):
            raise _bad(where, f"第 {expected} 条修改的表编号无效")
        if not (isinstance(row_id, str) and _ROW.match(row_id)):
            raise _bad(where, f"第 {expected} 条修改的记录编号无效")
        if not isinstance(fields, dict) or not all(
            _FIELD.match(k) and isinstance(v, _SCALARS) for k, v in fields.items()
        ):
            raise _bad(where, f"第 {expected} 条修改的字段无效")
        changes.append(Change(origin, counter, hlc, ctx, tables[tindex], row_id, fields))
        expected += 1
    return Segment(origin, first, last, payload, signature, changes, ctx_map)
