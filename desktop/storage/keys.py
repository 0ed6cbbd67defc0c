"""The database key: where it is kept, how it is wrapped, how another PC unlocks it.

The registry and every backup are encrypted with SQLCipher under one key: 32 random
bytes applied as a raw key (``rawconn.key_pragma``). Two places hold it:

* **this installation**: ``<state dir>/keys/<key id>.key`` (``config.state_dir``: outside
  every data dir, owner-only). A copied data folder or backup does not carry it.
* **the data dir**: ``keys.json`` holds the key only *wrapped* (AES-256-GCM) in slots:
  one under the **recovery key** (恢复密钥, shown once when it is made, never stored in
  clear) and one per administrator under a key derived from the password (argon2id,
  a salt per slot). A backup carries a copy (``<backup>.keys.json``).

The key id (an HMAC of the key, so it reveals nothing) names the state file, so a folder
copied to another place on the same PC still opens; a folder moved to another PC, or a
backup restored there, raises ``DatabaseKeyMissingError`` until someone enters an
administrator password or the recovery key (``uniondesk unlock``, the start-up dialog),
which unwraps the key and stores it for this installation again.

The recovery key is 160 random bits (32 Crockford base-32 characters): no password
stretching makes it harder to guess, so its slot key comes from HKDF-SHA256. Passwords
are guessable, so theirs come from argon2id (``PASSWORD_COST``; the cost is stored in
each slot, so it can be raised later without breaking old slots).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.config import Paths, state_dir
from desktop.errors import DatabaseError, DatabaseKeyError, DatabaseKeyMissingError
from desktop.private_files import private_dir, write_private

KEYS_FILE = "keys.json"
KEY_BYTES = 32
FORMAT = 1
RECOVERY = "recovery"
PASSWORD = "password"
#: Crockford's base 32: no I, L, O, U (nothing to misread when typing it back).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CHARS = 32  # 160 bits
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class KdfCost:
    """argon2id's cost: passes, memory in KiB, lanes (RFC 9106's second choice)."""

    t: int = 3
    m: int = 65536
    p: int = 1


#: The cost of a new password slot (~0.5 s on a slow office PC: once per unlock).
PASSWORD_COST = KdfCost()


@dataclass(frozen=True)
class Slot:
    """The database key wrapped under one secret (recovery key or one password)."""

    kind: str
    salt: str
    nonce: str
    wrapped: str
    username: str = ""
    kdf: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyRing:
    """What ``keys.json`` holds: which key (by id) and its wrapped copies."""

    key_id: str
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class NewKey:
    """A key just made: the key and the recovery key to show once (never stored)."""

    key: bytes
    recovery_code: str


# -- where things are -----------------------------------------------------------------


def keys_file(paths: Paths) -> Path:
    return paths.data_dir / KEYS_FILE


def backup_keys_file(backup: Path) -> Path:
    """The copy of ``keys.json`` written beside a backup (``<name>.keys.json``)."""
    return backup.with_name(backup.name + ".keys.json")


def key_id(key: bytes) -> str:
    return hmac.new(key, b"uniondesk-database-key-id", hashlib.sha256).hexdigest()[:32]


def _state_file(kid: str) -> Path:
    return state_dir() / "keys" / f"{kid}.key"


def missing_message(path: Path) -> str:
    if path.parent.name == "backups" or backup_keys_file(path).exists():
        return (
            f"本机没有备份 {path.name} 的密钥（它来自另一台电脑或另一个数据目录）。"
            f"请先运行 uniondesk unlock --backup {path.name} --user 管理员用户名"
            "（输入写入这份备份时的管理员密码），或 uniondesk unlock --backup "
            f"{path.name}（输入恢复密钥），再恢复。"
        )
    return (
        f"数据库 {path} 已加密，但本机没有它的密钥（数据文件夹可能是从另一台电脑复制来的，"
        "或从备份恢复到了新电脑）。数据库未做任何改动。请用管理员密码或恢复密钥解锁："
        "运行 uniondesk unlock --user 管理员用户名（输入该管理员的密码），"
        "或 uniondesk unlock（输入恢复密钥）；在窗口中启动时会弹出解锁对话框。"
    )


# -- the installation's copy ----------------------------------------------------------


def store_key(key: bytes) -> None:
    """Keep ``key`` for this installation (owner-only, outside every data dir)."""
    path = _state_file(key_id(key))
    try:
        private_dir(path.parent)
        write_private(path, key.hex().encode("ascii"))
    except OSError as exc:
        raise DatabaseError(
            f"无法写入本机的安装信息目录「{path.parent}」（{exc.strerror or exc}）。"
            "请检查该目录的权限，或用环境变量 UNIONDESK_STATE_DIR 指定一个可写的目录。"
        ) from exc


def load_key(kid: str) -> bytes | None:
    """This installation's key with id ``kid``; None when it has none (or a damaged one)."""
    try:
        key = bytes.fromhex(_state_file(kid).read_text("ascii").strip())
    except (OSError, ValueError, UnicodeError):
        return None
    return key if len(key) == KEY_BYTES and key_id(key) == kid else None


# -- keys.json --------------------------------------------------------------------------


def read_ring(path: Path) -> KeyRing | None:
    """The ring in ``path``; None when there is no such file."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        slots = tuple(Slot(**s) for s in raw.get("slots", []))
        return KeyRing(key_id=str(raw["key_id"]), slots=slots)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatabaseError(
            f"密钥文件 {path} 无法读取或已损坏，数据库未做任何改动。"
            "请从备份文件夹中找到与数据库同名的 .keys.json 复制回来并命名为 keys.json。"
        ) from exc


def write_ring(path: Path, ring: KeyRing) -> None:
    data = {"format": FORMAT, "key_id": ring.key_id, "slots": [asdict(s) for s in ring.slots]}
    write_private(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def ring_for_file(path: Path) -> KeyRing | None:
    """The ring that belongs to the registry file or backup at ``path``, if any: its own
    ``<name>.keys.json`` (a backup), else ``keys.json`` in its folder (the database, a
    temporary beside it), else the data dir's for a file in ``backups/``."""
    candidates = [backup_keys_file(path), path.parent / KEYS_FILE]
    if path.parent.name == "backups":
        candidates.append(path.parent.parent / KEYS_FILE)
    for candidate in candidates:
        if candidate.exists():
            return read_ring(candidate)
    return None


def key_for_file(path: Path) -> bytes | None:
    """The key that opens ``path``; None for a plain file (no ``keys.json`` belongs to it).

    Raises ``DatabaseKeyMissingError`` when a ring belongs to it but this installation
    does not hold its key.
    """
    ring = ring_for_file(path)
    if ring is None:
        return None
    key = load_key(ring.key_id)
    if key is None:
        raise DatabaseKeyMissingError(missing_message(path))
    return key


def locked_ring(backup: Path) -> Path | None:
    """The ``.keys.json`` to unlock before ``backup`` can be read on this PC (a backup made
    under another PC's or data dir's key), or None when this installation holds its key
    (or it has no ring of its own)."""
    ring_file = backup_keys_file(backup)
    ring = read_ring(ring_file)
    if ring is None or load_key(ring.key_id) is not None:
        return None
    return ring_file


def database_key(paths: Paths) -> bytes:
    """The key of the data dir's database (for the password-slot functions' callers)."""
    key = key_for_file(paths.database)
    if key is None:
        raise DatabaseError(f"数据库 {paths.database} 尚未加密。")
    return key


# -- wrapping ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _aad(kid: str, kind: str, username: str) -> bytes:
    """Binds a wrapped copy to its key id and its slot: slots cannot be swapped."""
    return json.dumps([kid, kind, username], ensure_ascii=False).encode("utf-8")


# ``cryptography`` is imported where it is used: opening a database that this PC can
# already read needs none of it (the window's cold start, tests/unit/activities).


def _recovery_kek(code: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"uniondesk-recovery")
    return hkdf.derive(code.encode("ascii"))


def _password_kek(password: str, salt: bytes, cost: KdfCost) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, cost.t, cost.m, cost.p, 32, Type.ID)


def _wrap(
    key: bytes, kek: bytes, kind: str, username: str, salt: bytes, kdf: dict[str, Any]
) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    wrapped = AESGCM(kek).encrypt(nonce, key, _aad(key_id(key), kind, username))
    return Slot(kind, _b64(salt), _b64(nonce), _b64(wrapped), username, kdf)


def _unwrap(slot: Slot, kek: bytes, kid: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        key = AESGCM(kek).decrypt(
            _unb64(slot.nonce), _unb64(slot.wrapped), _aad(kid, slot.kind, slot.username)
        )
    except (InvalidTag, ValueError):
        return None
    return key if key_id(key) == kid else None


# -- the recovery key -----------------------------------------------------------------


def format_recovery_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_recovery_code(text: str) -> str:
    """What was typed, without dashes and spaces, upper case, O/I/L read as 0/1/1."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_TYPOS)


def _recovery_slot(key: bytes) -> tuple[Slot, str]:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(RECOVERY_CHARS))
    salt = os.urandom(16)
    slot = _wrap(key, _recovery_kek(raw, salt), RECOVERY, "", salt, {"name": "hkdf-sha256"})
    return slot, format_recovery_code(raw)


def create_key(paths: Paths) -> NewKey:
    """A new database key for ``paths``: kept for this installation, ``keys.json`` written
    with its recovery slot. The recovery key is returned to be shown once."""
    key = os.urandom(KEY_BYTES)
    store_key(key)
    slot, code = _recovery_slot(key)
    write_ring(keys_file(paths), KeyRing(key_id(key), (slot,)))
    return NewKey(key, code)


def _ring_or_missing(paths: Paths) -> KeyRing:
    ring = read_ring(keys_file(paths))
    if ring is None:
        raise DatabaseError(
            f"数据目录 {paths.data_dir} 中没有 keys.json：数据库没有加密，或密钥文件丢失。"
            "从备份恢复时，请把备份旁边同名的 .keys.json 一并复制过来并命名为 keys.json。"
        )
    return ring


def _checked_ring(paths: Paths, key: bytes) -> KeyRing:
    ring = _ring_or_missing(paths)
    if ring.key_id != key_id(key):
        raise DatabaseKeyError(f"给出的密钥不是数据库 {paths.database} 的密钥，未做任何改动。")
    return ring


def _write_slots(paths: Paths, ring: KeyRing) -> None:
    """Write the data dir's ring, and the same slots into every older copy of it under
    ``backups/`` that wraps the same key (each backup's ``<name>.keys.json``, the
    ``keys.json`` a restore moved aside). The backups share the database key, so an old
    copy's slot — a replaced recovery key, a removed administrator's password — would
    otherwise still unwrap it, and with it the database and every later backup. Copies
    outside this folder (a second copy on a USB stick) are beyond reach (docs/SECURITY.md).
    """
    write_ring(keys_file(paths), ring)
    if not paths.backups.is_dir():
        return
    for copy in sorted(paths.backups.rglob(f"*{KEYS_FILE}")):
        try:
            older = read_ring(copy)
        except DatabaseError:
            continue  # not ours, or unreadable: it wraps nothing this ring could mend
        if older is not None and older.key_id == ring.key_id and older.slots != ring.slots:
            write_ring(copy, ring)


def new_recovery_key(paths: Paths, key: bytes) -> str:
    """Replace the recovery slot (the old recovery key stops working); the new recovery
    key is returned to be shown once."""
    ring = _checked_ring(paths, key)
    slot, code = _recovery_slot(key)
    others = tuple(s for s in ring.slots if s.kind != RECOVERY)
    _write_slots(paths, replace(ring, slots=(slot, *others)))
    return code


def unlock_with_recovery_key(paths: Paths, code: str, *, ring_file: Path | None = None) -> bytes:
    """Unwrap the key with the recovery key and keep it for this installation.

    ``ring_file``: another ring than the data dir's ``keys.json`` — a backup's
    ``<name>.keys.json``, when a backup from another PC is to be restored here.
    """
    ring = _ring_or_missing(paths) if ring_file is None else _ring_at(ring_file)
    raw = normalize_recovery_code(code)
    for slot in ring.slots:
        if slot.kind == RECOVERY:
            key = _unwrap(slot, _recovery_kek(raw, _unb64(slot.salt)), ring.key_id)
            if key is not None:
                store_key(key)
                return key
    older = (
        ""
        if ring_file is None
        else "这份备份要用做备份时有效的恢复密钥：之后重新生成过恢复密钥的话，请用当时的那一份。"
    )
    raise DatabaseKeyError(
        "恢复密钥不对：请核对打印或抄写的恢复密钥（共 32 个字母和数字，可以不输入短横线）。"
        f"{older}数据库未做任何改动。"
    )


def _ring_at(ring_file: Path) -> KeyRing:
    ring = read_ring(ring_file)
    if ring is None:
        raise DatabaseError(f"找不到密钥文件 {ring_file}：备份旁边应有同名的 .keys.json。")
    return ring


# -- administrators' passwords ----------------------------------------------------------


def add_password_slot(paths: Paths, key: bytes, username: str, password: str) -> None:
    """Wrap the key under ``username``'s password (a slot already there is replaced).

    Called when an administrator is created or sets a new password, so any
    administrator can unlock a moved folder or a restored backup with their password.
    """
    ring = _checked_ring(paths, key)
    salt = os.urandom(16)
    cost = PASSWORD_COST
    kdf = {"name": "argon2id", **asdict(cost)}
    slot = _wrap(key, _password_kek(password, salt, cost), PASSWORD, username, salt, kdf)
    others = tuple(s for s in ring.slots if not (s.kind == PASSWORD and s.username == username))
    _write_slots(paths, replace(ring, slots=(*others, slot)))


def replace_password_slot(paths: Paths, key: bytes, username: str, password: str) -> None:
    """After a password change: the slot is wrapped again under the new password."""
    add_password_slot(paths, key, username, password)


def remove_slot(paths: Paths, username: str) -> bool:
    """Drop ``username``'s password slot (account disabled or no longer administrator);
    False when there was none. The recovery slot is never removed here."""
    ring = _ring_or_missing(paths)
    kept = tuple(s for s in ring.slots if not (s.kind == PASSWORD and s.username == username))
    if len(kept) == len(ring.slots):
        return False
    _write_slots(paths, replace(ring, slots=kept))
    return True


def password_users(paths: Paths, *, ring_file: Path | None = None) -> list[str]:
    """Who can unlock with a password (for the unlock dialog's list); ``ring_file``: a
    backup's ring instead of the data dir's."""
    ring = read_ring(keys_file(paths) if ring_file is None else ring_file)
    return [] if ring is None else [s.username for s in ring.slots if s.kind == PASSWORD]


def unlock_with_password(
    paths: Paths, username: str, password: str, *, ring_file: Path | None = None
) -> bytes:
    """Unwrap the key with an administrator's password and keep it for this installation
    (``ring_file``: as for ``unlock_with_recovery_key``)."""
    ring = _ring_or_missing(paths) if ring_file is None else _ring_at(ring_file)
    for slot in ring.slots:
        if slot.kind == PASSWORD and slot.username == username:
            kdf = slot.kdf
            cost = KdfCost(t=int(kdf["t"]), m=int(kdf["m"]), p=int(kdf["p"]))
            key = _unwrap(slot, _password_kek(password, _unb64(slot.salt), cost), ring.key_id)
            if key is not None:
                store_key(key)
                return key
            break
    raise DatabaseKeyError(
        f"用户「{username}」的密码不对，或该用户不是可以解锁数据库的管理员。"
        "请核对后重试，或改用恢复密钥解锁。数据库未做任何改动。"
    )
