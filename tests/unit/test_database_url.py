"""Choosing the registry's engine: ``--database-url``, ``UNIONDESK_DATABASE_URL``, the data
dir's ``database-url`` file, else the SQLite file (the default); and the URL's password
never shown (issue #25, the engine switch). No server needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config import DATABASE_URL_FILENAME, ENV_DATABASE_URL, Paths, resolve_paths
from desktop.errors import DatabaseError
from desktop.storage import engines

SECRET = "S3cret-pass"
URL = f"postgresql+psycopg://clerk:{SECRET}@hub.example/unions"


@pytest.fixture(autouse=True)
def _no_url_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)


def test_sqlite_stays_the_default(tmp_path: Path) -> None:
    assert resolve_paths(tmp_path).database_url is None
    assert Paths(tmp_path).database_url is None


def test_option_then_environment_then_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / DATABASE_URL_FILENAME).write_text(
        "# the hub of 甲区\n\n  postgresql://file@h/d  \n", "utf-8"
    )
    assert resolve_paths(tmp_path).database_url == "postgresql://file@h/d"
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql://env@h/d")
    assert resolve_paths(tmp_path).database_url == "postgresql://env@h/d"
    assert resolve_paths(tmp_path, "postgresql://option@h/d").database_url == (
        "postgresql://option@h/d"
    )


def test_the_password_is_masked_and_not_in_repr(tmp_path: Path) -> None:
    assert engines.masked(URL) == "postgresql+psycopg://clerk:***@hub.example/unions"
    assert SECRET not in repr(resolve_paths(tmp_path, URL))
    assert SECRET not in engines.masked("not a url :// at all " + SECRET)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgresql+psycopg://u:{SECRET}@host:port/db", "无法识别"),
        (f"mysql://u:{SECRET}@h/d", "不是 PostgreSQL"),
        (f"postgresql+asyncpg://u:{SECRET}@h/d", "不受支持"),
        (f"postgresql://u:{SECRET}@h", "没有写数据库名"),
    ],
)
def test_bad_urls_are_refused_in_chinese(url: str, expected: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        engines.parse_url(url)
    assert expected in refused.value.message
    assert SECRET not in refused.value.message


def test_plain_postgresql_means_psycopg() -> None:
    assert engines.parse_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert engines.parse_url("postgres://u:p@h:5433/d").drivername == "postgresql+psycopg"


def test_driver_sql_placeholders_for_psycopg() -> None:
    assert engines._pyformat("SELECT ? , :name, '?:x', x::int, 5 % 2") == (
        "SELECT %s , %(name)s, '?:x', x::int, 5 %% 2"
    )


def test_the_window_takes_the_option_too() -> None:
    from desktop.__main__ import _wants_gui

    assert _wants_gui(["--database-url", URL])
    assert _wants_gui([f"--database-url={URL}", "--data-dir", "x"])
    assert not _wants_gui(["--database-url", URL, "unions", "list"])
