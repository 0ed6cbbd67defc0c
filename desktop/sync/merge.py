"""Field-level merge of one row: winners by (hlc, node), concurrency by dots and contexts.

Pure functions over the full set of writes a node holds for a row, so every node that
holds the same writes computes the same values and the same open conflicts, whatever
the order they arrived in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.sync.knowledge import VersionVector, saw
from desktop.sync.segments import Change

DELETED = "deleted"
ContextLookup = Callable[[str, int], VersionVector]


@dataclass(frozen=True)
class ConflictKey:
    field: str
    lose_node: str
    lose_counter: int


@dataclass(frozen=True)
class OpenConflict:
    key: ConflictKey
    winner: Change
    win_value: Any
    loser: Change
    lose_value: Any


def _rank(c: Change) -> tuple[int, str, int]:
    return (c.hlc, c.node, c.counter)


def winners(changes: Sequence[Change]) -> dict[str, Change]:
    """Field → the write with max (hlc, node id) among ``changes`` that set it."""
    best: dict[str, Change] = {}
    for change in changes:
        for field in change.fields:
            current = best.get(field)
            if current is None or _rank(change) > _rank(current):
                best[field] = change
    return best


class _Seen:
    def __init__(self, contexts: ContextLookup) -> None:
        self._contexts = contexts

    def __call__(self, a: Change, b: Change) -> bool:
        """Had write ``a`` seen write ``b``?"""
        if a.node == b.node and a.counter == b.counter:
            return False
        return saw(a.node, a.counter, self._contexts(a.node, a.ctx), b.node, b.counter)


def open_conflicts(changes: Sequence[Change], contexts: ContextLookup) -> list[OpenConflict]:
    """Every write no other write has seen and that is not its field's value.

    Also, a delete (``deleted`` set true) against each concurrent write to another field
    of the row, so a delete racing an edit is never silent.
    """
    seen = _Seen(contexts)
    by_field: dict[str, list[Change]] = {}
    for change in changes:
        for field in change.fields:
            by_field.setdefault(field, []).append(change)
    win = winners(changes)
    result: dict[ConflictKey, OpenConflict] = {}
    maximal: dict[str, list[Change]] = {}
    for field, writes in by_field.items():
        tops = [w for w in writes if not any(seen(m, w) for m in writes if m is not w)]
        maximal[field] = tops
        winner = win[field]
        for loser in tops:
            if loser is winner or seen(winner, loser):
                continue
            key = ConflictKey(field, loser.node, loser.counter)
            result[key] = OpenConflict(
                key, winner, winner.fields[field], loser, loser.fields[field]
            )
    deleter = win.get(DELETED)
    if deleter is not None and deleter.fields[DELETED]:
        for field, tops in maximal.items():
            if field == DELETED:
                continue
            for loser in tops:
                if loser is deleter or seen(deleter, loser) or seen(loser, deleter):
                    continue
                key = ConflictKey(field, loser.node, loser.counter)
                if key not in result:
                    result[key] = OpenConflict(
                        key, deleter, {DELETED: True}, loser, loser.fields[field]
                    )
    return [result[k] for k in sorted(result, key=lambda k: (k.field, k.lose_node, k.lose_counter))]
