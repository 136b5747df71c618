"""Rankings' own records: the city's rules per campaign, awards, nominations, recommendations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db


class RankingSettings(db.Model):
    """Per-campaign ranking rules the city sets: deadline, quotas, eligibility, bureau weights."""

    __tablename__ = "ranking_settings"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    #: last moment bureau admins may nominate; None = no deadline set yet
    nomination_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: {"county_collective": 1, "city_individual": 1, "county_individual": 1}
    province_quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: {kind: minimum share 0..1} every nominee must reach
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: {kind: minimum number of ledger rows} every nominee must have, e.g. {"case_file": 1}
    min_entries: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: {measure name: weight} of the bureau (collective) ranking
    measure_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: whether officers' leaderboard shows names; off = only ranks, bureaus and scores
    is_board_named: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    def __repr__(self) -> str:
        return f"<RankingSettings c{self.campaign_id}>"


class Award(db.Model):
    """A manual 实战练兵 award, written to the ledger as kind ``award`` when the city approves."""

    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("points > 0 AND points <= max_points", name="points_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    #: 现场检查 / 交叉检查 / 办理案件 / 其他
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    points: Mapped[float]
    max_points: Mapped[float]
    reason: Mapped[str] = mapped_column(Text)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Award {self.id} u{self.user_id} {self.points} {self.status}>"


class Nomination(db.Model):
    """A bureau's advanced-individual candidate, frozen once submitted."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", name="uq_nominations_campaign_user"),
        CheckConstraint("status IN ('draft', 'submitted', 'accepted', 'returned')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    justification: Mapped[str] = mapped_column(Text)
    #: draft (reopened) → submitted → accepted | returned
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    #: the officer's ranking row when submitted (composite, ranks, shares, ledger version)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    nominated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Nomination {self.id} u{self.user_id} {self.status}>"


class Recommendation(db.Model):
    """The city's recommendation to the province: a bureau (collective) or a nominated officer."""

    __tablename__ = "recommendations"
    __table_args__ = (
        CheckConstraint("(bureau_id IS NULL) <> (nomination_id IS NULL)", name="one_target"),
        UniqueConstraint(
            "campaign_id", "category", "bureau_id", "nomination_id", name="uq_recommendations_pick"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    #: county_collective | city_individual | county_individual
    category: Mapped[str] = mapped_column(String(30))
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    nomination_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE")
    )
    selected_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: 事迹 of a collective (the county bureau's achievements), written by the city
    statement: Mapped[str] = mapped_column(Text, default="")
    #: the bureau measures that justify a collective: [{"name", "value"}] at selection time
    measures: Mapped[list[Any]] = mapped_column(JSON, default=list)

    nomination: Mapped[Nomination | None] = relationship()
    bureau: Mapped["Bureau | None"] = relationship()

    def __repr__(self) -> str:
        return f"<Recommendation {self.category} b{self.bureau_id} n{self.nomination_id}>"
