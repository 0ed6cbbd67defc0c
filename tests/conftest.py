"""Shared fixtures: every test gets a real SQLite file in tmp_path.

Migrating a database takes a few hundred milliseconds, so one migrated template is made
per test session and copied for each test (Anki's trick), identity marker and all
stripped so every copy starts as a brand-new installation with its own node keys.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop import acting, clock  # noqa: E402
from desktop.config import ENV_STATE_DIR, Paths, resolve_paths  # noqa: E402
from desktop.opening import open_database
from desktop.storage.database import Database  # noqa: E402

#: The date every test lives on, whatever the PC's calendar says (``faketime`` checks it).
TEST_TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[clock.FixedClock]:
    """Every test runs on 2026-11-21 09:00: databases, the CLI and the window read it."""
    fixed = clock.FixedClock.on(TEST_TODAY)
    previous = clock.use(fixed)
    yield fixed
    clock.use(previous)


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    """Nobody stays signed in after a test (the signed-in account is process-wide)."""
    yield
    acting.sign_out()


def cheap_password_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its real cost (~0.5 s) for every administrator's key slot would slow
    the suite; the slots' format and checks are the same at any cost."""
    from desktop.storage import keys

    monkeypatch.setattr(keys, "PASSWORD_COST", keys.KdfCost(t=1, m=1024, p=1))


@pytest.fixture(scope="session", autouse=True)
def installation_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The installation's state dir (its secret, node markers) in tmp: never the real home."""
    folder = tmp_path_factory.mktemp("installation-state")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_STATE_DIR, str(folder))
        yield folder


@pytest.fixture(scope="session")
def db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file with no identity yet (copied per test)."""
    folder = tmp_path_factory.mktemp("template")
    db = open_database(resolve_paths(folder))
    with db.connect() as conn:
        conn.exec_driver_sql("DELETE FROM sync_context")
        conn.exec_driver_sql("DELETE FROM sync_clock")
        conn.exec_driver_sql("DELETE FROM sync_node")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / "uniondesk.db"


def make_db(template: Path, folder: Path) -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / "uniondesk.db")
    copy_keys(template.parent, folder)
    return open_database(Paths(folder))


def copy_keys(source: Path, folder: Path) -> None:
    """The template's (encrypted) database comes with its ``keys.json``; the session's
    installation state dir holds the key, as after a copy on the same PC."""
    shutil.copyfile(source / "keys.json", folder / "keys.json")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def db(
    db_engine: str,  # noqa: F811 (the fixture of that name, imported below)
    request: pytest.FixtureRequest,
    data_dir: Path,
) -> Iterator[Database]:
    """A fresh, migrated database with its own node identity and no federation yet: a
    SQLite file, or in a ``both_engines`` module's PostgreSQL run a hub database
    (tests/engines.py)."""
    if db_engine == POSTGRESQL:
        yield request.getfixturevalue("pg_db")
        return
    database = make_db(request.getfixturevalue("db_template"), data_dir)
    yield database
    database.close()


@pytest.fixture
def db_factory(db_template: Path, tmp_path: Path) -> Iterator[object]:
    """Make several independent databases (several 'PCs') in one test."""
    made: list[Database] = []

    def factory(name: str) -> Database:
        database = make_db(db_template, tmp_path / name)
        made.append(database)
        return database

    yield factory
    for database in made:
        database.close()


# Both engines in the tests (issue #25 item 6): ``both_engines`` modules run on each.
from tests.engines import POSTGRESQL, db_engine, parametrize, pg_db, pg_template  # noqa: E402, F401

# The throw-away PostgreSQL server for tests marked ``postgres`` (the hub, issue #25).
from tests.pg_server import pg_conn, pg_engine, pg_server  # noqa: E402, F401


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize(metafunc)
