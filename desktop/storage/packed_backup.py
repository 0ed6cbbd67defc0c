"""Compressed, encrypted backups (``.udbak``): the registry's pages, zlib'd, then AES-GCM.

``Database.backup`` first copies the open registry with SQLite's online backup API into a
SQLCipher ``.part`` file and checks it (``health.verify_backup``). That copy is as large
as the registry, and its encrypted pages do not compress. This module then packs it:
the pages are decrypted in memory (``cipher_pages``), compressed in chunks and sealed
again, so the plain pages never touch the disk. Unpacking writes a SQLCipher file under
the same key again, which SQLite checks before a restore uses it.

File layout::

    MAGIC (8 bytes) | header length (4, big-endian) | header (JSON, UTF-8)
    chunk*: length (4, big-endian) | AES-256-GCM(zlib(page bodies))

The header says what the file is without any key (format, schema revision, page count,
the key's id, the SQLCipher salt, the salt of this file's own key); it holds nothing
personal. Each chunk holds ``PAGES_PER_CHUNK`` pages compressed on their own, sealed
under a key derived from the database key with HKDF-SHA256 and this file's salt; its
nonce is its index, and its associated data binds the header's hash, the index and
whether it is the last one — so a changed header, chunks swapped, dropped or appended,
or a file cut short are all refused, not restored from.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from desktop.storage import cipher_pages

if TYPE_CHECKING:  # ``cryptography`` loads only when a backup is written or read
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"UDBAK\x00\x01\n"
SUFFIX = ".udbak"
FORMAT = 1
PAGES_PER_CHUNK = 256  # 1 MiB of pages: big enough for zlib, small enough to stream
#: zlib's level: 3 packs a registry ~4.3× at ~80 MB/s of pages on one core; 6 gains
#: another tenth of the size for twice the time (docs/benchmarks.md, "compressed backups").
LEVEL = 3
_INFO = b"uniondesk packed backup 1"
_MAX_HEADER = 64 * 1024
_MAX_CHUNK = 2 * PAGES_PER_CHUNK * cipher_pages.PAGE_SIZE + 1024


class PackedBackupError(ValueError):
    """A packed backup that cannot be trusted; the message is the clerk's (Chinese)."""


@dataclass(frozen=True)
class Header:
    """What a packed backup says about itself without its key."""

    revision: str
    pages: int
    key_id: str
    cipher_salt: bytes
    file_salt: bytes
    raw: bytes  # the header's bytes as written: bound into every chunk

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "revision": self.revision,
                "pages": self.pages,
                "page_size": cipher_pages.PAGE_SIZE,
                "key_id": self.key_id,
                "cipher_salt": self.cipher_salt.hex(),
                "file_salt": self.file_salt.hex(),
                "pages_per_chunk": PAGES_PER_CHUNK,
            },
            sort_keys=True,
        ).encode("utf-8")


def is_packed(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _aead(key: bytes, file_salt: bytes) -> AESGCM:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=file_salt, info=_INFO).derive(key)
    return AESGCM(derived)


def _nonce(index: int) -> bytes:
    return struct.pack(">Q", index) + b"\x00\x00\x00\x00"


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return hashlib.sha256(MAGIC + header).digest() + struct.pack(">QB", index, int(last))


def _chunks(bodies: Iterable[bytes]) -> Iterator[bytes]:
    group: list[bytes] = []
    for body in bodies:
        group.append(body)
        if len(group) == PAGES_PER_CHUNK:
            yield zlib.compress(b"".join(group), LEVEL)
            group = []
    if group:
        yield zlib.compress(b"".join(group), LEVEL)


def pack(source: Path, out: BinaryIO, key: bytes, *, revision: str, key_id: str) -> int:
    """Write the SQLCipher file ``source`` (closed, checked) to ``out`` packed; returns
    the page count. Raises ``cipher_pages.CipherLayoutError``/``PageAuthError`` when the
    source cannot be read page by page (the caller keeps the uncompressed copy then)."""
    size = source.stat().st_size
    header = Header(
        revision=revision,
        pages=size // cipher_pages.PAGE_SIZE,
        key_id=key_id,
        cipher_salt=cipher_pages.read_salt(source),
        file_salt=os.urandom(16),
        raw=b"",
    )
    raw = header.to_json()
    aead = _aead(key, header.file_salt)
    out.write(MAGIC + struct.pack(">I", len(raw)) + raw)
    index = 0
    pending: bytes | None = None
    for chunk in _chunks(cipher_pages.read_pages(source, key)):
        if pending is not None:
            _write_chunk(out, aead, raw, index, pending, last=False)
            index += 1
        pending = chunk
    if pending is None:
        raise cipher_pages.CipherLayoutError("no pages")
    _write_chunk(out, aead, raw, index, pending, last=True)
    return header.pages


def _write_chunk(
    out: BinaryIO, aead: AESGCM, raw: bytes, index: int, data: bytes, *, last: bool
) -> None:
    sealed = aead.encrypt(_nonce(index), data, _aad(raw, index, last))
    out.write(struct.pack(">I", len(sealed)) + sealed)


def read_header(path: Path) -> Header:
    """The header of the packed backup at ``path`` (no key needed)."""
    try:
        with path.open("rb") as fh:
            return _read_header(fh)
    except OSError as exc:
        raise PackedBackupError(f"无法读取：{exc.strerror or type(exc).__name__}") from exc


def _read_header(fh: BinaryIO) -> Header:
    if fh.read(len(MAGIC)) != MAGIC:
        raise PackedBackupError("不是工会桌面通的压缩备份文件")
    (length,) = struct.unpack(">I", fh.read(4).rjust(4, b"\xff"))
    if length > _MAX_HEADER:
        raise PackedBackupError("备份文件头已损坏")
    raw = fh.read(length)
    try:
        data = json.loads(raw.decode("utf-8"))
        if data["format"] != FORMAT or data["page_size"] != cipher_pages.PAGE_SIZE:
            raise PackedBackupError("备份文件由更新版本的工会桌面通写入，当前程序无法读取")
        return Header(
            revision=str(data["revision"]),
            pages=int(data["pages"]),
            key_id=str(data["key_id"]),
            cipher_salt=bytes.fromhex(data["cipher_salt"]),
            file_salt=bytes.fromhex(data["file_salt"]),
            raw=raw,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PackedBackupError("备份文件头已损坏") from exc


def bodies(path: Path, key: bytes) -> Iterator[bytes]:
    """The page bodies of the packed backup at ``path``, each chunk authenticated first.

    Raises ``PackedBackupError`` (Chinese) for a changed, reordered, cut or extended file,
    or the wrong key.
    """
    with path.open("rb") as fh:
        header = _read_header(fh)
        aead = _aead(key, header.file_salt)
        pgno, index, last = 0, 0, False
        while not last:
            size_bytes = fh.read(4)
            if len(size_bytes) < 4:
                raise PackedBackupError(f"文件不完整（在第 {index + 1} 块处截断）")
            (size,) = struct.unpack(">I", size_bytes)
            sealed = fh.read(size) if size <= _MAX_CHUNK else b""
            if len(sealed) != size:
                raise PackedBackupError(f"文件不完整（第 {index + 1} 块缺少数据）")
            opened = _open_chunk(aead, header.raw, index, sealed)
            if opened is None:
                raise PackedBackupError(
                    f"第 {index + 1} 块校验未通过：文件已被改动或损坏，或不是用本库的密钥写入"
                )
            data, last = opened
            try:
                plain = zlib.decompress(data)
            except zlib.error as exc:
                raise PackedBackupError(f"第 {index + 1} 块无法解压") from exc
            offset = 0
            while offset < len(plain):
                pgno += 1
                length = cipher_pages.BODY - (cipher_pages.SALT_SIZE if pgno == 1 else 0)
                body = plain[offset : offset + length]
                if len(body) != length:
                    raise PackedBackupError(f"第 {index + 1} 块的页不完整")
                offset += length
                yield body
            index += 1
        if fh.read(1):
            raise PackedBackupError("文件末尾有多余的数据")
        if pgno != header.pages:
            raise PackedBackupError(f"页数 {pgno} 与文件头记载的 {header.pages} 不符")


def _open_chunk(aead: AESGCM, raw: bytes, index: int, sealed: bytes) -> tuple[bytes, bool] | None:
    """The chunk's plain data and whether it was sealed as the last; None when it fails
    both ways (changed, moved to another place, or sealed under another key)."""
    from cryptography.exceptions import InvalidTag

    for last in (False, True):
        try:
            return aead.decrypt(_nonce(index), sealed, _aad(raw, index, last)), last
        except InvalidTag:
            continue
    return None


def check(path: Path, key: bytes) -> list[str]:
    """Why the packed backup at ``path`` cannot be trusted (Chinese); empty when it can:
    every chunk authenticates and decompresses and the page count is the header's."""
    try:
        for _ in bodies(path, key):
            pass
    except PackedBackupError as exc:
        return [str(exc)]
    except OSError as exc:
        return [f"无法读取：{exc.strerror or type(exc).__name__}"]
    return []


def unpack(path: Path, out: BinaryIO, key: bytes) -> int:
    """Write the packed backup at ``path`` to ``out`` as a SQLCipher file under ``key``
    (fresh IVs, the original salt); returns the page count. Raises ``PackedBackupError``."""
    header = read_header(path)
    return cipher_pages.write_pages(out, bodies(path, key), key, header.cipher_salt)
