"""Deleting a site: the site and its facilities in one transaction.

Apart from ``records`` because it writes two tables, each through its own module
(``records`` writes ``sites``, ``facilities`` writes ``site_facilities``, and
``facilities`` already reads ``records``).
"""

from __future__ import annotations

from desktop.services.sites import facilities, records
from desktop.storage.database import Database


def delete_site(db: Database, site_id: str) -> None:
    with db.connect() as conn:
        records.tombstone(conn, site_id)
        facilities.tombstone_all_of(conn, site_id)
