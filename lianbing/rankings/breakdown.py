"""One officer's score explained: by kind, line by line, missed activities and the trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, or_, select

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import LOCAL_TZ, utcnow
from lianbing.extensions import db
from lianbing.ledger.models import (
    AUDIENCE_ALL,
    ExpectedActivity,
    ExpectedAudience,
    ExpectedExemption,
    ScoreEntry,
)
from lianbing.parts import registry
from lianbing.rankings.ranking import Ranking


@dataclass(frozen=True)
class KindLine:
    kind: str
    label: str
    weight: float
    earned: float
    available: float
    share: float
    #: points of the 0–100 composite this kind contributes
    contribution: float


def missed(campaign_id: int, user: User, now: datetime | None = None) -> list[ExpectedActivity]:
    """Closed expected activities assigned to the user with no ledger row: they count as 0."""
    e = ExpectedActivity
    in_audience = or_(
        and_(e.audience == AUDIENCE_ALL, user.role == "officer"),
        exists().where(
            ExpectedAudience.expected_id == e.id,
            or_(ExpectedAudience.bureau_id == user.bureau_id, ExpectedAudience.user_id == user.id),
        ),
    )
    done = exists().where(
        ScoreEntry.campaign_id == campaign_id,
        ScoreEntry.user_id == user.id,
        ScoreEntry.kind == e.kind,
        ScoreEntry.ref == e.ref,
    ) | exists().where(ExpectedExemption.expected_id == e.id, ExpectedExemption.user_id == user.id)
    return list(
        db.session.scalars(
            select(e)
            .where(
                e.campaign_id == campaign_id, e.closes_at <= (now or utcnow()), in_audience, ~done
            )
            .order_by(e.closes_at)
        )
    )


def kind_lines(ranking: Ranking, user_id: int) -> list[KindLine]:
    """The composite of one officer, split by kind."""
    row = ranking.row_of(user_id)
    if row is None:
        return []
    total = sum(ranking.weights[k] for k in ranking.kinds) or 1
    labels = registry().kinds
    return [
        KindLine(
            k,
            labels[k].label,
            ranking.weights[k],
            row.earned.get(k, 0.0),
            row.available.get(k, 0.0),
            row.share(k),
            100 * ranking.weights[k] * row.share(k) / total,
        )
        for k in ranking.kinds
    ]


def trend(
    ranking: Ranking, campaign: Campaign, entries: list[ScoreEntry], missing: list[ExpectedActivity]
) -> list[tuple[str, float]]:
    """The officer's composite at the end of each campaign month (same kinds and weights)."""
    total = sum(ranking.weights[k] for k in ranking.kinds) or 1
    points = []
    for label, end in _month_ends(campaign.start_date, campaign.end_date):
        earned: dict[str, float] = {}
        available: dict[str, float] = {}
        for e in entries:
            if e.achieved_at <= end:
                earned[e.kind] = earned.get(e.kind, 0.0) + e.points
                available[e.kind] = available.get(e.kind, 0.0) + e.max_points
        for m in missing:
            if m.closes_at <= end:
                available[m.kind] = available.get(m.kind, 0.0) + m.max_points
        value = sum(
            ranking.weights[k] * earned.get(k, 0) / available[k]
            for k in ranking.kinds
            if available.get(k)
        )
        points.append((label, round(100 * value / total, 1)))
    return points


def _month_ends(start: date, end: date) -> list[tuple[str, datetime]]:
    months, cursor = [], date(start.year, start.month, 1)
    while cursor <= end:
        following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = min(following - timedelta(days=1), end)
        months.append((f"{cursor.month}月", datetime.combine(last, time.max, tzinfo=LOCAL_TZ)))
        cursor = following
    return months
