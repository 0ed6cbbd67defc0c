"""Where UnionDesk keeps its files.

The data dir holds the database and its automatic backups. It comes from ``--data-dir``,
then ``UNIONDESK_DATA_DIR``, then the platform's user data dir, so one PC can keep several
offices apart and tests never touch the real one. The installation's own state (its secret
and the node markers that tell a copied or restored database) lives outside every data
dir: ``UNIONDESK_STATE_DIR``, else the platform's user state dir (docs/SYNC.md). It is made
0700 on Linux (``desktop.private_files``); on Windows it lives under the user's profile.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir, user_state_dir

from desktop.errors import DatabaseError, StorageFullError, storage_error
from desktop.private_files import private_dir

ENV_DATA_DIR = "UNIONDESK_DATA_DIR"
ENV_STATE_DIR = "UNIONDESK_STATE_DIR"
DB_FILENAME = "uniondesk.db"
#: The hub's database URL (PostgreSQL), when the registry is not the data dir's file.
ENV_DATABASE_URL = "UNIONDESK_DATABASE_URL"
#: A file in the data dir holding the hub's URL on its first line (the local setting).
DATABASE_URL_FILENAME = "database-url"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    #: The hub's database URL (``postgresql+psycopg://…``); None: the SQLite file in
    #: ``data_dir``. It may hold a password: never print or log it
    #: (``desktop.storage.engines.masked``).
    database_url: str | None = field(default=None, repr=False)

    @property
    def database(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def node_marker(self) -> Path:
        """The marker older versions kept in the data dir. It travels with a copied folder,
        so it is only read once, to carry an existing database over to ``identity_marker``."""
        return self.data_dir / "node-marker.json"

    @property
    def identity_marker(self) -> Path:
        """This database's node id and highest counter, kept in the installation's state
        dir (not in the data dir): a copied folder or a restored file cannot bring it along."""
        key = hashlib.sha256(str(self.database).encode("utf-8")).hexdigest()[:32]
        return state_dir() / "nodes" / f"{key}.json"

    @property
    def exports(self) -> Path:
        return self.data_dir / "exports"

    @property
    def tmp(self) -> Path:
        """The data dir's own temp folder: emptied at every start (killed exports)."""
        return self.data_dir / "tmp"


def default_data_dir() -> Path:
    return Path(user_data_dir("UnionDesk", appauthor=False))


def state_dir() -> Path:
    """Where this installation keeps its secret and node markers (outside any data dir)."""
    chosen = os.environ.get(ENV_STATE_DIR)
    if chosen:
        return Path(chosen).expanduser().resolve()
    # its own app name: on Windows and macOS the user state dir is the user data dir, and
    # the default data dir must not hold what a copy of it is recognised by
    return Path(user_state_dir("UnionDesk-Installation", appauthor=False))


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> Paths:
    """The data dir, and the hub's URL when one is chosen: ``database_url`` (the
    ``--database-url`` option), else ``UNIONDESK_DATABASE_URL``, else the first line of
    the data dir's ``database-url`` file; none of them: the SQLite file."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR) or default_data_dir()
    folder = Path(chosen).expanduser().resolve()
    url = database_url or os.environ.get(ENV_DATABASE_URL) or _url_setting(folder)
    return Paths(folder, url.strip() if url and url.strip() else None)


def _url_setting(data_dir: Path) -> str | None:
    """The first line of ``<data dir>/database-url`` that is not blank or a ``#`` comment.

    A file, not a row of the registry: the URL says where the registry is. It may hold a
    password, so keep it owner-only (the data dir is made 0700 on Linux)."""
    try:
        lines = (data_dir / DATABASE_URL_FILENAME).read_text("utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatabaseError(
            f"无法读取总库连接设置文件 {data_dir / DATABASE_URL_FILENAME}：{exc}。"
            "请检查该文件的权限和编码（UTF-8），或删除它以使用本机登记库。"
        ) from exc
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    return None


def ensure_writable(paths: Paths) -> None:
    """Create the data dir and prove it is writable before any database work starts."""
    if paths.data_dir.exists() and not paths.data_dir.is_dir():
        raise DatabaseError(
            f"数据目录「{paths.data_dir}」是一个文件，不是文件夹。请用 --data-dir 指定一个文件夹。"
        )
    try:
        private_dir(paths.data_dir)
        # named per process and thread: two windows (or a window and a command) opening
        # one folder at once unlinked each other's probe (issue #25's parallel tests)
        probe = paths.data_dir / f".write-probe-{os.getpid()}-{threading.get_ident()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        full = storage_error(exc, path=paths.data_dir)
        if isinstance(full, StorageFullError):
            raise full from exc
        raise DatabaseError(
            f"数据目录无法写入：{paths.data_dir}（{exc.strerror or exc}）。"
            "请换一个有写入权限的目录，或用 --data-dir 指定。"
        ) from exc
