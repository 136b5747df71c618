"""Evaluation items, summary reports and the scores given against the items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

DRAFT, SUBMITTED, REVIEWED = "draft", "submitted", "reviewed"


class EvaluationItem(db.Model):
    """One item the city scores every county on (考核项目), with its maximum."""

    __tablename__ = "campaign_evaluation_items"
    __table_args__ = (CheckConstraint("max_points > 0", name="max_points_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[float]
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<EvaluationItem {self.name} /{self.max_points}>"


class SummaryReport(db.Model):
    """A county bureau's summary report and self-evaluation for one campaign."""

    __tablename__ = "campaign_summary_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "bureau_id", name="uq_campaign_summary_reports_bureau"),
        CheckConstraint("status IN ('draft', 'submitted', 'reviewed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    #: Markdown
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_late: Mapped[bool] = mapped_column(default=False)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()
    scores: Mapped[list["ItemScore"]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<SummaryReport {self.bureau_id} {self.status}>"


class ItemScore(db.Model):
    """The county's self-score (with evidence) and the city's score on one item."""

    __tablename__ = "campaign_item_scores"
    __table_args__ = (
        UniqueConstraint("report_id", "item_id", name="uq_campaign_item_scores_report_item"),
        CheckConstraint("self_points IS NULL OR self_points >= 0", name="self_points"),
        CheckConstraint("city_points IS NULL OR city_points >= 0", name="city_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_summary_reports.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_evaluation_items.id", ondelete="CASCADE")
    )
    self_points: Mapped[float | None]
    #: what the county offers as evidence for its self-score
    evidence: Mapped[str] = mapped_column(Text, default="")
    city_points: Mapped[float | None]
    city_comment: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[SummaryReport] = relationship(back_populates="scores")
    item: Mapped[EvaluationItem] = relationship()

    def __repr__(self) -> str:
        return (
            f"<ItemScore r{self.report_id} i{self.item_id} {self.self_points}/{self.city_points}>"
        )
