"""The registry connections' page cache, and a larger one for the length of a bulk append.

Every page SQLCipher reads is decrypted and its HMAC checked; every page it writes is
encrypted. A bulk append of 100,000 members dirties ~180 MB of pages in one transaction,
then reads the new rows back several times before it commits (each secondary index
built after the rows is a scan, the change capture is another). With the connection's
usual 64 MB those pages leave the cache between the passes: spilled to the log
encrypted, read back and decrypted again. Holding them costs memory only while the
append runs and gains 7–9 % of a 100k bulk insert (docs/benchmarks.md, eighteenth
session: 7.8 s → 7.2 s with 128 MB). The bulk insert and the demo take it; the roster
import does not (``members.writer.appending(roomy_cache=False)``): its preview holds the
whole sheet, and the larger cache lifted its peak from 471 to 537 MB, above its 500 MB goal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from desktop.storage import engines

#: Every registry connection's cache (``PRAGMA cache_size``, in KiB).
CACHE_KIB = 65_536
#: The most a bulk append raises it to.
BULK_MAX_KIB = 262_144
#: Roughly what one appended member leaves in the file: its row, index entries, search
#: document and change record.
_KIB_PER_MEMBER = 1.3


def bulk_cache_kib(rows: int) -> int:
    """The cache a bulk append of ``rows`` members gets: room for what it writes, never
    less than the usual cache nor more than ``BULK_MAX_KIB``."""
    return max(CACHE_KIB, min(BULK_MAX_KIB, int(rows * _KIB_PER_MEMBER)))


@contextmanager
def roomy(conn: Connection, rows: int) -> Iterator[None]:
    """A cache for a bulk append of ``rows`` inside the block, the usual one after it.

    A no-op on the hub (the server keeps its own buffers) and for small appends. The
    size goes back in the same transaction: pages still dirty stay until the commit
    writes them, and the clean ones above the usual size are let go.
    """
    size = bulk_cache_kib(rows)
    if engines.is_postgres(conn) or size <= CACHE_KIB:
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{size}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
