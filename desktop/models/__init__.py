"""Database entities (SQLAlchemy 2 typed ORM). Qt-free by rule.

The entity modules load on first need, not when the package is imported: asking the
package for any name (``from desktop.models import Member``), calling
``synced_tables()``, or first using the ORM (building, querying or flushing a mapped
object: a mapper listener in ``base``) loads every one of them, so the ORM and change
capture always see every table. Importing only the code lists (``desktop.models.codes``)
or ids (``desktop.models.ids``) stays free of SQLAlchemy's ORM, whose import and
mapped-class declarations were a large part of the GUI's cold start. Code that reads
``Base.metadata`` takes ``Base`` from this package, not from ``base``.

A new entity module goes in ``ENTITY_MODULES`` and its public names in ``__all__``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.models.accounts import Account
    from desktop.models.activity import (
        Activity,
        ActivityPhoto,
        Attendance,
        ServiceCategory,
        ServiceRecord,
    )
    from desktop.models.audit import AuditEntry
    from desktop.models.base import Base, Synced, synced_tables
    from desktop.models.care import Assistance, Consent, HouseholdMember, Review
    from desktop.models.erasure import DroppedSegment, ErasedRow, Erasure, PeerWant
    from desktop.models.evaluation import (
        Evaluation,
        EvaluationItem,
        EvaluationLevel,
        EvaluationScore,
        EvaluationTemplate,
    )
    from desktop.models.federation import Federation
    from desktop.models.honours import Honour, HonourTitle
    from desktop.models.ids import new_id
    from desktop.models.legal import LegalCase, LegalCaseDocument
    from desktop.models.lifecycle import MemberStatusChange
    from desktop.models.member import Application, Attachment, HardshipCase, Member, Transfer
    from desktop.models.merges import MemberMerge
    from desktop.models.site import Site, SiteFacility, UnionWorker
    from desktop.models.sync_packages import (
        SyncAck,
        SyncConflict,
        SyncKnowledge,
        SyncPeer,
        SyncPending,
        SyncReceipt,
        SyncSegment,
    )
    from desktop.models.sync_state import (
        AppSetting,
        CardSequence,
        SyncChange,
        SyncClock,
        SyncContext,
        SyncNode,
    )
    from desktop.models.union import Union

# Every module that declares tables or indexes, in dependency order.
ENTITY_MODULES: tuple[str, ...] = (
    "base",
    "federation",
    "union",
    "member",
    "merges",
    "activity",
    "audit",
    "evaluation",
    "site",
    "stats_indexes",
    "sync_packages",
    "sync_state",
    "legal",
    "honours",
    "lifecycle",
    "care",
    "accounts",
    "erasure",
)

__all__ = [
    "Account",
    "Activity",
    "ActivityPhoto",
    "AppSetting",
    "Application",
    "Assistance",
    "Consent",
    "HouseholdMember",
    "Review",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Base",
    "CardSequence",
    "Evaluation",
    "EvaluationItem",
    "EvaluationLevel",
    "EvaluationScore",
    "EvaluationTemplate",
    "DroppedSegment",
    "ErasedRow",
    "Erasure",
    "PeerWant",
    "Federation",
    "Honour",
    "HonourTitle",
    "LegalCase",
    "LegalCaseDocument",
    "HardshipCase",
    "Member",
    "MemberMerge",
    "MemberStatusChange",
    "ServiceCategory",
    "ServiceRecord",
    "Site",
    "SiteFacility",
    "SyncAck",
    "SyncChange",
    "SyncClock",
    "SyncConflict",
    "SyncContext",
    "SyncKnowledge",
    "SyncNode",
    "SyncPeer",
    "SyncPending",
    "SyncReceipt",
    "SyncSegment",
    "Synced",
    "Transfer",
    "Union",
    "UnionWorker",
    "new_id",
    "synced_tables",
]


def load_all() -> None:
    """Import every entity module (idempotent, cheap once done)."""
    for name in ENTITY_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> Any:
    if name in __all__:
        load_all()
        for module in (*ENTITY_MODULES, "ids"):
            value = getattr(importlib.import_module(f"{__name__}.{module}"), name, None)
            if value is not None:
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
