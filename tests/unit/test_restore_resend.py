"""Restore and re-delivery (issue 23 part 4 with issue 18's rules), through the CLI on real
data dirs: A sends B many members, B restores a backup from before, A and B exchange one
package each way, B has them all again. 50,000 members: benchmarks/restore_resend.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert

from desktop.config import ENV_STATE_DIR, Paths
from desktop.models import Member
from desktop.models.base import new_id
from desktop.opening import open_database
from tests.unit.sync.helpers import valid_id
from tests.unit.sync.test_copies_and_restores import Office, enrol_both, make_office

__all__ = ["make_office"]  # the fixture, used below
MEMBERS = 1_000


def bulk_members(office: Office, count: int) -> None:
    """``count`` members on ``office`` in one Core insert (capture records each)."""
    office.mp.setenv(ENV_STATE_DIR, str(office.state))
    db = open_database(Paths(office.data))
    try:
        with db.connect() as conn:
            union = conn.exec_driver_sql("SELECT id FROM unions").scalar_one()
            conn.execute(
                insert(Member),
                [
                    {
                        "id": new_id(),
                        "union_id": union,
                        "name": f"会员{i:06d}",
                        "id_number": valid_id(f"restore-{i}"),
                        "membership_status": "active",
                        "sort_key": "",
                    }
                    for i in range(count)
                ],
            )
    finally:
        db.close()


def member_count(office: Office) -> int:
    return int(json.loads(office.ok("stats", "--json"))["members_total"])


def backed_up_then_sent(a: Office, b: Office, folder: Path, count: int) -> str:
    """B backs up, then A sends B ``count`` members and B acknowledges them all; the name
    of B's backup from before, which a restore then goes back to."""
    b.ok("backup", "create")
    (before,) = [e for e in json.loads(b.ok("backup", "list", "--json")) if e["reason"] == "manual"]
    bulk_members(a, count)
    a.send(b, folder, "members")
    b.send(a, folder, "ack")  # B acknowledges holding them all
    assert member_count(b) == count
    return str(before["name"])


@pytest.fixture
def offices(make_office, tmp_path: Path) -> tuple[Office, Office]:  # type: ignore[no-untyped-def]
    a, b = make_office("a"), make_office("b")
    a.ok("init", "--federation", "测试联合会", "--card-prefix", "GH")
    a.ok("unions", "add", "甲工会", "--industry", "C")
    b.first_start()
    enrol_both(a, b, tmp_path)
    a.send(b, tmp_path, "setup")
    return a, b


def test_restored_receiver_gets_every_member_again_after_one_exchange(
    offices: tuple[Office, Office], tmp_path: Path
) -> None:
    a, b = offices
    before = backed_up_then_sent(a, b, tmp_path, MEMBERS)
    told = b.ok("backup", "restore", before, "--yes")
    assert "交换一次同步包" in told and "补发" in told
    assert member_count(b) == 0  # lost with the restore

    b.send(a, tmp_path, "after-restore")  # B declares what it holds now
    a.send(b, tmp_path, "resend")  # A re-sends what that declaration does not cover
    assert member_count(b) == MEMBERS
    assert list((b.data / "backups").glob("replaced-*/uniondesk.db"))  # moved, not deleted
