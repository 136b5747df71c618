"""The score ledger: its rows, their per-kind sums, the version that keys cached rankings, and
the activities officers are expected to do."""

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
        # (campaign, kind, ref) -> user: who has done one activity
        # (rankings' missed-activity check; covering)
        Index("ix_score_entries_campaign_kind_ref", "campaign_id", "kind", "ref", "user_id"),
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
        return (
            f"<ScoreEntry {self.kind}:{self.ref} u{self.user_id} {self.points}/{self.max_points}>"
        )


#: who an expected activity is assigned to
AUDIENCE_ALL, AUDIENCE_BUREAUS, AUDIENCE_USERS = "all", "bureaus", "users"


class LedgerVersion(db.Model):
    """A counter per campaign, bumped on every ledger change: the key of cached rankings.

    Kept in the database so every worker on every machine sees the same version.
    """

    __tablename__ = "ledger_versions"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<LedgerVersion c{self.campaign_id} v{self.version}>"


class ExpectedActivity(db.Model):
    """An activity assigned to officers.

    Once it is closed, a missing ledger row counts as 0 of max_points.
    """

    __tablename__ = "expected_activities"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "ref", name="uq_expected_activities_key"),
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("audience IN ('all', 'bureaus', 'users')", name="audience"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    #: the same ref the part writes to the ledger, e.g. "quiz:12"
    ref: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200), default="")
    max_points: Mapped[float]
    #: "all" officers, or the bureaus / users listed in expected_activity_audience
    audience: Mapped[str] = mapped_column(String(10), default=AUDIENCE_ALL)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list["ExpectedAudience"]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<ExpectedActivity {self.kind}:{self.ref} closes {self.closes_at}>"


class ExpectedAudience(db.Model):
    """One bureau or one user an expected activity is assigned to."""

    __tablename__ = "expected_activity_audience"
    __table_args__ = (
        CheckConstraint("(bureau_id IS NULL) <> (user_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expected_id: Mapped[int] = mapped_column(
        ForeignKey("expected_activities.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<ExpectedAudience e{self.expected_id} b{self.bureau_id} u{self.user_id}>"


class ScoreTotal(db.Model):
    """The ledger summed per (campaign, user, kind): what rankings read instead of a million rows.

    Kept exact by record() (which recomputes the one cell it touched from the ledger), by
    declaring or withdrawing an expected activity (which recomputes ``expected_max`` of the cells
    holding its results) and rebuilt in one INSERT … SELECT … GROUP BY by
    ``ledger.totals.rebuild`` after bulk loads.
    """

    __tablename__ = "score_totals"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    points: Mapped[float]
    max_points: Mapped[float]
    entries: Mapped[int]
    #: the latest achieved_at among the cell's ledger rows (the tie-break "completion")
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the declared max points of the everyone-expected activities (audience "all", open or
    #: closed) that the cell's ledger rows are results of: what the officer did of what
    #: everyone was expected to do, so a ranking need not join the ledger to find it
    expected_max: Mapped[float] = mapped_column(default=0.0, server_default="0")

    def __repr__(self) -> str:
        return (
            f"<ScoreTotal c{self.campaign_id} u{self.user_id} {self.kind} "
            f"{self.points}/{self.max_points}>"
        )


class ExpectedExemption(db.Model):
    """One officer excused by the city from one expected activity (leave, duty), with a reason.

    An exempt officer's missing result does not count against their share.
    """

    __tablename__ = "expected_exemptions"
    __table_args__ = (
        UniqueConstraint("expected_id", "user_id", name="uq_expected_exemptions_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expected_id: Mapped[int] = mapped_column(
        ForeignKey("expected_activities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ExpectedExemption e{self.expected_id} u{self.user_id}>"


class LedgerClosure(db.Model):
    """A closed campaign: its ledger is frozen and its final ranking kept as a snapshot.

    While a row exists ``record()`` refuses results; the city corrects through an audited
    correction naming the reason, or reopens the campaign (the row is deleted, audited).
    """

    __tablename__ = "ledger_closures"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the ledger version the final ranking was taken at
    version: Mapped[int] = mapped_column(default=0)
    #: {str(user_id): {composite, city_rank, bureau_rank, shares, eligible, reasons, entries}}
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<LedgerClosure c{self.campaign_id} v{self.version}>"
