"""Migration 0018 chains the entries an older version wrote, so verify passes on an
upgraded registry, and record changes are audited from the upgrade on (not before)."""

from __future__ import annotations

from pathlib import Path

from desktop.config import Paths
from desktop.opening import open_database
from desktop.services import audit
from desktop.storage.database import make_engine, upgrade_schema


def test_old_entries_are_chained_by_the_upgrade(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "old")
    paths.data_dir.mkdir()
    engine = make_engine(paths.database)
    with engine.connect() as conn, conn.begin():
        upgrade_schema(conn, "0016")
        for n, when in ((3, "2026-01-02 03:04:05.000000"), (5, "2026-02-03 04:05:06.123456")):
            conn.exec_driver_sql(
                "INSERT INTO audit_log (occurred_at, os_user, action, detail) VALUES (?, ?, ?, ?)",
                (when, "li", audit.ROSTER_EXPORT_UNMASKED, f"{n} 名会员；全部工会"),
            )
        conn.exec_driver_sql(
            "INSERT INTO federations (id, name, card_prefix) VALUES ('f1', '旧联合会', 'J')"
        )
    engine.dispose()
    db = open_database(paths)
    try:
        verdict = audit.verify(db)
        assert verdict.ok and verdict.count == 2, verdict.message
        old = audit.recent(db, changes=True)
        assert [(e.account, e.detail) for e in old] == [
            ("li", "5 名会员；全部工会"),
            ("li", "3 名会员；全部工会"),
        ]
        audit.record(db, audit.EXPORT, "新的一条")
        assert audit.verify(db).count == 3
    finally:
        db.close()
