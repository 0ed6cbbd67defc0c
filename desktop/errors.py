"""One domain error type whose message is the Chinese text a clerk reads.

The GUI shows ``str(error)`` as it is, the CLI prints it to stderr and exits 1.
``field`` names the glossary field so a dialog can put the message next to it.
"""

from __future__ import annotations


class UnionDeskError(Exception):
    """A refused action: nothing was written, the message says what and where."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(UnionDeskError):
    """Bad input for one field (or several, joined into one message)."""

    def __init__(
        self, message: str, *, field: str | None = None, problems: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.problems: dict[str, str] = dict(problems or ({field: message} if field else {}))


class NotFoundError(UnionDeskError):
    """The record asked for does not exist (or was deleted)."""


class DatabaseError(UnionDeskError):
    """The database file cannot be used: not a database, too new, read-only."""
