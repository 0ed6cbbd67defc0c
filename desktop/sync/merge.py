"""Field-level merge of one row: a write beats every write it had seen; among writes no
other write saw, the greatest (hlc, node) wins; concurrency by dots and contexts.

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


def winners(changes: Sequence[Change], contexts: ContextLookup) -> dict[str, Change]:
    """Field → its winning write among ``changes``: the greatest (hlc, node id) among the
    writes of that field that no other write of it had seen.

    Why causality first: a PC's clock is bounded to a day past its date (``hlc``), so a
    write made after seeing one stamped years ahead by a PC with a wrong date can carry
    a smaller clock; it must still win, as the clerk who made it saw the other value.
    Usually the greatest clock has been seen by nobody, so this costs one pass per field.
    """
    seen = _Seen(contexts)
    by_field: dict[str, list[Change]] = {}
    for change in changes:
        for field in change.fields:
            by_field.setdefault(field, []).append(change)
    best: dict[str, Change] = {}
    for field, writes in by_field.items():
        if len(writes) == 1:
            best[field] = writes[0]
            continue
        ranked = sorted(writes, key=_rank, reverse=True)
        for candidate in ranked:
            if not any(seen(other, candidate) for other in writes if other is not candidate):
                best[field] = candidate
                break
        else:  # a cycle cannot happen (seen follows counters); keep a winner regardless
            best[field] = ranked[0]
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
    win = winners(changes, contexts)
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
