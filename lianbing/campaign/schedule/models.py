"""Deadlines of a campaign and its operations settings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lianbing.extensions import db

DEADLINE_KINDS = {"bulletin": "简报", "summary": "总结自评", "drill": "实战练兵",
                  "nomination": "推荐评选", "other": "其他"}


class Deadline(db.Model):
    """A dated deadline on the campaign calendar (e.g. 候选人名单报送截止)."""

    __tablename__ = "campaign_deadlines"
    __table_args__ = (
        CheckConstraint("kind IN ('bulletin', 'summary', 'drill', 'nomination', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
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
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
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
