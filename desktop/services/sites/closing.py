"""Deleting a site: the site, its facilities and its workers' assignment in one
transaction.

Apart from ``records`` because it writes three tables, each through its own module
(``records`` writes ``sites``, ``facilities`` writes ``site_facilities``, ``workers``
writes ``union_workers``; the latter two already read ``records``).
"""

from __future__ import annotations

from desktop.services.sites import facilities, records, workers
from desktop.storage.database import Database


def delete_site(db: Database, site_id: str) -> None:
    with db.connect() as conn:
        records.tombstone(conn, site_id)
        facilities.tombstone_all_of(conn, site_id)
        workers.unassign_all_of(conn, site_id)
