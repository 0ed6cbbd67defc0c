"""Restore and re-delivery: office A sends office B 50,000 members, B restores a backup
from before, A and B exchange one package each way, B has all 50,000 again.

python -m benchmarks.restore_resend [--members N]

Figure: the exchange after the restore (B's package to A, A's re-send to B) against the
first delivery of the same members (A's export, B's import), so the re-send costs about
what the original delivery cost; the restore itself (check, move aside, copy, reopen) is
printed beside it. Exits 1 when B does not hold every member again.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from benchmarks import bench_line
from desktop.config import ENV_STATE_DIR, Paths
from desktop.models import Federation, Member, Union
from desktop.models.base import new_id
from desktop.opening import open_database
from desktop.services.backups import catalog, restoring
from desktop.storage.database import Database
from desktop.sync import office


def _id_number(n: int) -> str:
    """A valid ID number (received values are checked: invalid ones are quarantined)."""
    k = n // 1000  # a distinct birth date per thousand, a distinct sequence within it
    body = f"110101{1960 + k // 336}{k // 28 % 12 + 1:02d}{k % 28 + 1:02d}{n % 1000:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def _enrol(db: Database, other: Database, folder: Path) -> None:
    card = folder / f"{id(other)}.udkey"
    card.write_bytes(office.key_card(other))
    office.enrol(db, card, office.this_office(other).fingerprint)


def _count(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM members").scalar_one())


def _send(sender: Database, receiver: Database, folder: Path, tag: str) -> None:
    pkg = folder / f"{tag}.udsync"
    office.export_package(sender, pkg)
    office.import_package(receiver, pkg)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ[ENV_STATE_DIR] = str(root / "installation")
        a = open_database(Paths(root / "a"))
        b = open_database(Paths(root / "b"))
        _enrol(a, b, root)
        _enrol(b, a, root)
        fid, uid = new_id(), new_id()
        with a.connect() as conn:
            conn.execute(insert(Federation), [{"id": fid, "name": "联合会", "card_prefix": "T"}])
            conn.execute(
                insert(Union), [{"id": uid, "federation_id": fid, "name": "甲", "sort_key": ""}]
            )
        _send(a, b, root, "setup")
        before = catalog.create(b).backup
        rows = [
            {
                "id": new_id(),
                "union_id": uid,
                "name": f"会员{i:06d}",
                "id_number": _id_number(i),
                "membership_status": "active",
                "sort_key": "",
            }
            for i in range(args.members)
        ]
        with a.connect() as conn:
            for i in range(0, len(rows), 10_000):
                conn.execute(insert(Member), rows[i : i + 10_000])
        a.checkpoints.flush()
        t0 = time.perf_counter()
        _send(a, b, root, "members")
        first_s = time.perf_counter() - t0
        _send(b, a, root, "ack")  # B acknowledges holding them all
        if _count(b) != args.members:
            raise SystemExit(f"B received {_count(b)} of {args.members} members")
        t0 = time.perf_counter()
        restored = restoring.restore(b, before.name, open_database)
        restore_s = time.perf_counter() - t0
        b = restored.db
        lost = _count(b)
        t0 = time.perf_counter()
        _send(b, a, root, "after-restore")
        _send(a, b, root, "resend")
        resend_s = time.perf_counter() - t0
        held = _count(b)
        print(
            f"  (B held {lost} members after the restore and {held} after one exchange; "
            f"restore {restore_s:.3f}s; identity renewed: {restored.identity_renewed})"
        )
        print(
            bench_line(
                f"restore_resend_{args.members // 1000}k_exchange_vs_first_delivery",
                resend_s,
                first_s,
                "≤",
                1.5,
            )
        )
        a.close()
        b.close()
        if held != args.members:
            raise SystemExit(f"B holds {held} of {args.members} members after the exchange")


if __name__ == "__main__":
    main()
