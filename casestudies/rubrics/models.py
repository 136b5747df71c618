"""Versioned rubrics for grading records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianbing.host import UTCDateTime, db, utcnow


class Rubric(db.Model):
    """A versioned rubric; its criteria live in ``data`` (the JSON export format)."""

    __tablename__ = "cs_rubrics"
    __table_args__ = (
        UniqueConstraint("family", "version", name="uq_cs_rubrics_family_version"),
        CheckConstraint("record_type IN ('inspection', 'inquiry')", name="record_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: versions of one rubric share a family key
    family: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(20))
    total_points: Mapped[float] = mapped_column(Float)
    #: {"criteria": [...]} as validated by checks.compile_rubric
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: set when the first record is graded against it; edits then need a new version
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Rubric {self.id} {self.family} v{self.version}>"


class CampaignRubric(db.Model):
    """A rubric version a campaign grades with (copied to next year's campaign at its latest)."""

    __tablename__ = "cs_campaign_rubrics"
    __table_args__ = (
        UniqueConstraint("campaign_id", "family", name="uq_cs_campaign_rubrics_campaign_family"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    #: one version per rubric family and campaign
    family: Mapped[str] = mapped_column(String(40))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("cs_rubrics.id"))

    def __repr__(self) -> str:
        return f"<CampaignRubric c{self.campaign_id} {self.family} r{self.rubric_id}>"
