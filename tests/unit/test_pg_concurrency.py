"""The concurrency statements on PostgreSQL (issue #25, item 3), before the hub runs there.

SQLite serialises every write transaction (``BEGIN IMMEDIATE``), so the parallel-process
tests on SQLite (``test_concurrent_numbers.py``) cannot tell a counter that is safe only
under that lock from one that is safe anywhere. These tests run the very statements the
services use — the card counter's upsert, the slip counter's ``UPDATE … RETURNING``,
the member writer's checked ``UPDATE … WHERE version = :seen`` — on PostgreSQL from
several connections at once (threads: the locks are the server's), on tables made for
the test with the columns those statements touch (the schema migrations on PostgreSQL
are another session's work).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from desktop.errors import EditConflictError
from desktop.services import audit
from desktop.services.audit import chain
from desktop.services.members import card_numbers, conflicts
from desktop.services.members import writer as member_writer
from desktop.services.transfers import slips
from desktop.storage.database import Database
from tests.pg_server import PostgresServer

pytestmark = pytest.mark.postgres

THREADS = 4
EACH = 25
_TYPES = {"is_migrant_worker": "boolean", "joined_on": "date", "left_on": "date"}


@pytest.fixture
def hub(pg_server: PostgresServer) -> Iterator[Engine]:
    """A database of its own (its connections commit), dropped with the server."""
    name = f"clerks_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    engine = create_engine(pg_server.url(name), pool_size=THREADS + 2)
    columns = ", ".join(f"{f} {_TYPES.get(f, 'text')}" for f in conflicts.LABELS)
    with engine.begin() as conn:
        for table in ("card_sequences", "slip_sequences"):
            conn.execute(
                text(
                    f"CREATE TABLE {table} (issuer_code varchar(8), year integer, "
                    "last_seq integer NOT NULL, PRIMARY KEY (issuer_code, year))"
                )
            )
        conn.execute(text("CREATE TABLE transfers (slip_no varchar(32))"))
        conn.execute(text("CREATE TABLE unions (id text PRIMARY KEY, name text)"))
        conn.execute(
            text(
                f"CREATE TABLE members (id text PRIMARY KEY, {columns}, "
                "deleted smallint NOT NULL DEFAULT 0, version integer NOT NULL DEFAULT 1)"
            )
        )
    yield engine
    engine.dispose()


def _in_parallel(engine: Engine, work: Callable[[Connection], Any]) -> list[Any]:
    """``work`` ``EACH`` times in each of ``THREADS`` threads, a transaction each."""
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(EACH):
                with engine.begin() as conn:
                    results.append(work(conn))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[0]
    return results


def test_card_counter_hands_out_each_number_once(hub: Engine) -> None:
    taken = _in_parallel(hub, lambda conn: card_numbers._reserve(conn, "ABCDE", 2026, 1))
    assert sorted(taken) == list(range(1, THREADS * EACH + 1))


def test_slip_counter_hands_out_each_number_once(hub: Engine) -> None:
    with hub.begin() as conn:  # two slips written before the counter existed
        conn.execute(
            text("INSERT INTO transfers VALUES ('GHZJ2026ABCDE0001'), ('GHZJ2026ABCDE0002')")
        )
    taken = _in_parallel(hub, lambda conn: slips.next_seq(conn, "ABCDE", 2026, "GHZJ2026ABCDE"))
    assert sorted(taken) == list(range(3, THREADS * EACH + 3))


def _waits_for_a_lock(hub: Engine) -> bool:
    """Whether a session of the hub is (or within ~30 s, on a loaded machine, comes to be)
    waiting for a lock.

    Polled with short sleeps rather than a timed ``join``: under libfaketime (the suite's
    calendar check) a timed wait on a thread is computed on the faked clock and never ends.
    """
    with hub.connect() as probe:
        for _ in range(3000):
            # the activity view is a snapshot held for the rest of a transaction: cleared
            # first, or every poll would see what the first one saw
            probe.execute(text("SELECT pg_stat_clear_snapshot()"))
            waiting = probe.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar()
            if waiting:
                return True
            time.sleep(0.01)
    return False


def test_the_second_of_two_concurrent_checked_saves_is_refused(hub: Engine) -> None:
    with hub.begin() as conn:
        conn.execute(text("INSERT INTO unions VALUES ('u1', '甲工会')"))
        conn.execute(
            text(
                "INSERT INTO members (id, name, id_number, union_id, employer, "
                "membership_status, is_migrant_worker) "
                "VALUES ('m1', '张三', '11010519491231002X', 'u1', '甲公司', 'active', false)"
            )
        )
    seen = member_writer.Seen(1, {"employer": "甲公司", "position": None})
    first = hub.connect()
    transaction = first.begin()
    member_writer.update_many(first, [("m1", {"employer": "乙公司"})], seen={"m1": seen})
    outcome: list[BaseException | None] = []

    def second_clerk() -> None:  # blocks on the row lock until the first commits
        try:
            with hub.begin() as conn:
                member_writer.update_many(conn, [("m1", {"employer": "丙公司"})], seen={"m1": seen})
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second_clerk)
    thread.start()
    assert _waits_for_a_lock(hub)  # the second clerk waits for the first's row lock
    assert thread.is_alive() and not outcome  # waiting, not failing
    transaction.commit()
    first.close()
    thread.join()
    error = outcome[0]
    assert isinstance(error, EditConflictError)
    assert [(d.field, d.theirs, d.yours) for d in error.differences] == [
        ("employer", "乙公司", "丙公司")
    ]
    with hub.connect() as conn:
        row = conn.execute(text("SELECT employer, version FROM members")).one()
    assert (row.employer, row.version) == ("乙公司", 2)


def test_two_clerks_append_to_the_audit_trail_at_once(pg_db: Database) -> None:
    """Two clerks' transactions record an audit entry at the same moment: the second waits
    for the first's commit and chains after it. (Without the lock both read the same head
    and the second's entry is refused as a duplicate, failing the clerk's whole save.)"""
    first = pg_db.engine.connect()
    transaction = first.begin()
    chain.append(first, audit.EXPORT, "名册甲.xlsx：3 名会员")
    outcome: list[BaseException | None] = []

    def second_clerk() -> None:
        try:
            with pg_db.connect() as conn:
                chain.append(conn, audit.EXPORT, "名册乙.xlsx：5 名会员")
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second_clerk)
    thread.start()
    assert _waits_for_a_lock(pg_db.engine), outcome
    transaction.commit()
    first.close()
    while thread.is_alive():  # polled: a timed join never ends under libfaketime
        time.sleep(0.01)
    assert outcome == [None]
    verdict = audit.verify(pg_db)
    assert verdict.ok, verdict.broken
    entries = audit.entries(pg_db)
    assert [e.detail for e in entries[:2]] == ["名册乙.xlsx：5 名会员", "名册甲.xlsx：3 名会员"]
