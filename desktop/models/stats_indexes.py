"""Indexes and local summary tables behind the dashboard and the upward reports.

Declared here (not in ``member.py``) because they exist for the statistics in
``desktop.services.figures.dashboard``. Migration 0003 made the covering indexes; 0005 replaced
most of them with the two summary tables below, kept exact by triggers (their SQL and
the reasons are in ``desktop.services.figures.summary``). The tables are LOCAL: derived data, never
synced, so they declare no ``Synced`` and carry no capture triggers.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table

from desktop.models.base import Base
from desktop.models.member import HardshipCase, Member

_m = Member.__table__.c
# Members who joined after a report's cut-off date: a range on joined_on.
MEMBERS_JOINED = Index(
    "ix_members_stats_joined", _m.deleted, _m.joined_on, _m.membership_status, _m.union_id
)
_h = HardshipCase.__table__.c
HARDSHIP_DUE = Index("ix_hardship_cases_stats_due", _h.deleted, _h.closed_on, _h.review_due_on)

DASHBOARD_COUNTS = Table(
    "dashboard_counts",
    Base.metadata,
    Column("fig", String(16), nullable=False),
    Column("period", String(10), nullable=False),
    Column("key1", String(40), nullable=False),
    Column("key2", String(40), nullable=False),
    Column("key3", String(4), nullable=False),
    Column("key4", Integer, nullable=False),
    Column("n", Integer, nullable=False),
    PrimaryKeyConstraint("fig", "period", "key1", "key2", "key3", "key4"),
    sqlite_with_rowid=False,
)
DASHBOARD_ATTENDEES = Table(
    "dashboard_attendees",
    Base.metadata,
    Column("year", String(4), nullable=False),
    Column("member_id", String(36), nullable=False),
    Column("visits", Integer, nullable=False),
    Column("current", Integer, nullable=False),
    Column("joined_on", Date),
    PrimaryKeyConstraint("year", "member_id"),
    Index("ix_dashboard_attendees_member", "member_id"),
    sqlite_with_rowid=False,
)
