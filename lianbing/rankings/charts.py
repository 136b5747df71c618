"""Figures for the SVG charts: score distribution, bureau comparison, progress by month."""

from __future__ import annotations

from sqlalchemy import func, select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.campaign.models import Campaign
from lianbing.counters.fragments import kept
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings.ranking import CACHE_SECONDS, Ranking


def distribution(ranking: Ranking, within: frozenset[int] | None = None) -> list[tuple[str, int]]:
    """How many officers (of the bureaus ``within``, if given) fall in each ten-point band."""
    counts = [0] * 10
    for row in ranking.select(role="officer", within=within):
        counts[min(9, int(row.composite // 10))] += 1
    return [(f"{10 * i}-{10 * i + 10}", n) for i, n in enumerate(counts)]


def bureau_comparison(ranking: Ranking) -> list[tuple[str, float]]:
    """Average composite of the officers of each county bureau under the ranking's scope."""
    sums: dict[int, list[float]] = {}
    for row in ranking.select(role="officer"):
        acc = sums.setdefault(row.bureau_id, [0.0, 0])
        acc[0] += row.composite
        acc[1] += 1
    return [
        (b.short_name, round(sums[b.id][0] / sums[b.id][1], 1) if b.id in sums else 0.0)
        for b in accounts.county_bureaus(ranking.scope)
    ]


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", func.timezone("UTC", column)), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def progress(campaign: Campaign, version: int, under: str | None = None) -> list[tuple[str, float]]:
    """Share of available points earned in each month's ledger rows, of the people under the
    bureau path ``under`` if given (cached by ledger version)."""
    key = f"progress:{campaign.id}:{version}:{under}"
    return kept(key, lambda: _progress(campaign.id, under), CACHE_SECONDS)


def _progress(campaign_id: int, under: str | None) -> list[tuple[str, float]]:
    month = _month(ScoreEntry.achieved_at).label("month")
    stmt = (
        select(month, func.sum(ScoreEntry.points), func.sum(ScoreEntry.max_points))
        .where(ScoreEntry.campaign_id == campaign_id)
        .group_by(month)
        .order_by(month)
    )
    if under is not None:
        stmt = (
            stmt.join(User, User.id == ScoreEntry.user_id)
            .join(Bureau, Bureau.id == User.bureau_id)
            .where(Bureau.path.like(f"{under}%"))
        )
    return [
        (f"{int(m[5:])}月", round(100 * p / mx, 1) if mx else 0.0)
        for m, p, mx in db.session.execute(stmt)
    ]
