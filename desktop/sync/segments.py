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
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Any, NamedTuple, TypeGuard

import zstandard
from sqlalchemy import Connection

from desktop.errors import UnionDeskError
from desktop.models.values import Invalid, check_column
from desktop.sync import crypto, strictjson
from desktop.sync.knowledge import VersionVector, parse_vv

SIGN_PREFIX = b"uniondesk-segment-v1\x00"
MAX_SEGMENT_BYTES = 1 << 30  # decompressed
MAX_RATIO = 400
_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_ROW = re.compile(r"^[0-9A-Za-z-]{1,36}$")
_NODE = re.compile(r"^[0-9a-f]{32}$")
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


class Change(NamedTuple):
    """One received or logged write: its dot (node, counter), clock, context and fields.

    A named tuple rather than a frozen dataclass: a full export holds one per row
    (100k and more) and a frozen dataclass sets each attribute through
    ``object.__setattr__``, several times the cost of building a tuple. Equally
    immutable, equal by value, and unhashable like before (``fields`` is a dict).
    """

    node: str
    counter: int
    hlc: int
    ctx: int
    tbl: str
    row_id: str
    fields: dict[str, Any]


class LogEntry(NamedTuple):
    """One change as a segment encodes it; its counter is implied by its place in the run."""

    hlc: int
    ctx: int
    tbl: str
    row_id: str
    fields: dict[str, Any]


class _LogRow(NamedTuple):
    """A ``sync_change`` row as ``encode_from_log`` selects it: the SELECT lists these
    names in this order (built from ``_fields``), so ``_make`` reads each by its name.
    A named tuple, not the SQLAlchemy row's attribute access, which would add a fifth to a
    full export; ``_make`` costs next to nothing (docs/benchmarks.md, "Named rows")."""

    hlc: int
    ctx: int
    tbl: str
    row_id: str
    fields: str  # JSON text, parsed for the whole run at once


@dataclass(frozen=True)
class Segment:
    origin: str
    first: int
    last: int
    payload: bytes
    signature: bytes
    changes: list[Change]
    contexts: dict[int, VersionVector]
    invalid: dict[int, tuple[Invalid, ...]] = field(default_factory=dict)
    """Counter → the invalid values of that change (``values``), judged column by column
    at decoding: the merge quarantines these instead of checking every change again."""


LEVEL = 9
"""zstd level of segment payloads: near the size of much higher levels at a fraction of
their time (a segment is compressed once by its origin and then forwarded as is)."""


def _runs(values: list[int]) -> list[list[int]]:
    """Run-length pairs [value, count] of ``values``."""
    runs: list[list[int]] = []
    for value in values:
        if runs and runs[-1][0] == value:
            runs[-1][1] += 1
        else:
            runs.append([value, 1])
    return runs


def encode(
    origin: str,
    first: int,
    rows: Iterable[tuple[int, int, str, str, dict[str, Any]]],
    contexts: dict[int, VersionVector],
) -> bytes:
    """Compressed columnar payload of ``origin``'s changes first..first+len(rows)-1.

    ``rows`` are (hlc, ctx, table, row_id, fields) in counter order (``LogEntry``)."""
    return _encode(origin, first, list(map(LogEntry._make, rows)), contexts)


def _encode(
    origin: str, first: int, rows: list[LogEntry], contexts: dict[int, VersionVector]
) -> bytes:
    """``encode`` of entries already named. Layout (format 2):
    counters are implied by ``first``/``last``; ``hlc`` is the first clock then deltas;
    ``ctx`` and ``shape`` are run-length pairs; a shape is a table index and its field
    names; ``cols`` holds, per shape, one value list per field in change order.
    """
    tables: dict[str, int] = {}
    shapes: dict[tuple[int, tuple[str, ...]], int] = {}
    grouped: list[list[Any]] = []  # per shape: the value tuples of its changes
    shape_of: list[int] = []
    for entry in rows:
        key = (tables.setdefault(entry.tbl, len(tables)), tuple(entry.fields))
        index = shapes.get(key)
        if index is None:
            index = shapes[key] = len(shapes)
            grouped.append([])
        shape_of.append(index)
        grouped[index].append(tuple(entry.fields.values()))
    # transpose each shape's rows into one list per field
    cols = [[list(column) for column in zip(*values, strict=True)] for values in grouped]
    clocks = [e.hlc for e in rows]
    hlcs = [b - a for a, b in zip([0, *clocks], clocks, strict=False)]
    ctxs = [e.ctx for e in rows]
    row_ids = [e.row_id for e in rows]
    body = {
        "origin": origin,
        "first": first,
        "last": first + len(rows) - 1,
        "tables": list(tables),
        "contexts": {str(c): vv for c, vv in sorted(contexts.items())},
        "hlc": hlcs,
        "ctx": _runs(ctxs),
        "rows": row_ids,
        "shapes": [[t, list(names)] for t, names in shapes],
        "shape": _runs(shape_of),
        "cols": cols,
    }
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return zstandard.ZstdCompressor(level=LEVEL).compress(raw.encode("utf-8"))


def encode_from_log(conn: Connection, origin: str, first: int, last: int) -> bytes:
    """Compressed payload of ``origin``'s logged changes first..last."""
    rows = list(
        map(
            _LogRow._make,
            conn.exec_driver_sql(
                f"SELECT {', '.join(_LogRow._fields)} FROM sync_change "
                "WHERE node_id = ? AND counter BETWEEN ? AND ? ORDER BY counter",
                (origin, first, last),
            ),
        )
    )
    if len(rows) != last - first + 1:
        raise UnionDeskError(f"本机修改日志 {origin[:8]}… {first}-{last} 不完整，无法导出。")
    # one parse for the whole run instead of one per change
    fields = json.loads("[" + ",".join([r.fields for r in rows]) + "]")
    items = [LogEntry(r.hlc, r.ctx, r.tbl, r.row_id, f) for r, f in zip(rows, fields, strict=True)]
    contexts: dict[int, VersionVector] = {}
    for ctx in sorted({e.ctx for e in items}):
        raw = conn.exec_driver_sql(
            "SELECT vv FROM sync_context WHERE node_id = :n AND ctx = :c",
            {"n": origin, "c": ctx},
        ).scalar_one_or_none()
        contexts[ctx] = parse_vv(raw) if raw is not None else {}
    return _encode(origin, first, items, contexts)


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


def _is_int(value: object) -> TypeGuard[int]:
    return type(value) is int


def _unruns(runs: object, total: int, where: str, what: str) -> list[int]:
    """Expand run-length pairs that must cover exactly ``total`` changes."""
    if not isinstance(runs, list):
        raise _bad(where, f"{what} 无效")
    out: list[int] = []
    for pair in runs:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and _is_int(pair[0])
            and _is_int(pair[1])
            and pair[1] >= 1
            and len(out) + pair[1] <= total
        ):
            raise _bad(where, f"{what} 无效")
        out.extend([pair[0]] * pair[1])
    if len(out) != total:
        raise _bad(where, f"{what} 与计数范围不符")
    return out


def decode(payload: bytes, signature: bytes, where: str, materialize: bool = True) -> Segment:
    """Parse and validate a (signature-checked) payload; every field's type is checked.

    With ``materialize`` false every check is still made but no ``Change`` objects are
    built (``changes`` is empty): enough to verify a package just written.
    """
    try:
        data = strictjson.loads(decompress(payload, where))
    except strictjson.StrictJSONError as exc:
        raise _bad(where, f"JSON 无效（{exc}）") from exc
    if not isinstance(data, dict):
        raise _bad(where, "不是对象")
    origin, first, last = data.get("origin"), data.get("first"), data.get("last")
    tables, contexts = data.get("tables"), data.get("contexts")
    if not (isinstance(origin, str) and _NODE.match(origin)):
        raise _bad(where, "来源节点无效")
    if not (_is_int(first) and _is_int(last) and 1 <= first <= last):
        raise _bad(where, "计数范围无效")
    if not isinstance(tables, list) or not all(
        isinstance(t, str) and _TABLE.match(t) for t in tables
    ):
        raise _bad(where, "表名无效")
    if not isinstance(contexts, dict):
        raise _bad(where, "缺少 contexts")
    ctx_map: dict[int, VersionVector] = {}
    for key, vv in contexts.items():
        if not key.isdigit() or not isinstance(vv, dict):
            raise _bad(where, "上下文无效")
        if not all(
            isinstance(n, str) and _NODE.match(n) and _is_int(c) and c >= 0 for n, c in vv.items()
        ):
            raise _bad(where, "版本向量无效")
        ctx_map[int(key)] = {str(n): int(c) for n, c in vv.items()}
    total = last - first + 1
    hlcs, row_ids, raw_shapes, cols = (
        data.get("hlc"),
        data.get("rows"),
        data.get("shapes"),
        data.get("cols"),
    )
    if not (isinstance(hlcs, list) and isinstance(row_ids, list)):
        raise _bad(where, "缺少 hlc 或 rows")
    if len(hlcs) != total or len(row_ids) != total:
        raise _bad(where, "修改条数与计数范围不符")
    ctx_of = _unruns(data.get("ctx"), total, where, "上下文编号")
    if not set(ctx_of) <= ctx_map.keys():
        raise _bad(where, "修改的上下文缺失")
    if not (
        isinstance(raw_shapes, list) and isinstance(cols, list) and len(cols) == len(raw_shapes)
    ):
        raise _bad(where, "字段布局无效")
    shape_of = _unruns(data.get("shape"), total, where, "字段布局编号")
    uses = [0] * len(raw_shapes)
    for index in shape_of:
        if not 0 <= index < len(uses):
            raise _bad(where, "字段布局编号无效")
        uses[index] += 1
    shapes: list[tuple[str, list[str]]] = []
    for (shape, columns), count in zip(zip(raw_shapes, cols, strict=True), uses, strict=True):
        if not (
            isinstance(shape, list)
            and len(shape) == 2
            and _is_int(shape[0])
            and 0 <= shape[0] < len(tables)
            and isinstance(shape[1], list)
        ):
            raise _bad(where, "字段布局无效")
        names = shape[1]
        if not (
            all(isinstance(k, str) and _FIELD.match(k) for k in names)
            and len(set(names)) == len(names)
        ):
            raise _bad(where, "字段名无效")
        if not (
            isinstance(columns, list)
            and len(columns) == len(names)
            and all(isinstance(c, list) and len(c) == count for c in columns)
        ):
            raise _bad(where, "字段值的条数不符")
        for column in columns:
            if not set(map(type, column)) <= _SCALAR_TYPES:
                raise _bad(where, "字段值的类型无效")
        shapes.append((tables[shape[0]], names))
    if not all(type(r) is str and _ROW.match(r) for r in row_ids):
        raise _bad(where, "记录编号无效")
    if not all(_is_int(h) for h in hlcs):
        raise _bad(where, "时钟无效")
    clocks = list(accumulate(hlcs))
    if not (0 <= min(clocks) and max(clocks) < (1 << 63)):
        raise _bad(where, "时钟无效")
    if not materialize:
        return Segment(origin, first, last, payload, signature, [], ctx_map)
    # names and every column of a shape were checked to have matching lengths above;
    # map() builds the field dicts without a Python frame per change
    by_shape: list[list[dict[str, Any]]] = [
        list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))
        if names
        else [{} for _ in range(count)]
        for (_tbl, names), columns, count in zip(shapes, cols, uses, strict=True)
    ]
    if len(by_shape) == 1:
        fields_of = by_shape[0]
    else:
        cursors = [iter(group) for group in by_shape]
        fields_of = [next(cursors[index]) for index in shape_of]
    tables_of = [shapes[index][0] for index in shape_of]
    changes = list(
        map(
            Change._make,
            zip(
                [origin] * total,
                range(first, last + 1),
                clocks,
                ctx_of,
                tables_of,
                row_ids,
                fields_of,
                strict=True,
            ),
        )
    )
    return Segment(
        origin,
        first,
        last,
        payload,
        signature,
        changes,
        ctx_map,
        _invalid(first, shapes, cols, shape_of),
    )


def _invalid(
    first: int, shapes: list[tuple[str, list[str]]], cols: list[Any], shape_of: list[int]
) -> dict[int, tuple[Invalid, ...]]:
    """Counter → invalid values, found per shape and field over whole columns."""
    found: dict[int, list[Invalid]] = {}
    for index, ((table, names), columns) in enumerate(zip(shapes, cols, strict=True)):
        at_of: list[int] | None = None  # change index of each row of this shape
        for name, column in zip(names, columns, strict=True):
            bad = check_column(table, name, column)
            if not bad:
                continue
            if at_of is None:
                at_of = [i for i, s in enumerate(shape_of) if s == index]
            for row, problem in bad.items():
                found.setdefault(first + at_of[row], []).append(problem)
    return {counter: tuple(problems) for counter, problems in found.items()}
