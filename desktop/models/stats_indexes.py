"""Covering indexes on ``members`` for the dashboard and the upward reports.

Declared here (not in ``member.py``) because they exist for the statistics in
``desktop.services.dashboard``: each figure is answered from one of these indexes
without touching the wide member rows. Created by migration 0003.
"""

from __future__ import annotations

from sqlalchemy import Index

from desktop.models.activity import ServiceRecord
from desktop.models.member import HardshipCase, Member

_m = Member.__table__.c
MEMBERS_GROUPS = Index(
    "ix_members_stats_groups",
    _m.deleted,
    _m.membership_status,
    _m.union_id,
    _m.gender,
    _m.is_migrant_worker,
    _m.joined_on,
)
MEMBERS_AGE = Index(
    "ix_members_stats_age", _m.deleted, _m.membership_status, _m.birth_date, _m.joined_on
)
MEMBERS_JOINED = Index(
    "ix_members_stats_joined", _m.deleted, _m.joined_on, _m.membership_status, _m.union_id
)
MEMBERS_LEFT = Index("ix_members_stats_left", _m.deleted, _m.left_on, _m.union_id)
_h = HardshipCase.__table__.c
HARDSHIP_DUE = Index("ix_hardship_cases_stats_due", _h.deleted, _h.closed_on, _h.review_due_on)
_s = ServiceRecord.__table__.c
# 人次 by category and by site: one index seek per category (or site) and year instead of
# sorting every row of the two years by category.
SERVICE_BY_CATEGORY = Index(
    "ix_service_records_stats_category", _s.deleted, _s.category, _s.served_on, _s.people
)
SERVICE_BY_SITE = Index(
    "ix_service_records_stats_site", _s.deleted, _s.site_id, _s.served_on, _s.people
)
