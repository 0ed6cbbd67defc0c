"""An older copy of the registry file put back in place, the way a technician restores one
from a folder copy: the file itself, without the program's restore (no identity care, no
audit entry). Tests of what sync does with such a copy take it from a backup: a packed
backup is unpacked into the registry file (the file it was packed from)."""

from __future__ import annotations

from pathlib import Path

from desktop.storage import keys, packed_backup


def put_back(backup: Path, database: Path) -> None:
    """Replace ``database`` (closed) with the file ``backup`` was made from; its ``-wal``
    and ``-shm`` go, as a careful technician removes them."""
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    key = keys.key_for_file(backup)
    assert key is not None and packed_backup.is_packed(backup)
    with database.open("wb") as out:
        packed_backup.unpack(backup, out, key)
