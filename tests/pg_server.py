"""A throw-away PostgreSQL server for tests and benchmarks: Debian's binaries, a temporary
cluster, a Unix socket inside it (no TCP port to clash with another run or helper).

``PostgresServer`` is a plain context manager (benchmarks/hub_search.py uses it alone);
``pg_server``, ``pg_engine`` and ``pg_conn`` are the pytest fixtures over it, registered
from tests/conftest.py. Tests that need the server are marked ``@pytest.mark.postgres``
and are skipped with the reason when no PostgreSQL binaries (or no psycopg) are found, so
a PC without PostgreSQL still runs the suite; CI installs Debian's ``postgresql``.

initdb refuses to run as root: as root, the cluster's folder is given to the ``postgres``
system user (made by Debian's package) and initdb and pg_ctl run as that user through
``runuser``. The cluster is started with fsync off (nothing here must survive a crash),
which with ``initdb --no-sync`` keeps the start-up near a second.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


def _uid() -> int:
    """The effective user id (-1 on Windows, which has none)."""
    geteuid = getattr(os, "geteuid", None)
    return int(geteuid()) if geteuid is not None else -1


def _is_root() -> bool:
    return _uid() == 0


def _owner_ids() -> tuple[int, int]:
    import pwd  # Unix only: imported where the root case needs it

    entry = pwd.getpwnam(SUPERUSER)
    return entry.pw_uid, entry.pw_gid


PORT = 5432  # names the socket file in the cluster's own folder; no TCP listener
SUPERUSER = "postgres"
TEST_DATABASE = "uniondesk_test"

# Enough for tests; the benchmark passes larger memory settings.
QUICK_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "listen_addresses": "",
    "max_connections": "20",
    "shared_buffers": "32MB",
}


def find_bindir() -> Path | None:
    """The newest PostgreSQL server binaries: $UNIONDESK_PG_BINDIR, Debian's
    /usr/lib/postgresql/<version>/bin, or initdb on the PATH; None when there are none."""
    chosen = os.environ.get("UNIONDESK_PG_BINDIR")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").exists() else None
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def why_unavailable() -> str | None:
    """Why the tests cannot have a server here (None: they can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]'): PostgreSQL tests skipped"
    if find_bindir() is None:
        return "no PostgreSQL binaries (apt-get install postgresql): PostgreSQL tests skipped"
    if _is_root():
        try:
            _owner_ids()
        except KeyError:
            return "running as root without a postgres system user, initdb cannot run: skipped"
        if shutil.which("runuser") is None:
            return "running as root without runuser, initdb cannot run: skipped"
    return None


def _as_owner(*command: str, log: Path | None = None) -> None:
    """Run a command as the cluster's owner (``postgres`` when we are root)."""
    if _is_root():
        command = ("runuser", "-u", SUPERUSER, "--", *command)
    # from the temp folder: the owner may not be allowed into the test run's folder
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir()
    )
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()}\n{tail}")


def _own_folder(parent: Path | None = None) -> Path:
    """A new temporary folder the cluster's owner may write."""
    folder = Path(tempfile.mkdtemp(prefix="ud-pg-", dir=parent))
    if _is_root():
        os.chown(folder, *_owner_ids())
    return folder


def _template(bindir: Path) -> Path:
    """A freshly initdb'd cluster, made once per PC, binaries and user, then copied for
    each server: initdb takes 2-5 s on a busy 2-core machine, a copy a tenth of that."""
    key = "".join(c if c.isalnum() else "_" for c in str(bindir))
    template = Path(tempfile.gettempdir()) / f"uniondesk-pg-template-{_uid()}-{key}"
    if (template / "PG_VERSION").exists():
        return template
    work = _own_folder()
    try:
        _as_owner(
            str(bindir / "initdb"),
            "-D",
            str(work / "data"),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        try:
            os.rename(work / "data", template)  # atomic: a parallel run made it or we did
        except OSError:
            if not (template / "PG_VERSION").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return template


class PostgresServer:
    """A temporary cluster, started on entry and stopped (and deleted) on exit."""

    def __init__(self, settings: Mapping[str, str] | None = None, parent: Path | None = None):
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL binaries found")
        self.bindir = bindir
        self.settings = {**QUICK_SETTINGS, **(settings or {})}
        self._parent = parent
        self.folder = Path()

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq connection string (psycopg.connect)."""
        return f"host={self.socket_dir} port={PORT} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str = "postgres") -> str:
        """A SQLAlchemy URL over psycopg 3 and the Unix socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={PORT}"

    def _run(self, *args: str) -> None:
        _as_owner(str(self.bindir / args[0]), *args[1:], log=self.folder / "server.log")

    def start(self) -> PostgresServer:
        # A short path: the socket's full path must fit in 107 bytes.
        self.folder = _own_folder(self._parent)
        _as_owner("cp", "-a", str(_template(self.bindir)), str(self.data_dir))
        options = " ".join(
            f"-c {name}={value}" if value else f"-c {name}=''"
            for name, value in self.settings.items()
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            f"-k {self.socket_dir} -p {PORT} {options}",
            "start",
        )
        return self

    def stop(self) -> None:
        if not self.folder.name:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = Path()

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throw-away PostgreSQL server for the session (skips when there is none)."""
    reason = why_unavailable()
    if reason is not None:
        pytest.skip(reason)
    with PostgresServer() as server:
        server.create_database(TEST_DATABASE)
        yield server


@pytest.fixture(scope="session")
def pg_engine(pg_server: PostgresServer) -> Iterator[Engine]:
    """A SQLAlchemy engine (psycopg 3) on the session's test database."""
    from sqlalchemy import create_engine

    engine = create_engine(pg_server.url(TEST_DATABASE))
    yield engine
    engine.dispose()


@pytest.fixture
def pg_conn(pg_engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test: each test
    sees an empty database (DDL is transactional in PostgreSQL) and leaves nothing."""
    with pg_engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()
