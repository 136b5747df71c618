"""Drill rounds, teams, team members and drill reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

SELF_INSPECTION, CROSS_INSPECTION, FOLLOW_UP = "self_inspection", "cross_inspection", "follow_up"
ROUND_KINDS = {SELF_INSPECTION: "自查", CROSS_INSPECTION: "交叉检查", FOLLOW_UP: "后督察"}


class DrillRound(db.Model):
    """A round of drills with its dates (自查 / 交叉检查 / 后督察)."""

    __tablename__ = "campaign_drill_rounds"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('self_inspection', 'cross_inspection', 'follow_up')", name="kind"
        ),
        CheckConstraint("end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: team members must come from the backbone pool (执法骨干)
    pool_only: Mapped[bool] = mapped_column(default=False, server_default=false())

    teams: Mapped[list["DrillTeam"]] = relationship(
        back_populates="round", order_by="DrillTeam.id", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return ROUND_KINDS[self.kind]

    def __repr__(self) -> str:
        return f"<DrillRound {self.kind} {self.name}>"


class DrillTeam(db.Model):
    """Officers of one county (home) inspecting the enterprises of a county (target)."""

    __tablename__ = "campaign_drill_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_drill_rounds.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    #: the county the officers come from
    home_bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    #: the county whose enterprises are inspected
    target_bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))

    round: Mapped[DrillRound] = relationship(back_populates="teams")
    home_bureau: Mapped[Bureau] = relationship(foreign_keys=[home_bureau_id])
    target_bureau: Mapped[Bureau] = relationship(foreign_keys=[target_bureau_id])
    members: Mapped[list["DrillTeamMember"]] = relationship(
        back_populates="team", order_by="DrillTeamMember.id", cascade="all, delete-orphan"
    )
    reports: Mapped[list["DrillReport"]] = relationship(
        back_populates="team", order_by="DrillReport.inspected_on", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<DrillTeam {self.name} {self.home_bureau_id}->{self.target_bureau_id}>"


class DrillTeamMember(db.Model):
    __tablename__ = "campaign_drill_team_members"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_campaign_drill_team_members_team_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("campaign_drill_teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    team: Mapped[DrillTeam] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<DrillTeamMember team {self.team_id} user {self.user_id}>"


class DrillReport(db.Model):
    """What a team found at one enterprise on one day, and the points the city awarded."""

    __tablename__ = "campaign_drill_reports"
    __table_args__ = (
        CheckConstraint("records_written >= 0", name="records_written"),
        CheckConstraint(
            "award_points IS NULL OR (award_points >= 0 AND award_points <= award_max)",
            name="award_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_drill_teams.id", ondelete="CASCADE"), index=True
    )
    enterprise: Mapped[str] = mapped_column(String(200))
    inspected_on: Mapped[date]
    problems: Mapped[str] = mapped_column(Text, default="")
    #: number of inspection / inquiry records written on the visit
    records_written: Mapped[int] = mapped_column(default=0)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    award_points: Mapped[float | None]
    award_max: Mapped[float | None]
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[DrillTeam] = relationship(back_populates="reports")

    def __repr__(self) -> str:
        return f"<DrillReport {self.enterprise} {self.inspected_on}>"
