"""Declarative base and the one declaration that puts a table under sync.

A model opts in to change capture by inheriting ``Synced``: it gets a UUIDv7 ``id`` and a
``deleted`` tombstone flag, and ``desktop.storage.capture`` installs the same generated
triggers on its table as on every other synced table. Columns marked ``LOCAL`` in their
``info`` are derived on this PC (sort keys) and never travel.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Boolean, MetaData, String, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from desktop.models.ids import new_id as new_id

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LOCAL: dict[str, Any] = {"sync": False}
"""Column ``info`` for derived, per-PC values that change capture skips."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Mixin: the table travels in sync packages, field by field, deletes as tombstones."""

    __synced__: ClassVar[bool] = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    deleted: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("0")
    )


def synced_tables() -> dict[str, frozenset[str]]:
    """Synced table name → its local-only column names, from the model declarations."""
    _load_all_entities()
    result: dict[str, frozenset[str]] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__synced__", False):
            table = cls.__table__
            local = frozenset(c.name for c in table.columns if c.info.get("sync") is False)
            result[str(table.name)] = local
    return result


def _load_all_entities() -> None:
    # ``desktop.models`` imports its entity modules lazily (so that the code lists and
    # ids stay cheap to import); whatever reads the mappers must see all of them.
    from desktop.models import load_all

    load_all()


@event.listens_for(Mapper, "before_configured")
def _before_configured() -> None:
    """Before the ORM is first used, every table is known to ``Base.metadata``.

    A module that imports one entity directly (``desktop.models.activity``) and then
    flushes it needs the tables its foreign keys name; loading every entity here keeps
    that true however the entities were imported.
    """
    _load_all_entities()
