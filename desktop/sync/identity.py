"""This installation's node identity: Ed25519 signing key, X25519 box key, node id.

The node id is derived from the public signing key, so nobody can claim another
office's id without its private key. The identity is bound to this installation and
this database file's place (``installation.binding``, stored in the database), and a
marker in the installation's state dir (outside every data dir) records the node id and
the highest counter written. A database copied to another PC or folder (whole data dir or
the file alone) no longer matches its binding; one restored from an older backup is behind
its marker. Either takes a fresh identity before its next write, so a (node, counter) dot
is never issued twice (docs/SYNC.md, "One identity per installation and file").
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from desktop import clock
from desktop.storage import engines
from desktop.sync.knowledge import contiguous

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def node_id_for(sign_public: bytes) -> str:
    return hashlib.sha256(b"uniondesk-node:" + sign_public).hexdigest()[:32]


def fingerprint(sign_public: bytes) -> str:
    """Short digit groups a clerk can read over the phone: 6 groups of 5 digits."""
    digest = hashlib.sha256(b"uniondesk-fp:" + sign_public).digest()
    number = int.from_bytes(digest[:13], "big") % 10**30
    digits = f"{number:030d}"
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))


def issuer_code(sign_public: bytes) -> str:
    """Five Crockford base-32 characters (33 million values) embedded in card numbers."""
    value = int.from_bytes(hashlib.sha256(b"uniondesk-issuer:" + sign_public).digest()[:4], "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(4, -1, -1))


@dataclass(frozen=True)
class NodeKeys:
    node_id: str
    sign_public: bytes
    sign_private: bytes
    box_public: bytes
    box_private: bytes

    @classmethod
    def generate(cls) -> NodeKeys:
        # Imported here: every start opens the database through this module, but keys
        # are made only on a first start or after a copy, so the GUI's cold start skips
        # loading cryptography.
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
            PublicFormat,
        )

        raw, pub, priv, none = Encoding.Raw, PublicFormat.Raw, PrivateFormat.Raw, NoEncryption()
        sign = Ed25519PrivateKey.generate()
        box = X25519PrivateKey.generate()
        sign_pub = sign.public_key().public_bytes(raw, pub)
        return cls(
            node_id=node_id_for(sign_pub),
            sign_public=sign_pub,
            sign_private=sign.private_bytes(raw, priv, none),
            box_public=box.public_key().public_bytes(raw, pub),
            box_private=box.private_bytes(raw, priv, none),
        )


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    fingerprint: str
    issuer_code: str
    counter: int
    hlc: int


def _store_new_identity(conn: Connection, name: str) -> NodeKeys:
    keys = NodeKeys.generate()
    conn.exec_driver_sql(
        "INSERT INTO sync_node (node_id, name, sign_public, box_public, sign_private, "
        "box_private, is_self, issuer_code, created_at) VALUES (:n, :name, :sp, :bp, "
        ":sk, :bk, 1, :ic, :at)",
        {
            "n": keys.node_id,
            "name": name,
            "sp": keys.sign_public,
            "bp": keys.box_public,
            "sk": keys.sign_private,
            "bk": keys.box_private,
            "ic": issuer_code(keys.sign_public),
            "at": clock.current().utcnow(),
        },
    )
    return keys


def ensure_identity(conn: Connection, name: str = "") -> str:
    """Create the node identity and the clock row on a new database; return the node id."""
    existing = conn.exec_driver_sql("SELECT node_id FROM sync_clock WHERE id = 1").scalar()
    if existing is not None:
        return str(existing)
    keys = _store_new_identity(conn, name)
    conn.exec_driver_sql(
        "INSERT INTO sync_clock (id, node_id, counter, hlc, ctx, capturing) "
        "VALUES (1, :n, 0, 0, 0, 1)",
        {"n": keys.node_id},
    )
    conn.exec_driver_sql(
        "INSERT INTO sync_context (node_id, ctx, vv) VALUES (:n, 0, '{}')",
        {"n": keys.node_id},
    )
    return keys.node_id


def rotate_identity(conn: Connection, reason: str) -> str:
    """Retire the current node id and continue under a new one (counters start afresh).

    Changes written under the old id stay in the log under that id; the old keys are
    kept (never used for new writes) so changes not yet exported can still be sealed and
    signed as the old node's segments.
    """
    old = conn.exec_driver_sql("SELECT node_id, ctx FROM sync_clock WHERE id = 1").one()
    old_id = str(old.node_id)
    name = conn.exec_driver_sql(
        "SELECT name FROM sync_node WHERE node_id = :n", {"n": old_id}
    ).scalar_one_or_none()
    keys = _store_new_identity(conn, str(name or ""))
    conn.exec_driver_sql(
        "UPDATE sync_node SET is_self = 0, retired_at = :at, superseded_by = :new "
        "WHERE node_id = :old",
        {"at": clock.current().utcnow(), "new": keys.node_id, "old": old_id},
    )
    # The new node has seen everything the old one had, including the old one's own writes.
    vv = json.loads(
        conn.exec_driver_sql(
            "SELECT vv FROM sync_context WHERE node_id = :n AND ctx = :c",
            {"n": old_id, "c": int(old.ctx)},
        ).scalar_one_or_none()
        or "{}"
    )
    vv[old_id] = contiguous(conn, old_id)
    conn.exec_driver_sql(
        "INSERT INTO sync_context (node_id, ctx, vv) VALUES (:n, 0, :vv)",
        {"n": keys.node_id, "vv": json.dumps(vv, sort_keys=True)},
    )
    conn.exec_driver_sql(
        "UPDATE sync_clock SET node_id = :n, counter = 0, ctx = 0 WHERE id = 1",
        {"n": keys.node_id},
    )
    _keep_as_office(conn, old_id)
    conn.exec_driver_sql(
        "INSERT INTO app_settings (key, value) VALUES ('identity_rotated', :v) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        {"v": json.dumps({"old": old_id, "new": keys.node_id, "reason": reason})},
    )
    return keys.node_id


def _keep_as_office(conn: Connection, old_id: str) -> None:
    """The former identity becomes another trusted office to this database.

    After a copy the original may still be in use under the old id: its later changes
    are someone else's here, received and sent like any office's (a restored office gets
    back what its former self wrote after the backup the same way). Until a package from
    it arrives it may be gone for good (a restored PC), so export does not wait for its
    acknowledgement (``export``: former selves without one are left out of the minimum).
    """
    conn.exec_driver_sql(
        engines.insert_ignoring(
            conn,
            "INSERT OR IGNORE INTO sync_peer (node_id, name, sign_public, box_public, trusted, "
            "enrolled_at) SELECT node_id, name, sign_public, box_public, 1, :at FROM sync_node "
            "WHERE node_id = :n",
        ),
        {"n": old_id, "at": clock.current().utcnow()},
    )
    conn.exec_driver_sql("DELETE FROM sync_ack WHERE peer = :n", {"n": old_id})


def node_info(conn: Connection) -> NodeInfo:
    row = conn.exec_driver_sql(
        "SELECT c.node_id, c.counter, c.hlc, n.sign_public, n.issuer_code "
        "FROM sync_clock c JOIN sync_node n ON n.node_id = c.node_id WHERE c.id = 1"
    ).one()
    return NodeInfo(
        node_id=str(row.node_id),
        fingerprint=fingerprint(bytes(row.sign_public)),
        issuer_code=str(row.issuer_code),
        counter=int(row.counter),
        hlc=int(row.hlc),
    )


def read_marker(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_marker(path: Path, node_id: str, counter: int) -> None:
    """Atomically record the highest counter this database has issued under ``node_id``.

    The temporary file is named for this process and thread: two windows (or a window
    and a command) on one data folder commit at the same moment, and with one shared
    name one's ``replace`` took the other's file away (FileNotFoundError after a
    committed write; issue #25's parallel-process tests met it)."""
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps({"node_id": node_id, "counter": counter}), "utf-8")
    os.replace(tmp, path)


BINDING_KEY = "node_binding"


def is_new(conn: Connection) -> bool:
    """No identity yet: the next ``ensure_identity`` makes one (a brand-new database)."""
    return conn.exec_driver_sql("SELECT 1 FROM sync_clock WHERE id = 1").first() is None


def _stored_binding(conn: Connection) -> dict[str, object] | None:
    raw = conn.exec_driver_sql(
        "SELECT value FROM app_settings WHERE key = :k", {"k": BINDING_KEY}
    ).scalar_one_or_none()
    try:
        data = json.loads(str(raw)) if raw is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _store_binding(conn: Connection, node_id: str, binding: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        {"k": BINDING_KEY, "v": json.dumps({"node_id": node_id, "binding": binding})},
    )


def _marker_counter(marker: dict[str, object]) -> int:
    try:
        return int(str(marker.get("counter", 0)))
    except ValueError:
        return 0


def check_binding(
    conn: Connection,
    binding: str,
    marker_path: Path,
    legacy_marker_path: Path | None = None,
    fresh: bool = False,
) -> str | None:
    """Rotate the identity if this database is a copy or a restored older file.

    ``binding``: this installation's binding for this file's place; ``marker_path``: the
    marker in the state dir; ``legacy_marker_path``: the marker older versions kept in the
    data dir, read only when the database has no binding yet; ``fresh``: the identity was
    made in this very opening. Returns the reason when it rotated, None otherwise.
    """
    node_id, counter = conn.exec_driver_sql(
        "SELECT node_id, counter FROM sync_clock WHERE id = 1"
    ).one()
    node_id, counter = str(node_id), int(counter)
    reason: str | None = None
    stored = _stored_binding(conn)
    marker = read_marker(marker_path)
    if fresh:
        pass
    elif stored is None:
        # written by an older version: its data-dir marker is all there is to judge by
        legacy = read_marker(legacy_marker_path) if legacy_marker_path is not None else None
        if legacy is None:
            if counter > 0:
                reason = "no marker beside a database that has written changes (copied here)"
        elif legacy.get("node_id") != node_id:
            reason = "the marker names another node (database copied or replaced)"
        elif _marker_counter(legacy) > counter:
            reason = "the database is older than its marker (restored from a backup)"
    elif stored.get("binding") != binding or stored.get("node_id") != node_id:
        reason = "the database was copied from another PC or folder"
    elif marker is None:
        reason = "this installation holds no marker for the database (copied or replaced)"
    elif marker.get("node_id") != node_id:
        reason = "the marker names another node (database replaced by an older copy)"
    elif _marker_counter(marker) > counter:
        reason = "the database is older than its marker (restored from a backup)"
    if reason is not None:
        node_id = rotate_identity(conn, reason)
    if stored != {"node_id": node_id, "binding": binding}:
        _store_binding(conn, node_id, binding)  # only then: a read-only file still opens
    return reason
