"""The names of the records an audit entry is about, for the tables whose records are
named without personal data (a union, a site, an activity): read when the trail is
shown, never stored in it.

A record change's entry names its record by id only (``changes.py``: the trail keeps no
values, so an erasure never has to reach into it); 「新增 基层工会（记录 …9bc427be）」
told an administrator nothing about which union. Names of people (members, applicants,
union workers, household members) are never looked up: they are personal data, and an
erased person must not reappear on the audit page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, text

from desktop.storage import engines

#: Table → the column naming its records; only tables holding no personal data.
NAME_COLUMNS = {
    "federations": "name",
    "unions": "name",
    "sites": "name",
    "activities": "title",
    "service_categories": "name",
    "honour_titles": "name",
    "evaluation_templates": "name",
}


def names_in(conn: Connection, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(table, record id) → the record's name now, for the references whose table is in
    ``NAME_COLUMNS`` and whose record still exists (one query per table)."""
    wanted: dict[str, set[str]] = {}
    for table, record_id in refs:
        if table in NAME_COLUMNS:
            wanted.setdefault(table, set()).add(record_id)
    found: dict[tuple[str, str], str] = {}
    for table, ids in wanted.items():
        column = NAME_COLUMNS[table]
        rows = conn.execute(  # table and column come from NAME_COLUMNS, never from input
            text(
                f"SELECT id, {column} AS name FROM {table} "
                f"WHERE id IN ({engines.json_values(conn, 'ids')})"
            ),
            {"ids": json.dumps(sorted(ids))},
        ).all()
        found.update({(table, str(r.id)): str(r.name) for r in rows if r.name})
    return found
