"""Campaigns: their stages, the weight of each activity kind, deadlines and paperwork settings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.extensions import db


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        # at most one active campaign, on SQLite and PostgreSQL alike
        Index(
            "uq_campaigns_one_active",
            "is_active",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    year: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date]
    is_active: Mapped[bool] = mapped_column(default=False)
    #: nominations per county bureau (先进个人候选人名额)
    nomination_quota: Mapped[int] = mapped_column(default=1)
    #: the campaign this one was made from (以此为模板创建新一年活动); one successor each
    template_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), unique=True)

    stages: Mapped[list["Stage"]] = relationship(
        back_populates="campaign",
        order_by="Stage.start_date, Stage.position",
        cascade="all, delete-orphan",
    )
    weights: Mapped[list["ActivityWeight"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Campaign {self.name}>"


class Stage(db.Model):
    """A stage or sub-stage of the campaign calendar (e.g. 活动实施 › 自查)."""

    __tablename__ = "campaign_stages"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_stages.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(50))
    start_date: Mapped[date]
    end_date: Mapped[date]
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="stages")

    def __repr__(self) -> str:
        return f"<Stage {self.name} {self.start_date}–{self.end_date}>"


class ActivityWeight(db.Model):
    """The weight of one activity kind in a campaign's composite score."""

    __tablename__ = "activity_weights"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", name="uq_activity_weights_campaign_kind"),
        CheckConstraint("weight >= 0", name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    weight: Mapped[float]

    campaign: Mapped[Campaign] = relationship(back_populates="weights")

    def __repr__(self) -> str:
        return f"<ActivityWeight {self.kind}={self.weight}>"


DEADLINE_KINDS = {
    "bulletin": "简报",
    "summary": "总结自评",
    "drill": "实战练兵",
    "nomination": "推荐评选",
    "other": "其他",
}


class Deadline(db.Model):
    """A dated deadline on the campaign calendar (e.g. 候选人名单报送截止)."""

    __tablename__ = "campaign_deadlines"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('bulletin', 'summary', 'drill', 'nomination', 'other')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    due_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20), default="other")

    def __repr__(self) -> str:
        return f"<Deadline {self.name} {self.due_date}>"


class OpsSettings(db.Model):
    """How one campaign runs its paperwork (one row per campaign; defaults when absent)."""

    __tablename__ = "campaign_ops_settings"
    __table_args__ = (
        CheckConstraint("bulletin_due_day >= 1 AND bulletin_due_day <= 28", name="due_day"),
        CheckConstraint("bulletin_to >= bulletin_from", name="bulletin_months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True
    )
    #: day of the month by which the month's bulletin is due (default the 20th)
    bulletin_due_day: Mapped[int] = mapped_column(default=20)
    #: True: late bulletins and summaries are accepted and marked late; False: refused
    accept_late: Mapped[bool] = mapped_column(default=True)
    #: first and last month (first day of the month) for which bulletins are expected
    bulletin_from: Mapped[date]
    bulletin_to: Mapped[date]
    #: due date of the summary report and self-evaluation (default 10-08)
    summary_due: Mapped[date]

    def __repr__(self) -> str:
        return f"<OpsSettings campaign {self.campaign_id} day {self.bulletin_due_day}>"
