"""Helpers for the damaged-database tests: a filled registry and 16 KB overwritten in it."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

from desktop.config import Paths
from desktop.demo import generate as demo
from desktop.opening import open_database

DAMAGE = 16 * 1024


def filled_registry(template: Path, folder: Path, members: int = 1500) -> Path:
    """A data dir holding a demo registry, checkpointed and closed (no -wal left)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / "uniondesk.db")
    shutil.copyfile(template.parent / "keys.json", folder / "keys.json")
    db = open_database(Paths(folder))
    try:
        demo.fill_demo(db, members=members, unions=10, seed=3)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return folder


def copy_registry(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder)
    # a copied folder takes its own sync identity at its first start (docs/SYNC.md); done
    # here, so the writes of that start are settled before a test damages the file
    open_database(Paths(folder)).close()
    return folder


def damage(path: Path) -> None:
    """Overwrite 16 KB in the middle of the file, as a failing disk or a bad copy does."""
    size = path.stat().st_size
    noise = random.Random(17).randbytes(DAMAGE)
    with path.open("r+b") as fh:
        fh.seek(size // 2 - DAMAGE // 2)
        fh.write(noise)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
