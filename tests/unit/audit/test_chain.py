"""The audit trail's hash chain: verify passes on an intact trail and names the first
broken entry after each attack an intruder with raw SQL could make (the triggers
dropped first, as such a tool would): an edited field, a deleted entry, two entries
swapped, the newest entries cut off. Entries name the acting account."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from desktop import acting
from desktop.services import audit
from desktop.services.audit import anchor, verifying
from desktop.storage import engines, rawconn
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines

CLERK = acting.Actor("wang", "王会计", acting.STAFF, account_id=7)


def fill(db: Database, n: int = 6) -> None:
    with acting.acting_as(CLERK):
        for i in range(n):
            audit.record(db, audit.EXPORT, f"名册{i}.xlsx：{i} 名会员")


def attack(db: Database, *statements: str) -> None:
    """Raw SQL on the registry file, with the append-only triggers dropped first; at the
    hub, a database administrator's session with them switched off."""
    if engines.is_postgres(db.engine):
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            for statement in statements:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        return
    con = rawconn.connect(db.paths.database, autocommit=True)
    try:
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def test_an_intact_trail_verifies_and_names_the_account(db: Database) -> None:
    fill(db)
    verdict = audit.verify(db)
    assert verdict.ok and verdict.count == 6 and verdict.anchored
    assert verdict.message == "审计记录完整，共 6 条"
    newest = audit.recent(db)[0]
    assert (newest.account, newest.account_id, newest.os_user) == ("wang", 7, acting.os_user())
    assert newest.detail == "名册5.xlsx：5 名会员"


def test_the_app_cannot_update_or_delete_entries(db: Database) -> None:
    fill(db, 2)
    for statement in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="never"), db.connect() as conn:
            conn.exec_driver_sql(statement)
    assert audit.verify(db).count == 2


def test_an_edited_field_is_named(db: Database) -> None:
    fill(db)
    attack(db, "UPDATE audit_log SET account = 'li' WHERE id = 3")
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.EDITED
    assert verdict.broken.entry_id == 3
    assert (
        verdict.message.startswith("审计记录不完整：第 3 条（") and "内容被改动" in verdict.message
    )


def test_a_deleted_entry_is_named(db: Database) -> None:
    fill(db)
    attack(db, "DELETE FROM audit_log WHERE id = 4")
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.MISSING
    assert verdict.broken.entry_id == 5 and "第 3 条与第 5 条" in verdict.message


def test_the_first_entry_deleted_is_named(db: Database) -> None:
    fill(db)
    attack(db, "DELETE FROM audit_log WHERE id = 1")
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.MISSING
    assert verdict.broken.entry_id == 2


def test_swapped_entries_are_named(db: Database) -> None:
    fill(db)
    attack(
        db,
        "UPDATE audit_log SET id = -4 WHERE id = 4",
        "UPDATE audit_log SET id = 4 WHERE id = 5",
        "UPDATE audit_log SET id = 5 WHERE id = -4",
    )
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.OUT_OF_ORDER
    assert verdict.broken.entry_id == 4 and "顺序被调换" in verdict.message


def test_a_cut_tail_is_caught_by_the_anchor(db: Database) -> None:
    fill(db)
    attack(db, "DELETE FROM audit_log WHERE id > 4")
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.TAIL_CUT
    assert verdict.broken.entry_id == 6
    assert "本机记下的最新一条是第 6 条，现存最后一条是第 4 条" in verdict.message


def test_a_cut_and_refilled_tail_is_caught_and_the_anchor_keeps_the_evidence(
    db: Database,
) -> None:
    fill(db)
    attack(db, "DELETE FROM audit_log WHERE id > 4")
    fill(db, 3)  # the app writes on: entries 5-7, a perfect chain again
    assert anchor.read_anchor(db) is not None
    assert anchor.read_anchor(db).id == 6  # type: ignore[union-attr]
    verdict = audit.verify(db)
    assert verdict.broken is not None and verdict.broken.kind == verifying.TAIL_CUT
    assert "被截去后又重写" in verdict.message
    anchor.reanchor(db)  # after a restore, an administrator accepts the trail as it is
    assert audit.verify(db).ok


def test_no_anchor_on_this_pc_is_said_not_hidden(db: Database) -> None:
    fill(db, 2)
    anchor.anchor_path(db).unlink()
    verdict = audit.verify(db)
    assert verdict.ok and not verdict.anchored and "没有这份记录的末尾锚点" in verdict.message


def test_the_anchor_file_is_owner_only_and_outside_the_data_dir(
    db: Database, installation_state: Path
) -> None:
    fill(db, 1)
    path = anchor.anchor_path(db)
    assert installation_state in path.parents and db.paths.data_dir not in path.parents
    assert path.stat().st_mode & 0o077 == 0


def test_two_writers_chain_in_turn(db_factory: object, db: Database) -> None:
    """Two engines on one file (the window and a CLI command) write at once: the chain
    stays one line (the head is read under the write lock)."""
    from desktop.opening import open_database

    other = open_database(db.paths)
    try:

        def write(target: Database, tag: str) -> None:
            for i in range(15):
                audit.record(target, audit.PRINT, f"{tag}{i}.pdf")

        threads = [
            threading.Thread(target=write, args=(d, t)) for d, t in ((db, "a"), (other, "b"))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        other.close()
    verdict = audit.verify(db)
    assert verdict.ok and verdict.count == 30
