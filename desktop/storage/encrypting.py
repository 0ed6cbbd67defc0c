"""Encrypting an older version's plain registry (and its plain backups) in place.

A registry written before encryption at rest is plain SQLite. On its first open it is
copied into a new SQLCipher file beside it (``sqlcipher_export``), the copy is checked
(``quick_check`` and the row count of every table equal to the original's), synced,
and swapped in by rename; the plain file and its ``-wal``/``-shm`` are then overwritten
and removed. The plain backups in ``backups/`` are encrypted the same way (a backup
that cannot be read is removed: it could restore nothing and would keep personal data
in clear). Order, so a crash at any point loses nothing and leaves no plain copy for
long: the key is made (state dir, ``keys.json``) before the copy; the plain file is
renamed to ``.plain`` before the encrypted one takes its name; ``recover`` (every open)
puts a ``.plain`` back if the swap did not finish, else wipes it.

Overwriting before unlinking makes the old bytes unreadable through the file system;
on an SSD or a journalling file system a copy may remain in blocks the OS no longer
maps (docs/SECURITY.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from desktop.config import Paths
from desktop.errors import DatabaseError
from desktop.private_files import create_private
from desktop.storage import keys, rawconn

log = logging.getLogger(__name__)

ENCRYPTING_SUFFIX = ".encrypting"
PLAIN_SUFFIX = ".plain"
_CHUNK = 1024 * 1024


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a directory for fsync; its renames are journalled
    with contextlib.suppress(OSError):
        _fsync(folder)


def wipe(path: Path) -> None:
    """Overwrite ``path`` with zeros, sync, and remove it (nothing when it is absent)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    try:
        with path.open("r+b") as fh:
            zeros = bytes(_CHUNK)
            left = size
            while left > 0:
                step = min(left, _CHUNK)
                fh.write(zeros[:step])
                left -= step
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:  # read-only file: removing it is still better than keeping it
        log.warning("could not overwrite %s before removing it: %s", path.name, exc)
    path.unlink(missing_ok=True)


def _table_counts(con: rawconn.Connection) -> dict[str, int]:
    names = [
        str(r[0])
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    counts: dict[str, int] = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = int(con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
    return counts


def encrypt_copy(source: Path, target: Path, key: bytes) -> None:
    """Write ``source`` (plain) into a new encrypted ``target``, checked and synced.

    Raises ``DatabaseError`` when the copy does not match its source (target removed).
    """
    create_private(target)
    src = rawconn.connect(source, key=rawconn.PLAIN, autocommit=True)
    try:
        expected = _table_counts(src)
        src.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), f"x'{key.hex()}'"))
        try:
            src.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        finally:
            src.execute("DETACH DATABASE encrypted")
    finally:
        src.close()
    dst = rawconn.connect(target, key=key)
    try:
        findings = [str(r[0]) for r in dst.execute("PRAGMA quick_check(10)")]
        counts = _table_counts(dst)
    finally:
        dst.close()
    if findings != ["ok"] or counts != expected:
        differing = sorted(
            n for n in expected.keys() | counts.keys() if expected.get(n) != counts.get(n)
        )
        target.unlink(missing_ok=True)
        raise DatabaseError(
            f"加密数据库 {source} 时，加密后的副本校验未通过（{'；'.join(findings[:3])}"
            f"{'；行数不符的表：' + '、'.join(differing[:5]) if differing else ''}）。"
            "原文件未做任何改动，请检查磁盘空间和磁盘是否有故障后重试。"
        )
    _fsync(target)


def _fold_wal(path: Path) -> None:
    """Copy the plain file's write-ahead log into it and end WAL mode, so the file alone
    holds every committed write and closing it removes the log."""
    con = rawconn.connect(path, key=rawconn.PLAIN, autocommit=True)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        con.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        con.close()


def _swap(plain: Path, encrypted: Path) -> None:
    """``encrypted`` takes ``plain``'s name; the plain bytes are overwritten and removed."""
    aside = _beside(plain, PLAIN_SUFFIX)
    os.replace(plain, aside)
    os.replace(encrypted, plain)
    _fsync_dir(plain.parent)
    wipe(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        wipe(_beside(aside, suffix))


def recover(paths: Paths) -> None:
    """Finish or undo an encryption a crash interrupted (every open, before anything)."""
    db_file = paths.database
    aside = _beside(db_file, PLAIN_SUFFIX)
    if aside.exists():
        if db_file.exists():
            wipe(aside)  # the encrypted file was in place: the plain one only had to go
        else:
            os.replace(aside, db_file)  # the swap stopped half way: encrypt again
    _beside(db_file, ENCRYPTING_SUFFIX).unlink(missing_ok=True)
    if paths.backups.is_dir():
        for stale in paths.backups.glob("*" + ENCRYPTING_SUFFIX):
            stale.unlink(missing_ok=True)
        for stale in paths.backups.glob("*" + PLAIN_SUFFIX):
            original = stale.with_name(stale.name[: -len(PLAIN_SUFFIX)])
            if original.exists():
                wipe(stale)
            else:
                os.replace(stale, original)


def encrypt_in_place(paths: Paths) -> str:
    """Encrypt the plain registry in ``paths`` and its plain backups; returns the new
    recovery key, to be shown once. The caller has checked it is our registry, of a
    version this program knows, and sound."""
    db_file = paths.database
    _fold_wal(db_file)
    for suffix in ("-wal", "-shm"):
        wipe(_beside(db_file, suffix))
    made = keys.create_key(paths)
    temp = _beside(db_file, ENCRYPTING_SUFFIX)
    try:
        encrypt_copy(db_file, temp, made.key)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _swap(db_file, temp)
    log.warning("plain database encrypted in place")
    encrypt_backups(paths, made.key)
    return made.recovery_code


def encrypt_backups(paths: Paths, key: bytes) -> None:
    """Every plain backup in ``backups/`` encrypted with ``key`` (its ``keys.json`` copy
    beside it); one that cannot be read is removed."""
    from desktop.storage import health

    if not paths.backups.is_dir():
        return
    ring = keys.keys_file(paths).read_bytes()
    for backup in health.backups_newest_first(paths.backups):
        with backup.open("rb") as fh:
            plain = fh.read(16) == b"SQLite format 3\x00"
        if not plain:
            continue
        temp = _beside(backup, ENCRYPTING_SUFFIX)
        try:
            encrypt_copy(backup, temp, key)
        except (DatabaseError, *rawconn.Error) as exc:
            log.warning("plain backup %s could not be encrypted, removed: %s", backup.name, exc)
            temp.unlink(missing_ok=True)
            wipe(backup)
            continue
        _swap(backup, temp)
        create_private(keys.backup_keys_file(backup)).write_bytes(ring)
