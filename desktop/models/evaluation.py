"""星级评定 / 示范点考核: editable checklist templates and the scored evaluations.

A template has items (maximum points; bonus items add on top of the base total) and
levels (a star level reached with at least ``min_points`` and, optionally, a minimum
area, a minimum number of seats and required facilities). Scores copy the item's title
and maximum so an evaluation's history reads the same after the template is edited.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced


class EvaluationTemplate(Synced, Base):
    __tablename__ = "evaluation_templates"

    name: Mapped[str] = mapped_column(String(100))
    # The site kind it applies to (station / home), or None for any.
    site_kind: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    notes: Mapped[str | None] = mapped_column(Text)


class EvaluationItem(Synced, Base):
    __tablename__ = "evaluation_items"

    template_id: Mapped[str] = mapped_column(ForeignKey("evaluation_templates.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    max_points: Mapped[float] = mapped_column(Float)
    is_bonus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))


class EvaluationLevel(Synced, Base):
    __tablename__ = "evaluation_levels"

    template_id: Mapped[str] = mapped_column(ForeignKey("evaluation_templates.id"), index=True)
    star_level: Mapped[int] = mapped_column(Integer)
    min_points: Mapped[float] = mapped_column(Float)
    min_area_m2: Mapped[float | None] = mapped_column(Float)
    min_seats: Mapped[int | None] = mapped_column(Integer)
    # Facility codes (code list FACILITY) the site must have in usable condition,
    # space-separated, e.g. "aed nursing_room".
    required_facilities: Mapped[str | None] = mapped_column(String(300))


class Evaluation(Synced, Base):
    __tablename__ = "evaluations"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("evaluation_templates.id"))
    evaluated_on: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str | None] = mapped_column(String(100))
    total_points: Mapped[float] = mapped_column(Float)
    star_level: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)


class EvaluationScore(Synced, Base):
    __tablename__ = "evaluation_scores"

    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id"), index=True)
    item_id: Mapped[str | None] = mapped_column(ForeignKey("evaluation_items.id"))
    item_title: Mapped[str] = mapped_column(String(300))
    max_points: Mapped[float] = mapped_column(Float)
    is_bonus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    points: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(200))
