"""JSON parsing that refuses what a forger could use: bad UTF-8, duplicate keys, NaN."""

from __future__ import annotations

import json
from typing import Any


class StrictJSONError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise StrictJSONError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise StrictJSONError(f"constant {name} not allowed")


def loads(raw: bytes) -> Any:
    try:
        textual = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise StrictJSONError("invalid UTF-8") from exc
    try:
        return json.loads(textual, object_pairs_hook=_pairs, parse_constant=_constant)
    except StrictJSONError:
        raise
    except ValueError as exc:
        raise StrictJSONError(str(exc)) from exc
