"""The one place that opens a raw DB-API connection to a registry file.

The engine (``database.make_engine``) and the helpers beside it — the health checks, the
WAL checkpointer, backups, the revision probe — each need a plain DB-API connection to
the same file with the same driver. They all come from here, so the file's driver (and
anything it needs before the first statement) is decided in one module.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

Mode = Literal["rw", "ro", "ro_immutable"]

#: The driver's error classes, for ``except`` clauses beside these connections.
Error = sqlite3.Error
DatabaseError = sqlite3.DatabaseError
OperationalError = sqlite3.OperationalError
Connection = sqlite3.Connection


def connect(
    path: Path,
    *,
    mode: Mode = "rw",
    check_same_thread: bool = True,
    autocommit: bool = False,
) -> sqlite3.Connection:
    """A raw connection to ``path``.

    ``ro`` never writes the file (a refused or damaged file stays as it was);
    ``ro_immutable`` is for a copy no one else writes (no ``-shm`` is made beside it).
    ``autocommit``: the sqlite3 module issues no BEGIN of its own.
    """
    isolation: Literal["DEFERRED"] | None = None if autocommit else "DEFERRED"
    if mode == "rw":
        return sqlite3.connect(path, check_same_thread=check_same_thread, isolation_level=isolation)
    query = "mode=ro" if mode == "ro" else "mode=ro&immutable=1"
    return sqlite3.connect(
        f"{path.as_uri()}?{query}",
        uri=True,
        check_same_thread=check_same_thread,
        isolation_level=isolation,
    )
