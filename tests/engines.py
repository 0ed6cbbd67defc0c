"""Both engines in the tests (issue #25 item 6): a module marked ``both_engines`` runs each
of its tests that asks for ``db`` twice, once on a SQLite file (as every other test) and
once on a fresh PostgreSQL database, so the services are checked on the hub by the very
tests that check them on an office's file, not by copies of them.

Why a marker and the ``db`` fixture, not a second fixture name: the modules' own fixtures
(``people``, ``federation`` …) take ``db`` and follow it to PostgreSQL unchanged. A test
that is SQLite by nature (file bytes, PRAGMA, WAL, SQLCipher) keeps one run with
``@pytest.mark.sqlite_only("why")``.

Cost: the migrated schema is made once per session in a template database (the chain
and the hub's search and capture set-up take seconds); each test's database is
``CREATE DATABASE … TEMPLATE`` of it (a file copy on the server, ~0.1 s), opened at head
(no migration), and dropped after the test. The identity rows are stripped from the
template so each copy makes its own node identity, as a SQLite copy does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.pg_server import PostgresServer

if TYPE_CHECKING:
    from desktop.storage.database import Database

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

#: The marker names; registered in pyproject.toml.
BOTH = "both_engines"
SQLITE_ONLY = "sqlite_only"


def parametrize(metafunc: pytest.Metafunc) -> None:
    """Give a ``both_engines`` test that uses ``db`` one run per engine (the
    PostgreSQL run marked ``postgres``: skipped where there is no server)."""
    if "db_engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker(BOTH) is None:
        return
    if metafunc.definition.get_closest_marker(SQLITE_ONLY) is not None:
        return
    metafunc.parametrize(
        "db_engine",
        [SQLITE, pytest.param(POSTGRESQL, marks=pytest.mark.postgres)],
        indirect=True,
    )


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> str:
    """The engine this run of the test is on (SQLite unless parametrized)."""
    return str(getattr(request, "param", SQLITE))


def _superuser(server: PostgresServer, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head, with no node identity yet: the template every
    test's hub database is copied from."""
    from desktop.config import resolve_paths
    from desktop.opening import open_database

    name = f"ud_template_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    folder = tmp_path_factory.mktemp("pg-template")
    db = open_database(resolve_paths(folder, pg_server.url(name)))
    try:
        with db.connect() as conn:
            conn.exec_driver_sql("DELETE FROM sync_context")
            conn.exec_driver_sql("DELETE FROM sync_clock")
            conn.exec_driver_sql("DELETE FROM sync_node")
    finally:
        db.close()
    return name


def make_pg_db(server: PostgresServer, template: str, folder: Path) -> tuple[Database, str]:
    """A fresh hub database copied from ``template``, opened with ``folder`` as its
    data dir; returns it and its name (to drop)."""
    from desktop.config import DATABASE_URL_FILENAME, resolve_paths
    from desktop.opening import open_database

    name = f"ud_{uuid.uuid4().hex[:12]}"
    _superuser(server, f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    folder.mkdir(parents=True, exist_ok=True)
    # the data dir's setting names the hub: the CLI run on this data dir opens it too
    (folder / DATABASE_URL_FILENAME).write_text(server.url(name) + "\n", encoding="utf-8")
    return open_database(resolve_paths(folder)), name


def drop_pg_db(server: PostgresServer, name: str) -> None:
    _superuser(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_server: PostgresServer, pg_template: str, data_dir: Path) -> Iterator[Database]:
    """A fresh, migrated hub database with its own node identity and no federation."""
    database, name = make_pg_db(pg_server, pg_template, data_dir)
    try:
        yield database
    finally:
        database.close()
        drop_pg_db(pg_server, name)
