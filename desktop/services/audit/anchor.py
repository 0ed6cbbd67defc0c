"""The chain's anchor: the newest entry's id and hash, kept OUTSIDE the database.

Why: the hash chain proves that no entry inside the trail was edited, removed or moved,
but a trail whose newest entries were cut off is still a perfect chain. So after every
committed write the newest entry (id, hash) is written to a small owner-only file in
the installation's state dir (``config.state_dir()``, outside every data dir, like the
sync identity marker), one file per registry (``Database.registry_name``: a file's path,
the hub's masked URL — one data dir may serve an office's file and the hub). ``verify``
then demands that the anchored entry is still in the trail, unchanged.

What it proves: on this PC, the trail still holds every entry up to the newest one this
installation saw committed — a cut tail, or a tail cut and refilled, is reported.
What it does not prove: anything against someone who can write both the database and
this user's state dir (the same operating-system account) — they can rewrite the
chain and the anchor together; nothing on another PC (a copied data dir has no anchor
there, and verify says so); and a crash between the commit and the file write leaves
the anchor one step behind (the entries after it are reported as not yet anchored, not
as broken).

The anchor only moves forward along the chain: when the anchored entry is no longer in
the trail, it is left alone (the evidence stays for ``verify``) until an administrator
re-anchors after a restore (``reanchor``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop.config import state_dir
from desktop.private_files import private_dir, write_private
from desktop.services.audit import chain
from desktop.storage.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    id: int
    hash: str


def anchor_path(db: Database) -> Path:
    key = hashlib.sha256(db.registry_name.encode("utf-8")).hexdigest()[:32]
    return state_dir() / "audit" / f"{key}.json"


def read_anchor(db: Database) -> Anchor | None:
    """The stored anchor; None when there is none (or it is unreadable)."""
    try:
        data = json.loads(anchor_path(db).read_text("utf-8"))
        return Anchor(id=int(data["id"]), hash=str(data["hash"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_anchor(db: Database, anchor: Anchor) -> None:
    path = anchor_path(db)
    private_dir(path.parent)
    write_private(path, json.dumps({"id": anchor.id, "hash": anchor.hash}).encode("utf-8"))


class AnchorKeeper:
    """``Database.after_commit`` hook: moves the anchor to the chain head when it moved."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last: Anchor | None = None
        # commits end on worker threads too: one anchor write at a time per database
        self._lock = threading.Lock()

    def update(self) -> None:
        with self._lock:
            self._update()

    def _update(self) -> None:
        with self.db.engine.connect() as conn:
            if not chain.ready(conn):
                return
            now = Anchor(*chain.head(conn))
            if now.id == 0 or now == self.last:
                return
            stored = read_anchor(self.db)
            if stored is not None and stored != now:
                behind = stored.id < now.id and (
                    conn.exec_driver_sql(
                        "SELECT hash FROM audit_log WHERE id = ?", (stored.id,)
                    ).scalar()
                    == stored.hash
                )
                if not behind:  # cut or rewritten: keep the evidence for verify
                    log.warning("audit anchor no longer matches the trail; left for verify")
                    return
        try:
            if stored != now:
                write_anchor(self.db, now)
            self.last = now
        except OSError as exc:  # the state dir is gone or full: verify reports it lagging
            log.warning("audit anchor not written: %s", type(exc).__name__)


def reanchor(db: Database) -> Anchor | None:
    """Anchor the trail as it is now (after a restore brought back an older trail, which
    records its own RESTORE entry): from here on, verify checks against this head."""
    with db.engine.connect() as conn:
        last_id, last_hash = chain.head(conn)
    if last_id == 0:
        return None
    anchor = Anchor(last_id, last_hash)
    write_anchor(db, anchor)
    return anchor
