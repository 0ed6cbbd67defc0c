"""Both engines in the tests (issue #25 item 6): a module marked ``both_engines`` runs each
of its tests that asks for ``db`` twice, once on a SQLite file (as every other test) and
once on a fresh PostgreSQL database, so the services are checked on the hub by the very
tests that check them on an office's file, not by copies of them.

Why a marker and the ``db`` fixture, not a second fixture name: the modules' own fixtures
(``people``, ``federation`` …) take ``db`` and follow it to PostgreSQL unchanged. A test
that is SQLite by nature (file bytes, PRAGMA, WAL, SQLCipher) keeps one run with
``@pytest.mark.sqlite_only("why")``.

Cost: the chain (and the hub's search and capture set-up) runs once per session, into
one database; its seeded rows (settings, code lists, the revision) are copied aside, and
before each test every table holding rows is emptied and the seeded ones refilled
(~20 ms). ``CREATE DATABASE … TEMPLATE`` of a migrated database was measured first: 0.45 s
a test on the loaded 2-core machine (56 tables' files copied and a checkpoint), 117
runs → ~55 s of the suite's budget; the reset costs a tenth of that. The identity rows
are stripped once, so each test makes its own node identity, as a SQLite copy does.
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


SEED_SCHEMA = "ud_seed"


class HubTemplate:
    """The session's hub database, migrated once, and how to bring it back to its
    just-migrated state between tests (``reset``)."""

    def __init__(self, server: PostgresServer, name: str) -> None:
        import psycopg

        self.server = server
        self.name = name
        self.url = server.url(name)
        self._conn = psycopg.connect(server.conninfo(name), autocommit=True)
        tables = [
            str(row[0])
            for row in self._conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        self.seeded: list[str] = []
        for table in tables:
            if self._conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone() == (True,):
                self.seeded.append(table)
        self.unseeded = [t for t in tables if t not in self.seeded]
        self._conn.execute(f"CREATE SCHEMA {SEED_SCHEMA}")
        for table in self.seeded:
            self._conn.execute(
                f'CREATE TABLE {SEED_SCHEMA}."{table}" AS SELECT * FROM public."{table}"'
            )
        # which unseeded tables hold rows now: one statement
        self._filled = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM public.\"{t}\")" for t in self.unseeded
        )

    def reset(self) -> None:
        """Back to the migrated state: other sessions ended, every table emptied that
        holds rows, the seeded ones (settings, code lists, the revision) refilled as
        migrated. Triggers (capture's refusals, foreign keys, counts) are off for it
        (``session_replication_role = replica``). Identity sequences move on: rowids
        keep insertion order, which is all the services read from them."""
        conn = self._conn
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            filled = [str(row[0]) for row in conn.execute(self._filled)]  # type: ignore[arg-type]
            for table in filled:
                conn.execute(f'DELETE FROM public."{table}"')
            for table in self.seeded:
                conn.execute(f'DELETE FROM public."{table}"')
                conn.execute(
                    f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM {SEED_SCHEMA}."{table}"'
                )

    def close(self) -> None:
        self._conn.close()


@pytest.fixture(scope="session")
def pg_template(
    pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubTemplate]:
    """The session's hub database: migrated to head once, with no node identity yet;
    every ``both_engines`` test's PostgreSQL run gets it reset to that state."""
    from desktop.config import resolve_paths
    from desktop.opening import open_database

    name = f"ud_hub_{uuid.uuid4().hex[:8]}"
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
    template = HubTemplate(pg_server, name)
    yield template
    template.close()


@pytest.fixture
def pg_db(pg_template: HubTemplate, data_dir: Path) -> Iterator[Database]:
    """The session's hub database as just migrated, with a new node identity and no
    federation, opened with ``data_dir`` as this PC's data dir. The data dir's setting
    (``database-url``) names the hub, so the CLI run on this data dir opens it too."""
    from desktop.config import DATABASE_URL_FILENAME, resolve_paths
    from desktop.opening import open_database

    pg_template.reset()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DATABASE_URL_FILENAME).write_text(pg_template.url + "\n", encoding="utf-8")
    database = open_database(resolve_paths(data_dir))
    # The reset emptied the hub's audit trail: a new hub to this installation, whose
    # anchor (kept per hub, not per data dir) the previous test's trail must not hold.
    from desktop.services.audit import anchor

    anchor.anchor_path(database).unlink(missing_ok=True)
    try:
        yield database
    finally:
        database.close()
