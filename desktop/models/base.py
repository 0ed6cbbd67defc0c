"""Declarative base and the one declaration that puts a table under sync.

A model opts in to change capture by inheriting ``Synced``: it gets a UUIDv7 ``id`` and a
``deleted`` tombstone flag, and ``desktop.sync.capture`` installs the same generated
triggers on its table as on every other synced table. Columns marked ``LOCAL`` in their
``info`` are derived on this PC (sort keys) and never travel.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Boolean, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from uuid6 import uuid7

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LOCAL: dict[str, Any] = {"sync": False}
"""Column ``info`` for derived, per-PC values that change capture skips."""


def new_id() -> str:
    """UUIDv7: unique without coordination between offline PCs, and index-friendly."""
    return str(uuid7())


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
    result: dict[str, frozenset[str]] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__synced__", False):
            table = cls.__table__
            local = frozenset(c.name for c in table.columns if c.info.get("sync") is False)
            result[str(table.name)] = local
    return result
