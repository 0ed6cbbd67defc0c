"""The convergence generator's legal-aid and honour actions write through the services
and converge: three PCs editing the same cases and honours end identical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync import helpers, scenario


def _count(db: Any, table: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_legal_and_honour_actions_converge(db_factory: Any, tmp_path: Path) -> None:
    dbs = [db_factory(n) for n in ("a", "b", "c")]
    helpers.mesh(dbs, tmp_path)
    uid = helpers.add_union(dbs[0], helpers.add_federation(dbs[0]))
    member = helpers.add_member(dbs[0], uid)
    n = 0

    def everyone() -> None:
        nonlocal n
        for src in dbs:
            for dst in dbs:
                if src is not dst:
                    n += 1
                    path = tmp_path / f"p{n}.udsync"
                    ex.export(src, path, to=[helpers.node_of(dst)])
                    importer.import_file(dst, path)

    everyone()
    for roll in (0.1, 0.3, 0.6, 0.3):  # member case, guest case, stage, guest case
        for db in dbs:
            scenario.legal_action(db, roll, member)
    for roll in (0.2, 0.6, 0.9):  # member honour, team honour, removal
        for db in dbs:
            scenario.honour_action(db, roll, member)
    for db in dbs:
        scenario.legal_action(db, 0.9, member)  # close one (concurrently on each PC)
    everyone()
    everyone()
    assert scenario.check(dbs).ok
    assert _count(dbs[2], "legal_cases") == 9
    assert _count(dbs[1], "honours") == 6
    assert _count(dbs[1], "honours WHERE deleted = 1") == 3  # each PC removed one
    with dbs[0].connect(write=False) as conn:
        statuses = {
            r[0] for r in conn.execute(text("SELECT DISTINCT status FROM legal_cases")).all()
        }
    assert {"accepted", "closed"} <= statuses
