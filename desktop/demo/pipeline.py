"""Demo members made in a producer process while this one writes them.

At a million members the demo fill is about 35 CPU-seconds of Python (drawing rows,
pinyin, search documents) and about 50 of SQLite, one after the other on one core. The
rows depend only on the seeded random generator, not on the database, so a second
process can make chunk k+1 while this one writes chunk k: the fill then takes about as
long as the writing alone.

The producer draws from the same ``random.Random`` state in the same order as the
in-process path, and hands its final state back, so a seed gives the same federation
either way (a test compares the two). The queue holds at most two chunks, which bounds
memory. Processes are started with "spawn" on every platform: forking a process that
holds an open SQLite connection is unsafe, and Windows can only spawn. A frozen build
needs ``multiprocessing.freeze_support()`` at its entry point (``desktop.__main__``).
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_mod
import traceback
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.errors import UnionDeskError
from desktop.models.codes import CURRENT_STATUSES
from desktop.services.members.writer import PreparedRows, prepare_rows

# Below this many members a second process costs more (about a second to start and
# import) than it saves.
PARALLEL_FROM = 100_000
# "always" or "never" overrides the size rule; the installer's smoke test sets "always" to
# prove a frozen build can start its producer (the executable re-run as a child).
PRODUCER_ENV = "UNIONDESK_DEMO_PRODUCER"
_QUEUE_CHUNKS = 2
_POLL_SECONDS = 1.0

Chunk = tuple[PreparedRows, list[str]]  # the prepared rows and the current members' ids


class RowFactory(Protocol):
    rng: Any

    def rows(
        self, unions: list[dict[str, Any]], status: list[str], cards: list[str | None]
    ) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class _Work:
    """Everything the producer needs; pickled once to start the process."""

    factory: RowFactory
    unions: list[dict[str, Any]]
    statuses: list[str]
    cards: list[str | None]
    first_rowid: int
    chunk: int

    def chunks(self) -> Iterator[Chunk]:
        """Every chunk in order, made in this process (the producer's loop, or the only one)."""
        for start in range(0, len(self.statuses), self.chunk):
            end = min(start + self.chunk, len(self.statuses))
            rows = self.factory.rows(
                self.unions[start:end], self.statuses[start:end], self.cards[start:end]
            )
            current = [r["id"] for r in rows if r["membership_status"] in CURRENT_STATUSES]
            yield prepare_rows(rows, self.first_rowid + start), current


def _produce(work: _Work, out: Any) -> None:
    """The producer process: every chunk in order, then the generator's final state."""
    try:
        for made in work.chunks():
            out.put(("chunk", made))
        out.put(("done", work.factory.rng.getstate()))
    except BaseException:  # reported to the parent, which raises it there
        out.put(("error", traceback.format_exc()))


def member_chunks(
    factory: RowFactory,
    unions: list[dict[str, Any]],
    statuses: list[str],
    cards: list[str | None],
    *,
    first_rowid: int,
    chunk: int,
    parallel: bool | None = None,
) -> Generator[Chunk, None, None]:
    """Prepared member chunks in order; ``factory.rng`` ends as if made in-process.

    ``parallel=None`` decides by size. Closing the iterator early (cancel, an error while
    writing) stops the producer.
    """
    work = _Work(factory, unions, statuses, cards, first_rowid, chunk)
    if parallel is None:
        forced = os.environ.get(PRODUCER_ENV, "")
        parallel = forced == "always" or (forced != "never" and len(statuses) >= PARALLEL_FROM)
    if not parallel:
        yield from work.chunks()
        return
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=_QUEUE_CHUNKS)
    producer = context.Process(
        target=_produce, args=(work, out), name="uniondesk-demo-producer", daemon=True
    )
    producer.start()
    try:
        while True:
            kind, payload = _next_message(out, producer)
            if kind == "chunk":
                yield payload
            elif kind == "done":
                factory.rng.setstate(payload)
                return
            else:
                raise UnionDeskError(f"生成演示会员的后台进程出错：\n{payload}")
    finally:
        if producer.is_alive():
            producer.terminate()
        producer.join()
        out.close()


def _next_message(out: Any, producer: Any) -> tuple[str, Any]:
    while True:
        try:
            message: tuple[str, Any] = out.get(timeout=_POLL_SECONDS)
            return message
        except queue_mod.Empty:
            if not producer.is_alive():
                raise UnionDeskError(
                    f"生成演示会员的后台进程意外退出（退出码 {producer.exitcode}）"
                ) from None
