"""What drills write to the score ledger: one result per round and team member, and the round
expected of the officers on its teams.

A drill round is one activity in the ledger (``drill_round:<id>``, kind ``award``): a member's
result is the sum of the points the city awarded to the reports of their team(s) in the round,
out of the sum of those reports' full marks, so the per-kind sums read by rankings are the same
as one line per report would give. The round is declared as expected of the officers on its
teams, closing at the end of its last day; a member whose team earned no award by then has
missed it (0 of one report's full mark) unless the city exempts them.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam, DrillTeamMember
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.ledger.expected import declare_expected, withdraw_expected
from lianbing.parts import ActivityRef

AWARD_KIND = "award"
DEFAULT_AWARD_MAX = 10.0
REF_PREFIX = "drill_round"


def ref(round_id: int) -> str:
    """The ledger reference of a drill round."""
    return f"{REF_PREFIX}:{round_id}"


def closes_at(round_: DrillRound) -> datetime:
    """The end of the round's last day (Beijing time), in UTC."""
    return local_to_utc(datetime.combine(round_.end_date, time(23, 59, 59)))


def member_ids(round_: DrillRound) -> list[int]:
    """The officers on the round's teams."""
    return sorted({m.user_id for team in round_.teams for m in team.members})


def activities(campaign_id: int) -> list[ActivityRef]:
    """The campaign's drill rounds, for the city to choose among by name."""
    rounds = db.session.scalars(
        select(DrillRound)
        .where(DrillRound.campaign_id == campaign_id)
        .order_by(DrillRound.start_date, DrillRound.id)
    )
    return [ActivityRef(AWARD_KIND, ref(r.id), r.name) for r in rounds]


def expect(round_: DrillRound, actor_id: int | None = None) -> None:
    """Expect the round of the officers on its teams (withdrawn while it has none)."""
    declare_expected(
        round_.campaign_id,
        AWARD_KIND,
        ref(round_.id),
        round_.name,
        DEFAULT_AWARD_MAX,
        closes_at(round_),
        "users",
        member_ids(round_),
        actor_id=actor_id,
    )


def withdraw(round_: DrillRound, actor_id: int | None = None) -> None:
    """Nobody is expected to take part in a deleted round any more."""
    withdraw_expected(round_.campaign_id, AWARD_KIND, ref(round_.id), actor_id=actor_id)


def _awarded(round_id: int, user_id: int) -> list[DrillReport]:
    """The awarded reports of the user's teams in the round."""
    return list(
        db.session.scalars(
            select(DrillReport)
            .join(DrillTeam, DrillTeam.id == DrillReport.team_id)
            .join(DrillTeamMember, DrillTeamMember.team_id == DrillTeam.id)
            .where(
                DrillTeam.round_id == round_id,
                DrillTeamMember.user_id == user_id,
                DrillReport.award_points.is_not(None),
            )
            .order_by(DrillReport.id)
        )
    )


def record_member(
    round_: DrillRound, user_id: int, *, actor_id: int | None, reason: str = "实战练兵报告加分"
) -> None:
    """Write the member's result in the round: the awards of their teams' reports in it."""
    reports = _awarded(round_.id, user_id)
    if not reports:
        return
    ledger.record(
        user_id,
        round_.campaign_id,
        AWARD_KIND,
        ref(round_.id),
        sum(r.award_points for r in reports),
        sum(r.award_max for r in reports),
        max(r.filed_at for r in reports),
        {"team_ids": sorted({r.team_id for r in reports}), "report_ids": [r.id for r in reports]},
        title=round_.name,
        actor_id=actor_id,
        reason=reason,
    )
