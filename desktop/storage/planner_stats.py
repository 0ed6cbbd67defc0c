"""SQLite's planner statistics (``sqlite_stat1``): kept so a lookup uses the right index.

Why: without statistics SQLite guesses that an equality on any index's first column
finds ~10 rows. ``members`` has indexes led by ``deleted`` (the dashboard's and the
list's), so a lookup such as ``id_number = ? AND deleted = 0`` was planned on
``ix_members_stats_joined (deleted=?)`` — a walk over every member — rather than the
ID number's own index: opening one application at 200,000 members took 1.7 s, and the
demo's 1M generation spent most of its time there. With statistics the planner knows
``deleted`` tells almost nothing and ``id_number`` is nearly unique.

What keeps them: every connection samples at most ``ANALYSIS_LIMIT`` rows of an index
(``PRAGMA analysis_limit``), so an analysis costs milliseconds at a million members;
the file's tables are brought up to date when it is closed (``refresh``: SQLite's own
``PRAGMA optimize`` re-analyses a table never analysed or grown or shrunk a lot since,
and writes nothing when none is), and when a file that has never been analysed (made
before statistics were kept) is opened, as an upgrade step, so its first session is
not slow. An opening of an analysed file writes nothing: a registry that is only read,
or a command that changes nothing, leaves the file as it was. A bulk append that
rebuilds a table's indexes analyses that table at once (``analyze``), inside its
transaction, so the statements after it in that transaction (the demo's applications,
a roster import's audit) are planned on the new figures.
The hub needs none of this: PostgreSQL's autovacuum keeps its statistics.
"""

from __future__ import annotations

from sqlalchemy import Connection

from desktop.storage import engines

#: Rows an analysis samples per index (SQLite's ``analysis_limit``): enough for the
#: shape of a column (unique, or a handful of values), a bounded cost at any size.
ANALYSIS_LIMIT = 1000
#: ``PRAGMA optimize`` flags: analyse where needed (0x02), over every table of the file
#: and not only those this connection has used (0x10000): the form SQLite recommends
#: when a connection is opened.
_ON_OPEN = 0x10002


def refresh(conn: Connection) -> None:
    """Analyse the tables whose statistics are missing or out of date (cheap: sampled)."""
    if engines.is_postgres(conn):
        return
    conn.exec_driver_sql(f"PRAGMA optimize = {_ON_OPEN:#x}")


def never_analysed(conn: Connection) -> bool:
    """True for a file without statistics at all (made before they were kept)."""
    if engines.is_postgres(conn):
        return False
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    return found is None


def analyze(conn: Connection, table: str) -> None:
    """Statistics of ``table`` and its indexes now (after a bulk append rebuilt them)."""
    if engines.is_postgres(conn):
        return
    conn.exec_driver_sql(f'ANALYZE "{table}"')
