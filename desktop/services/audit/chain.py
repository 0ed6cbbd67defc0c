"""The hash chain: how an entry is encoded, hashed and appended.

Each entry's ``hash`` is SHA-256 over the compact JSON array of its stored values — time
(the stored text), account, account id, operating-system account, action, detail, table,
record id, field names — and the ``prev_hash`` it follows (the first follows ``GENESIS``).
So an edited field changes the entry's own hash, and a deleted or moved entry breaks the
next entry's link; ``verify.py`` tells which. The id is left out on purpose: the
position is proved by the links, and a link that names an entry found elsewhere in the
trail is reported as reordering rather than as an edit.

``append`` reads the chain head and inserts inside the caller's transaction. Every
writer (``Database.connect()``) begins IMMEDIATE, so the head is read under the write
lock; a deferred transaction that reads the head and then loses the race for the lock
fails (SQLite refuses to upgrade a stale snapshot) instead of forking, and the unique
index on ``prev_hash`` (migration 0018) refuses a fork in any case. Migration 0018 holds
a frozen copy of ``entry_hash``; ``tests/unit/audit`` checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from desktop import acting, clock
from desktop.storage import engines

GENESIS = "0" * 64
#: How ``occurred_at`` is stored: SQLAlchemy's own SQLite DateTime text, so ORM reads work.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

COLUMNS = (
    "id",
    "occurred_at",
    "account",
    "account_id",
    "os_user",
    "action",
    "detail",
    "tbl",
    "record_id",
    "fields",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class StoredEntry:
    """An audit row exactly as stored (the time as its stored text): what is hashed."""

    id: int
    occurred_at: str
    account: str | None
    account_id: int | None
    os_user: str
    action: str
    detail: str
    tbl: str | None
    record_id: str | None
    fields: str | None
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class Change:
    """A record change to audit: table, record id (None for a summary), field names."""

    tbl: str
    record_id: str | None
    fields: str | None


def entry_hash(entry: StoredEntry) -> str:
    values: list[object] = [
        entry.occurred_at,
        entry.account,
        entry.account_id,
        entry.os_user,
        entry.action,
        entry.detail,
        entry.tbl,
        entry.record_id,
        entry.fields,
        entry.prev_hash,
    ]
    encoded = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


SELECT_ALL = f"SELECT {', '.join(COLUMNS)} FROM audit_log"


def read_stored(row: Row[Any]) -> StoredEntry:
    """A row selected by ``SELECT_ALL`` as a typed entry (the time as its stored text)."""
    m = row._mapping

    def text_or_none(name: str) -> str | None:
        return None if m[name] is None else str(m[name])

    occurred = m["occurred_at"]
    return StoredEntry(
        id=int(m["id"]),
        # the hub's driver returns a datetime: as the text it was hashed from (``stamp``;
        # ``str`` would drop a zero microsecond part and break the hash)
        occurred_at=(
            occurred.strftime(TIME_FORMAT) if isinstance(occurred, datetime) else str(occurred)
        ),
        account=text_or_none("account"),
        account_id=None if m["account_id"] is None else int(m["account_id"]),
        os_user=str(m["os_user"]),
        action=str(m["action"]),
        detail=str(m["detail"] if m["detail"] is not None else ""),
        tbl=text_or_none("tbl"),
        record_id=text_or_none("record_id"),
        fields=text_or_none("fields"),
        prev_hash=text_or_none("prev_hash"),
        hash=text_or_none("hash"),
    )


def ready(conn: Connection) -> bool:
    """Whether this database's trail is chained (revision 0018 or later). Read once per
    schema version and connection: a downgrade run through an open database (the
    migration tests) must not meet the commit hooks' statements."""
    if engines.is_postgres(conn):
        return True  # a hub is opened at the current revision only (``storage.engines``)
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar()
    known = conn.info.get("audit_schema")
    if known is not None and known[0] == version:
        return bool(known[1])
    columns = {str(r.name) for r in conn.exec_driver_sql("PRAGMA table_info(audit_log)")}
    chained = "hash" in columns
    conn.info["audit_schema"] = (version, chained)
    return chained


def head(conn: Connection) -> tuple[int, str]:
    """The newest entry's id and hash ((0, GENESIS) for an empty trail)."""
    row = conn.exec_driver_sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first()
    if row is None:
        return 0, GENESIS
    return int(row[0]), str(row[1] or GENESIS)


def stamp(at: datetime) -> str:
    return at.replace(tzinfo=None).strftime(TIME_FORMAT)


#: The advisory lock key of appending to the trail at the hub (any constant; "UDAUDIT").
AUDIT_LOCK = 0x5544_4155_4449_54


def append(conn: Connection, action: str, detail: str, change: Change | None = None) -> StoredEntry:
    """Append one entry after the current head, inside the caller's transaction.

    At the hub, clerks append at once: the head is read under a transaction-level lock
    (held to commit), so two entries never chain to the same head. Callers append at the
    end of their transaction, so the lock is held for a moment."""
    actor = acting.current()
    if engines.is_postgres(conn):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")
    last_id, prev = head(conn)
    draft = StoredEntry(
        id=last_id + 1,
        occurred_at=stamp(clock.current().utcnow()),
        account=actor.username[:100],
        account_id=actor.account_id,
        os_user=acting.os_user()[:100],
        action=action,
        detail=detail,
        tbl=change.tbl if change else None,
        record_id=change.record_id if change else None,
        fields=change.fields if change else None,
        prev_hash=prev,
        hash=None,
    )
    entry = replace(draft, hash=entry_hash(draft))
    conn.exec_driver_sql(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        tuple(getattr(entry, c) for c in COLUMNS),
    )
    return entry
