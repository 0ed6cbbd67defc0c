"""Database entities (SQLAlchemy 2 typed ORM). Qt-free by rule."""

from desktop.models.activity import (
    Activity,
    ActivityPhoto,
    Attendance,
    ServiceCategory,
    ServiceRecord,
)
from desktop.models.audit import AuditEntry  # noqa: F401  (local audit trail, migration 0006)
from desktop.models.base import Base, Synced, new_id, synced_tables
from desktop.models.evaluation import (
    Evaluation,
    EvaluationItem,
    EvaluationLevel,
    EvaluationScore,
    EvaluationTemplate,
)
from desktop.models.federation import Federation
from desktop.models.member import Application, Attachment, HardshipCase, Member, Transfer
from desktop.models.site import Site, SiteFacility, UnionWorker
from desktop.models.stats_indexes import MEMBERS_AGE  # noqa: F401  (registers the indexes)
from desktop.models.sync_packages import (  # noqa: F401
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

__all__ = [
    "Activity",
    "ActivityPhoto",
    "Attendance",
    "Evaluation",
    "EvaluationItem",
    "EvaluationLevel",
    "EvaluationScore",
    "EvaluationTemplate",
    "ServiceCategory",
    "ServiceRecord",
    "Site",
    "SiteFacility",
    "UnionWorker",
    "AppSetting",
    "Application",
    "Attachment",
    "Base",
    "CardSequence",
    "Federation",
    "HardshipCase",
    "Member",
    "SyncChange",
    "SyncClock",
    "SyncContext",
    "SyncNode",
    "Synced",
    "Transfer",
    "Union",
    "new_id",
    "synced_tables",
]
