"""Figures for the SVG charts: score distribution, bureau comparison, progress by month."""

from __future__ import annotations

from sqlalchemy import func, select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.extensions import cache, db
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings.ranking import CACHE_SECONDS, Ranking


def distribution(ranking: Ranking, bureau_id: int | None = None) -> list[tuple[str, int]]:
    """How many officers fall in each ten-point band of the composite."""
    counts = [0] * 10
    for row in ranking.select(bureau_id=bureau_id, role="officer"):
        counts[min(9, int(row.composite // 10))] += 1
    return [(f"{10 * i}-{10 * i + 10}", n) for i, n in enumerate(counts)]


def bureau_comparison(ranking: Ranking) -> list[tuple[str, float]]:
    """Average composite of each county bureau's officers."""
    sums: dict[int, list[float]] = {}
    for row in ranking.select(role="officer"):
        acc = sums.setdefault(row.bureau_id, [0.0, 0])
        acc[0] += row.composite
        acc[1] += 1
    return [
        (b.short_name, round(sums[b.id][0] / sums[b.id][1], 1) if b.id in sums else 0.0)
        for b in accounts.county_bureaus()
    ]


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", func.timezone("UTC", column)), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def progress(
    campaign: Campaign, version: int, bureau_id: int | None = None
) -> list[tuple[str, float]]:
    """Share of available points earned in each month's ledger rows (cached by ledger version)."""
    key = f"progress:{campaign.id}:{version}:{bureau_id}"
    found = cache.get(key)
    if found is None:
        found = _progress(campaign.id, bureau_id)
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def _progress(campaign_id: int, bureau_id: int | None) -> list[tuple[str, float]]:
    month = _month(ScoreEntry.achieved_at).label("month")
    stmt = (
        select(month, func.sum(ScoreEntry.points), func.sum(ScoreEntry.max_points))
        .where(ScoreEntry.campaign_id == campaign_id)
        .group_by(month)
        .order_by(month)
    )
    if bureau_id is not None:
        stmt = stmt.join(User, User.id == ScoreEntry.user_id).where(User.bureau_id == bureau_id)
    return [
        (f"{int(m[5:])}月", round(100 * p / mx, 1) if mx else 0.0)
        for m, p, mx in db.session.execute(stmt)
    ]
