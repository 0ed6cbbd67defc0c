"""A bulk append's larger page cache: sized by the rows, back to the usual after the block."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from desktop.storage import page_cache
from desktop.storage.database import Database


def _cache(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())


def test_the_size_grows_with_the_rows_between_the_usual_and_the_most() -> None:
    assert page_cache.bulk_cache_kib(0) == page_cache.CACHE_KIB
    assert page_cache.bulk_cache_kib(10_000) == page_cache.CACHE_KIB
    assert page_cache.CACHE_KIB < page_cache.bulk_cache_kib(100_000) < page_cache.BULK_MAX_KIB
    assert page_cache.bulk_cache_kib(5_000_000) == page_cache.BULK_MAX_KIB


def test_every_connection_starts_with_the_usual_cache(db: Database) -> None:
    with db.connect(write=False) as conn:
        assert _cache(conn) == -page_cache.CACHE_KIB


def test_the_block_raises_the_cache_and_puts_it_back(db: Database) -> None:
    with db.connect() as conn:
        with page_cache.roomy(conn, 100_000):
            assert _cache(conn) == -page_cache.bulk_cache_kib(100_000)
        assert _cache(conn) == -page_cache.CACHE_KIB
        with pytest.raises(RuntimeError), page_cache.roomy(conn, 100_000):
            raise RuntimeError
        assert _cache(conn) == -page_cache.CACHE_KIB
        with page_cache.roomy(conn, 100):  # a small append keeps the usual cache
            assert _cache(conn) == -page_cache.CACHE_KIB


@pytest.mark.parametrize("roomy", [True, False])
def test_a_member_append_block_takes_the_larger_cache_unless_told_not_to(
    db: Database, monkeypatch: pytest.MonkeyPatch, roomy: bool
) -> None:
    from desktop.services.members import writer

    larger = 2 * page_cache.CACHE_KIB
    monkeypatch.setattr(page_cache, "bulk_cache_kib", lambda rows: larger)
    with db.connect() as conn:
        with writer.appending(conn, rows=writer.SET_BASED_FROM, roomy_cache=roomy):
            assert _cache(conn) == -(larger if roomy else page_cache.CACHE_KIB)
        assert _cache(conn) == -page_cache.CACHE_KIB
