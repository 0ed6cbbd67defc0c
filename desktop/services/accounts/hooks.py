"""Where the encryption keys learn about administrators' passwords.

The database key is wrapped in ``keys.json`` once per administrator's password
(docs/SECURITY.md). This package is the only place a clear password passes, so it tells
whoever keeps those slots, through the listeners registered here, when an administrator's
password is set, proven at sign-in, or stops counting. The accounts service knows nothing
of keys; the layer that opens the registry (``desktop.opening`` or the entry point) calls
:func:`on_admin_secret` once with the key keeper's function.

A listener runs inside the account change's transaction, after its writes: if it raises,
the change is rolled back and its message shown, so an administrator never ends up with
a password the key file does not know. It must not write the database itself, and must
never keep, log or show the password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.storage.database import Database

#: The password was set: first administrator, new administrator, changed or reset.
SET = "set"
#: An active administrator signed in with this password: add a slot if it is missing
#: (an account made administrator by ``set_role`` has none until its next sign-in).
VERIFIED = "verified"
#: No longer an active administrator (disabled or given another role): drop its slot.
REVOKED = "revoked"


@dataclass(frozen=True)
class AdminSecret:
    kind: str  # SET, VERIFIED or REVOKED
    account_id: int
    username: str
    #: The clear password for SET and VERIFIED, None for REVOKED. Use it, never keep it.
    password: str | None = field(default=None, repr=False)


Listener = Callable[[Database, AdminSecret], None]
_listeners: list[Listener] = []


def on_admin_secret(listener: Listener) -> None:
    """Register ``listener`` (idempotent: the same function is kept once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def notify(db: Database, event: AdminSecret) -> None:
    for listener in list(_listeners):
        listener(db, event)
