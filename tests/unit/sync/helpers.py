"""Helpers for sync tests: real databases, real keys, real package files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.models.base import new_id, synced_tables
from desktop.storage.database import Database
from desktop.sync import conflicts, trust
from desktop.sync.identity import fingerprint


def node_of(db: Database) -> str:
    with db.connect(write=False) as conn:
        return str(conn.execute(text("SELECT node_id FROM sync_clock")).scalar_one())


def card_path(db: Database, folder: Path) -> tuple[Path, str]:
    with db.connect(write=False) as conn:
        card = trust.key_card(conn)
        _n, sign_pub, *_ = trust.self_keys(conn)
    path = folder / f"{hashlib.sha1(card).hexdigest()[:8]}.udkey"
    path.write_bytes(card)
    return path, fingerprint(sign_pub)


def enrol(db: Database, other: Database, folder: Path) -> None:
    path, fp = card_path(other, folder)
    with db.connect() as conn:
        trust.enrol(conn, path, fp)


def mesh(dbs: list[Database], folder: Path) -> None:
    """Every PC enrols every other one's key card (each card written once)."""
    cards = [card_path(db, folder) for db in dbs]
    for a in dbs:
        for b, (path, fp) in zip(dbs, cards, strict=True):
            if a is not b:
                with a.connect() as conn:
                    trust.enrol(conn, path, fp)


def add_federation(db: Database) -> str:
    fid = new_id()
    with db.connect() as conn:
        conn.execute(
            text("INSERT INTO federations (id, name, card_prefix) VALUES (:i, '测试联合会', 'T')"),
            {"i": fid},
        )
    return fid


def add_union(db: Database, federation_id: str, name: str = "甲工会") -> str:
    uid = new_id()
    with db.connect() as conn:
        conn.execute(
            text("INSERT INTO unions (id, federation_id, name, sort_key) VALUES (:i, :f, :n, '')"),
            {"i": uid, "f": federation_id, "n": name},
        )
    return uid


def valid_id(token: object) -> str:
    """A valid 18-digit ID number standing for ``token`` (the same token, the same number;
    a token that is already a valid number is kept): received values are checked."""
    from desktop.errors import ValidationError
    from desktop.models.validation import check_id_number

    text_token = str(token)
    try:
        return check_id_number(text_token, check_area=False).id_number
    except ValidationError:
        pass
    h = int(hashlib.sha1(text_token.encode()).hexdigest()[:12], 16)
    seq, day, month, year = h % 1000, h // 1000 % 28 + 1, h // 28_000 % 12 + 1, h // 336_000 % 40
    body = f"110101{1960 + year}{month:02d}{day:02d}{seq:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def add_member(db: Database, union_id: str, name: str = "张三", id_number: str = "1") -> str:
    """A member row written as a clerk would leave it; ``id_number`` any token (see
    ``valid_id``)."""
    id_number = valid_id(id_number)
    mid = new_id()
    with db.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, union_id, name, id_number, membership_status, sort_key) "
                "VALUES (:i, :u, :n, :x, 'active', '')"
            ),
            {"i": mid, "u": union_id, "n": name, "x": id_number},
        )
    return mid


def set_field(db: Database, table: str, row_id: str, field: str, value: Any) -> None:
    with db.connect() as conn:
        conn.exec_driver_sql(f'UPDATE "{table}" SET "{field}" = ? WHERE id = ?', (value, row_id))


def get_field(db: Database, table: str, row_id: str, field: str) -> Any:
    with db.connect(write=False) as conn:
        row = conn.exec_driver_sql(
            f'SELECT "{field}" FROM "{table}" WHERE id = ?', (row_id,)
        ).first()
    return None if row is None else row[0]


def state_hash(db: Database) -> str:
    """Hash of every synced table's travelling columns (local ones excluded)."""
    digest = hashlib.sha256()
    with db.connect(write=False) as conn:
        for table, local in sorted(synced_tables().items()):
            cols = [
                str(r[1])
                for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
                if str(r[1]) not in local
            ]
            sel = ", ".join(f'"{c}"' for c in sorted(cols))
            for row in conn.exec_driver_sql(f'SELECT {sel} FROM "{table}" ORDER BY id').all():
                digest.update(json.dumps([table, *row], default=str).encode())
    return digest.hexdigest()


def open_conflicts(db: Database) -> set[tuple[str, str, str, str, int]]:
    with db.connect() as conn:
        conflicts.refresh(conn)
        rows = conn.exec_driver_sql(
            "SELECT tbl, row_id, field, lose_node, lose_counter FROM sync_conflict "
            "WHERE resolved_at IS NULL"
        ).all()
    return {(str(a), str(b), str(c), str(d), int(e)) for a, b, c, d, e in rows}


def file_hash(db: Database) -> str:
    """Hash of the database file after a checkpoint (byte-identity checks)."""
    db.checkpoints.flush()  # not one still running in the background while we read
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return hashlib.sha256(db.paths.database.read_bytes()).hexdigest()


def craft(
    sender: Database,
    recipients: list[Database],
    *,
    manifest_fn: Any = None,
    entries_fn: Any = None,
    raw_fn: Any = None,
    sig_fn: Any = None,
    zip_fn: Any = None,
    keep: Any = None,
) -> bytes:
    """Build a package like ``export`` does, with hooks to make it hostile."""
    from desktop.storage.migrations import head_revision
    from desktop.sync import crypto, knowledge, package_format
    from desktop.sync.export import seal_own

    with sender.connect() as conn:
        node, sign_pub, sign_priv, box_pub, _bk, _n = trust.self_keys(conn)
        seal_own(conn)
        rows = conn.exec_driver_sql(
            "SELECT origin, first, last, payload, signature FROM sync_segment"
        ).all()
        entries: dict[str, bytes] = {}
        ranges: dict[str, list[list[int]]] = {}
        keys: dict[str, dict[str, str]] = {}
        for origin, first, last, payload, sig in rows:
            if keep is not None and not keep(origin, first, last):
                continue
            name = package_format.seg_name(origin, first, last)
            entries[name] = bytes(payload)
            entries[name[:-4] + ".sig"] = bytes(sig)
            ranges.setdefault(origin, []).append([first, last])
            if origin != node:
                sp = trust.sign_key(conn, origin)
                keys[origin] = {"sign": sp.hex() if sp else "", "box": ""}
        vv = knowledge.version_vector(conn)
        boxes = {}
        for r in recipients:
            with r.connect(write=False) as rc:
                rn, _a, _b, rbox, _c, _d = trust.self_keys(rc)
            boxes[rn] = rbox
    manifest: dict[str, Any] = {
        "format": [package_format.FORMAT_MAJOR, package_format.FORMAT_MINOR],
        "schema": head_revision(),
        "package_id": new_id(),
        "created_hlc": 0,
        "sender": node,
        "recipients": sorted(boxes),
        "vv": vv,
        "ranges": ranges,
        "keys": keys,
        "attachments": {},
    }
    if entries_fn:
        entries_fn(entries)
    manifest["entries"] = package_format.entry_list(entries)
    if manifest_fn:
        manifest_fn(manifest)
    raw = json.dumps(manifest, sort_keys=True).encode()
    if raw_fn:
        raw = raw_fn(raw)
    from desktop.sync import crypto as _c

    sig = sign_pub + _c.sign(sign_priv, raw)
    if sig_fn:
        sig = sig_fn(sig, raw)
    inner = zip_fn(raw, sig, entries) if zip_fn else package_format.build_zip(raw, sig, entries)
    return crypto.seal(inner, boxes)


def origin_sign(db: Database, payload: bytes) -> bytes:
    from desktop.sync import segments

    with db.connect(write=False) as conn:
        _n, _sp, sk, *_ = trust.self_keys(conn)
    return segments.sign_payload(sk, payload)
