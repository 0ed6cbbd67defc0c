"""Registry figures for the status bar and ``uniondesk stats``: SQL aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from desktop.db import Database


@dataclass(frozen=True)
class RegistryStats:
    unions: int
    members_total: int
    members_current: int
    by_status: dict[str, int]
    migrant_workers: int
    female: int


def registry_stats(db: Database) -> RegistryStats:
    with db.connect(write=False) as conn:
        unions = conn.execute(text("SELECT count(*) FROM unions WHERE deleted = 0")).scalar_one()
        by_status = {
            str(s): int(n)
            for s, n in conn.execute(
                text(
                    "SELECT membership_status, count(*) FROM members WHERE deleted = 0 "
                    "GROUP BY membership_status"
                )
            )
        }
        migrant, female = conn.execute(
            text(
                "SELECT coalesce(sum(is_migrant_worker), 0), "
                "coalesce(sum(gender = 'F'), 0) FROM members "
                "WHERE deleted = 0 AND membership_status IN ('active', 'retained')"
            )
        ).one()
    current = by_status.get("active", 0) + by_status.get("retained", 0)
    return RegistryStats(
        unions=int(unions),
        members_total=sum(by_status.values()),
        members_current=current,
        by_status=by_status,
        migrant_workers=int(migrant),
        female=int(female),
    )
