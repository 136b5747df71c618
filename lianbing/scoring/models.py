"""The score ledger and the audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import User
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db


class ScoreEntry(db.Model):
    """One result of one officer in one activity: the only place scores live."""

    __tablename__ = "score_entries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "kind", "ref", name="uq_score_entries_key"),
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("points >= 0 AND points <= max_points", name="points_in_range"),
        Index("ix_score_entries_campaign_kind", "campaign_id", "kind"),
        Index("ix_score_entries_campaign_user", "campaign_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: activity kind key declared by a part (or the host's ``award``)
    kind: Mapped[str] = mapped_column(String(30))
    #: the source inside the part, e.g. "quiz:12"; stable across regrades
    ref: Mapped[str] = mapped_column(String(80))
    #: a human title of the source, shown in breakdowns
    title: Mapped[str] = mapped_column(String(200), default="")
    points: Mapped[float]
    max_points: Mapped[float]
    #: when the result was achieved (submission, completion), not when it was written
    achieved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ScoreEntry {self.kind}:{self.ref} u{self.user_id} {self.points}/{self.max_points}>"
