"""The content-addressed store of files (member photos, activity photos, legal case
documents): each file once, under the SHA-256 of its bytes, on either engine.

One function, so every writer of ``attachments`` stores a file the same way: the same
digest, and a file already held (another record's photo, the same scan attached twice)
is kept as it is rather than written again.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

from desktop.storage import engines


def store(conn: Connection, data: bytes, mime: str) -> str:
    """Keep ``data`` (of type ``mime``) unless held already; its SHA-256 (hex)."""
    digest = hashlib.sha256(data).hexdigest()
    conn.execute(
        text(
            engines.insert_ignoring(
                conn,
                "INSERT OR IGNORE INTO attachments (sha256, mime, size, data) "
                "VALUES (:h, :m, :s, :d)",
            )
        ),
        {"h": digest, "m": mime, "s": len(data), "d": data},
    )
    return digest
