"""SQLCipher 4's page layout, read and written page by page, for compressed backups.

A compressed backup must compress the registry's *plain* pages (encrypted pages do not
compress) without ever writing them to disk, and the driver offers no way to hand them
over in memory (no ``sqlite_dbpage``, no ``serialize``, and SQLCipher's backup API
refuses a plain destination). So this module reads a closed SQLCipher file's pages and
decrypts them in memory, and writes pages back as a SQLCipher file, with the same
primitives SQLCipher uses (``cryptography``'s AES and the standard library's HMAC and
PBKDF2), for the settings ``rawconn`` opens every file with — SQLCipher 4's defaults
under a raw 256-bit key:

* pages of 4,096 bytes; the first 16 bytes of the file are the salt; each page ends in
  80 reserved bytes: a 16-byte IV, a 64-byte HMAC-SHA512;
* the page body (bytes 16…4015 of page 1, 0…4015 of the others) is AES-256-CBC under the
  raw key with that IV; the HMAC covers the encrypted body, the IV and the page number
  (4 bytes, little-endian) under a key from PBKDF2-HMAC-SHA512(raw key, salt XOR 0x3a,
  2 rounds, 32 bytes).

Every page's HMAC is checked on reading, so a flipped bit in the source is an error
here, never a backup that carries it. ``tests/unit/test_cipher_pages.py`` holds both
directions against the real driver (a file SQLCipher wrote is read here; a file written
here is opened and checked by SQLCipher), so a driver that changed its layout fails the
suite, and ``read_pages`` refuses a file whose first page does not declare this layout
(``CipherLayoutError``): the backup then stays an uncompressed SQLCipher copy.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

PAGE_SIZE = 4096
SALT_SIZE = 16
IV_SIZE = 16
HMAC_SIZE = 64
RESERVE = IV_SIZE + HMAC_SIZE  # 80: already a multiple of the AES block
BODY = PAGE_SIZE - RESERVE
SQLITE_HEADER = b"SQLite format 3\x00"
#: SQLite's lock-byte page: the page holding byte 1 GiB (``PENDING_BYTE``) is never used
#: nor written, so in a file over 1 GiB it is a page of zeros with no HMAC. A backup of a
#: registry that large (some 600,000 members) failed its check on it, and with it every
#: import and the backup before a program upgrade.
LOCK_PAGE = 0x40000000 // PAGE_SIZE + 1
_HMAC_SALT_MASK = 0x3A
_HMAC_KDF_ROUNDS = 2


class CipherLayoutError(ValueError):
    """The file is not laid out the way this module reads (another page size or codec)."""


class PageAuthError(ValueError):
    """A page's HMAC does not match: the file was changed or damaged after it was written."""

    def __init__(self, pgno: int) -> None:
        super().__init__(f"page {pgno} fails its HMAC")
        self.pgno = pgno


def hmac_key(key: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac(
        "sha512", key, bytes(b ^ _HMAC_SALT_MASK for b in salt), _HMAC_KDF_ROUNDS, 32
    )


def _mac(mac_key: bytes, body: bytes, iv: bytes, pgno: int) -> bytes:
    return hmac.new(mac_key, body + iv + struct.pack("<I", pgno), hashlib.sha512).digest()


def read_salt(path: Path) -> bytes:
    with path.open("rb") as fh:
        salt = fh.read(SALT_SIZE)
    if len(salt) != SALT_SIZE:
        raise CipherLayoutError("file shorter than its salt")
    return salt


def read_pages(path: Path, key: bytes, *, lock_page: int = LOCK_PAGE) -> Iterator[bytes]:
    """The plain body of each page of the SQLCipher file at ``path``, in order.

    Page 1's body starts after the salt (it is the plain page from byte 16). The lock-byte
    page (``LOCK_PAGE``; a parameter for tests, which cannot make 1 GiB files) is read as
    zeros, unchecked: SQLite never writes it. Raises ``PageAuthError`` for a page that
    fails its HMAC, ``CipherLayoutError`` when the file is not whole pages or page 1 does
    not declare 4,096-byte pages with 80 reserved bytes. The file must not be written
    meanwhile (a backup's closed ``.part``).
    """
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    size = path.stat().st_size
    if size == 0 or size % PAGE_SIZE:
        raise CipherLayoutError(f"file of {size} bytes is not whole pages")
    salt = read_salt(path)
    mac_key = hmac_key(key, salt)
    aes = algorithms.AES(key)
    with path.open("rb") as fh:
        pgno = 0
        while page := fh.read(PAGE_SIZE):
            pgno += 1
            if pgno == lock_page:
                yield bytes(BODY)
                continue
            start = SALT_SIZE if pgno == 1 else 0
            body, iv = page[start:BODY], page[BODY : BODY + IV_SIZE]
            if not hmac.compare_digest(page[BODY + IV_SIZE :], _mac(mac_key, body, iv, pgno)):
                raise PageAuthError(pgno)
            decryptor = Cipher(aes, modes.CBC(iv)).decryptor()
            plain = decryptor.update(body) + decryptor.finalize()
            if pgno == 1:
                _check_first_page(plain)
            yield plain


def _check_first_page(body: bytes) -> None:
    # the plain header from byte 16: page size (2 bytes, big-endian), …, reserved bytes (byte 20)
    page_size = struct.unpack(">H", body[0:2])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size != PAGE_SIZE or body[4] != RESERVE:
        raise CipherLayoutError(f"page size {page_size}, reserve {body[4]}")


def write_pages(
    out: BinaryIO, bodies: Iterable[bytes], key: bytes, salt: bytes, *, lock_page: int = LOCK_PAGE
) -> int:
    """Write ``bodies`` (as ``read_pages`` yields them) to ``out`` as a SQLCipher file
    under ``key`` and ``salt``, each page with a fresh random IV; returns the page count.
    The lock-byte page is written as SQLite leaves it: zeros."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    mac_key = hmac_key(key, salt)
    aes = algorithms.AES(key)
    pgno = 0
    for body in bodies:
        pgno += 1
        expected = BODY - (SALT_SIZE if pgno == 1 else 0)
        if len(body) != expected:
            raise CipherLayoutError(f"page {pgno} body of {len(body)} bytes, not {expected}")
        if pgno == lock_page:
            out.write(bytes(PAGE_SIZE))
            continue
        iv = os.urandom(IV_SIZE)
        encryptor = Cipher(aes, modes.CBC(iv)).encryptor()
        sealed = encryptor.update(body) + encryptor.finalize()
        out.write((salt if pgno == 1 else b"") + sealed + iv + _mac(mac_key, sealed, iv, pgno))
    return pgno
