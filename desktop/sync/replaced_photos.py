"""A member's photo replaced or removed on another office: the picture it replaced goes
here too, as it went there (``services.members.photos``: the bytes go once no other
record shows them and no other record's change names them; the member's own earlier
changes do not count, the received change supersedes them).

Cost: nothing unless the package changes a member's photo; then one indexed read of
that member's logged changes, and a look through the log only for a superseded picture
still held here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection

from desktop.services.members import photos
from desktop.sync.segments import Change


def drop_replaced(conn: Connection, changes: Iterable[Change]) -> int:
    """After an apply: drop the pictures the received photo changes superseded; returns
    how many went."""
    members = sorted({c.row_id for c in changes if c.tbl == "members" and "photo" in c.fields})
    dropped = 0
    for member_id in members:
        current = conn.exec_driver_sql(
            "SELECT photo FROM members WHERE id = ?", (member_id,)
        ).scalar()
        earlier: set[str] = set()
        for raw in conn.exec_driver_sql(
            "SELECT fields FROM sync_change WHERE tbl = 'members' AND row_id = ?", (member_id,)
        ).scalars():
            logged = json.loads(str(raw))
            if isinstance(logged, dict) and isinstance(logged.get("photo"), str):
                earlier.add(logged["photo"])
        for sha in sorted(earlier - {current, ""}):
            held = conn.exec_driver_sql(
                "SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)
            ).first()
            if held is not None and photos.drop_unused_in(conn, sha, replaced_on=member_id):
                dropped += 1
    return dropped
