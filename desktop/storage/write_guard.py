"""The read-only guard: a signed-in account without ``acting.WRITE`` changes no record.

Why here, at the statement: every write of every area — services, the roster import,
the sync apply, the demo, the ORM's flushes — reaches SQLite as an INSERT, UPDATE,
DELETE or REPLACE through the engine (``database.make_engine`` installs this check on
it). Checking each statement's target table is one central place no new service can
forget, and it lets a read-only session keep the writes that are not record changes.
A refused statement raises ``PermissionDeniedError`` (the Chinese message of
``acting.require``) before SQLite sees it; the caller's transaction rolls back, so
nothing of the action is written.

The explicit allowance, ``BOOKKEEPING_TABLES``: what any signed-in session must still
write whatever its role — the audit trail (its own sign-in, unmasked views with their
reasons, exports) and the accounts table (its own failure count and lockout, its own
password change; every account *management* function checks ``ADMINISTER`` itself).
SQLite's temporary schema (``temp.``) is scratch space of a read, never a record. A new
table of that kind (e.g. the audit trail's own bookkeeping) is added to the set, with
the reason, in this module only.

Before any account exists, or when nobody is signed in (tests, old registries), the
actor may do everything (``acting.Actor.may``) and this check lets every statement pass.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event

from desktop import acting

#: Tables a session without the write permission may still write (see above).
BOOKKEEPING_TABLES = frozenset({"audit_log", "accounts"})
#: Schemas whose tables are scratch space, never records.
SCRATCH_SCHEMAS = frozenset({"temp"})

_WRITE = re.compile(
    r"""\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)
        \s+["`\[]?(\w+)["`\]]?(?:\s*\.\s*["`\[]?(\w+))?""",
    re.IGNORECASE | re.VERBOSE,
)


def written_table(statement: str) -> tuple[str, str | None] | None:
    """(first name, second name) of the table a write statement targets, else None;
    the second is set for ``schema.table``."""
    match = _WRITE.match(statement)
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or None) and match.group(2).lower()


def check_statement(statement: str) -> None:
    """Refuse a record write by an actor without ``WRITE``; pass everything else."""
    actor = acting.signed_in_actor()
    if actor is None or actor.may(acting.WRITE):
        return  # nobody signed in (no accounts yet), or an account that may write
    target = written_table(statement)
    if target is None:
        return
    first, second = target
    if second is not None and first in SCRATCH_SCHEMAS:
        return
    if (second or first) in BOOKKEEPING_TABLES:
        return
    acting.require(acting.WRITE)


def _before_cursor_execute(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    check_statement(statement)


def install(engine: Engine) -> None:
    """Check every statement ``engine`` runs."""
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
