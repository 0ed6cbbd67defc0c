"""This installation's secret: what a copied data folder or database cannot bring along.

The secret is 32 random bytes in the installation's state dir (``config.state_dir``: the
user's state dir, never inside a data dir). A database records the binding it was last
opened under, HMAC(secret, database path); a copy opened on another PC (another secret) or
from another folder (another path) no longer matches it and takes a fresh node identity
before its next write (``identity.check_binding``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from desktop.config import state_dir
from desktop.errors import DatabaseError
from desktop.private_files import private_dir, write_private

_SECRET_FILE = "installation-secret"


def _fail(folder: Path, exc: OSError) -> DatabaseError:
    return DatabaseError(
        f"无法写入本机的安装信息目录「{folder}」（{exc.strerror or exc}）。"
        "请检查该目录的权限，或用环境变量 UNIONDESK_STATE_DIR 指定一个可写的目录。"
    )


def secret() -> bytes:
    """This installation's secret, made on first use."""
    folder = state_dir()
    path = folder / _SECRET_FILE
    try:
        raw = path.read_text("ascii").strip()
        value = bytes.fromhex(raw)
        if len(value) == 32:
            return value
    except FileNotFoundError:
        pass
    except (OSError, ValueError, UnicodeError):
        pass  # unreadable or damaged: a new secret only costs a fresh node identity
    value = os.urandom(32)
    try:
        private_dir(folder)
        write_private(path, value.hex().encode("ascii"))
    except OSError as exc:
        raise _fail(folder, exc) from exc
    return value


def binding(database: Path) -> str:
    """What ties a node identity to this installation and this database file's place."""
    where = str(database.resolve()).encode("utf-8")
    return hmac.new(secret(), b"uniondesk-binding:" + where, hashlib.sha256).hexdigest()


def ensure_marker_dir(marker: Path) -> None:
    try:
        private_dir(marker.parent)
    except OSError as exc:
        raise _fail(marker.parent, exc) from exc
