"""The composite score and rankings, computed from the ledger by SQL aggregation and cached.

share(kind)  = points earned / points available to the officer in that kind, where available
               = max_points of the officer's ledger rows + max_points of closed expected
               activities assigned to them that they missed;
composite    = 100 × Σ weight(kind) × share(kind) / Σ weight(kind), summed over the kinds that
               have a positive weight and any points available to anyone in the campaign.
Ties go to the higher record_exercise share, then the earlier completion (the time of the
officer's latest ledger row), then the lower user id, so every rank is unique and stable.

The per-kind sums come from ``score_totals`` (kept exact by record(), see totals.py), so a
cold ranking reads tens of thousands of rows, not the whole ledger.
The ranking is cached under a key made of the campaign's ledger version (kept in the
database, bumped by every record()) and a digest of the weights, eligibility rules and the
set of closed expected activities. Only officer data is cached, never a rendered page: each
request picks the viewer's own row out of it.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select

from lianbing.accounts.models import Bureau, User
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import utcnow
from lianbing.extensions import cache, db
from lianbing.parts import registry
from lianbing.scoring import rules, versions
from lianbing.scoring.models import AUDIENCE_ALL, ExpectedActivity, ExpectedAudience, ScoreEntry, ScoreTotal

TIE_KIND = "record_exercise"
CACHE_SECONDS = 3600


@dataclass(slots=True)
class Row:
    """One officer's line in a ranking."""

    user_id: int
    name: str
    role: str
    bureau_id: int
    bureau: str
    earned: dict[str, float]
    available: dict[str, float]
    composite: float = 0.0
    last_at: datetime | None = None
    entries: int = 0
    reasons: tuple[str, ...] = ()
    city_rank: int = 0
    bureau_rank: int = 0

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def share(self, kind: str) -> float:
        available = self.available.get(kind, 0.0)
        return self.earned.get(kind, 0.0) / available if available else 0.0


@dataclass
class Ranking:
    """A whole campaign's ranking: rows in rank order and an index by user id."""

    campaign_id: int
    version: int
    weights: dict[str, float]
    kinds: list[str]
    rows: list[Row]
    by_user: dict[int, int] = field(default_factory=dict)

    def row_of(self, user_id: int) -> Row | None:
        pos = self.by_user.get(user_id)
        return self.rows[pos] if pos is not None else None

    def select(self, *, bureau_id: int | None = None, role: str | None = None, kind: str | None = None) -> list[Row]:
        """Rows filtered by bureau and role; ordered by one kind's share when given."""
        rows = [r for r in self.rows if (bureau_id is None or r.bureau_id == bureau_id)
                and (role is None or r.role == role)]
        if kind:
            rows = sorted(rows, key=lambda r: (-round(r.share(kind), 6), _tie(r), r.user_id))
        return rows


def _tie(row: Row) -> tuple:
    last = row.last_at.timestamp() if row.last_at else float("inf")
    return (-round(row.share(TIE_KIND), 6), last)


# --- SQL aggregation ---------------------------------------------------------------------

def _earned(campaign_id: int, kinds: list[str]) -> list:
    """One row per officer: user_id, rows, latest achieved_at, then (points, max) per kind.

    Pivoted in SQL (conditional sums over the per-kind totals) so that Python handles one row
    per officer rather than one per officer and kind.
    """
    t = ScoreTotal
    columns = [t.user_id, func.sum(t.entries), func.max(t.last_at)]
    for kind in kinds:
        columns += [func.sum(case((t.kind == kind, t.points), else_=0.0)),
                    func.sum(case((t.kind == kind, t.max_points), else_=0.0))]
    return db.session.execute(select(*columns).where(t.campaign_id == campaign_id).group_by(t.user_id)).all()


def _missed(campaign_id: int, now: datetime) -> list:
    """(user_id, kind, max points) of closed expected activities the user has no ledger row for."""
    e, u = ExpectedActivity, User
    in_audience = or_(
        and_(e.audience == AUDIENCE_ALL, u.role == "officer"),
        exists().where(ExpectedAudience.expected_id == e.id,
                       or_(ExpectedAudience.bureau_id == u.bureau_id, ExpectedAudience.user_id == u.id)))
    done = exists().where(ScoreEntry.campaign_id == campaign_id, ScoreEntry.user_id == u.id,
                          ScoreEntry.kind == e.kind, ScoreEntry.ref == e.ref)
    stmt = (select(u.id, e.kind, func.sum(e.max_points)).select_from(e).join(u, u.is_active_.is_(True))
            .where(e.campaign_id == campaign_id, e.closes_at <= now, in_audience, ~done)
            .group_by(u.id, e.kind))
    return db.session.execute(stmt).all()


def _people(campaign_id: int) -> list:
    """Active officers, plus anyone else with ledger rows in the campaign."""
    has_rows = exists().where(ScoreTotal.campaign_id == campaign_id, ScoreTotal.user_id == User.id)
    stmt = (select(User.id, User.display_name, User.role, User.bureau_id, Bureau.short_name)
            .join(Bureau, Bureau.id == User.bureau_id)
            .where(User.is_active_.is_(True), or_(User.role == "officer", has_rows)))
    return db.session.execute(stmt).all()


def _closed_expected(campaign_id: int, now: datetime) -> list[int]:
    return list(db.session.scalars(select(ExpectedActivity.id).where(
        ExpectedActivity.campaign_id == campaign_id, ExpectedActivity.closes_at <= now)
        .order_by(ExpectedActivity.id)))


# --- building ----------------------------------------------------------------------------

def build(campaign: Campaign, version: int, weights: dict[str, float], minimums: dict[str, float],
          now: datetime) -> Ranking:
    """Compute the ranking from the database (no cache)."""
    rows = {p.id: Row(p.id, p.display_name, p.role, p.bureau_id, p.short_name, {}, {}) for p in _people(campaign.id)}
    all_kinds = list(weights)
    for user_id, count, last, *sums in _earned(campaign.id, all_kinds):
        row = rows.get(user_id)
        if row is not None:
            row.entries, row.last_at = count, last
            for i, kind in enumerate(all_kinds):
                if sums[2 * i + 1]:
                    row.earned[kind], row.available[kind] = sums[2 * i], sums[2 * i + 1]
    for user_id, kind, max_points in (_missed(campaign.id, now) if _closed_expected(campaign.id, now) else ()):
        row = rows.get(user_id)
        if row is not None:
            row.available[kind] = row.available.get(kind, 0.0) + float(max_points)
    kinds = [k for k, w in weights.items() if w > 0 and any(r.available.get(k) for r in rows.values())]
    total = sum(weights[k] for k in kinds)
    labels = {k: v.label for k, v in registry().kinds.items()}
    for row in rows.values():
        shares = {k: row.earned.get(k, 0.0) / a for k, a in row.available.items() if a}
        row.composite = round(100 * sum(weights[k] * shares.get(k, 0.0) for k in kinds) / total, 4) if total else 0.0
        row.reasons = _reasons(shares, minimums, labels) if minimums else ()
    return _ordered(campaign.id, version, weights, kinds, list(rows.values()))


def _reasons(shares: dict[str, float], minimums: dict[str, float], labels: dict[str, str]) -> tuple[str, ...]:
    return tuple(f"{labels[k]}得分率 {shares.get(k, 0.0):.0%}，低于要求的 {m:.0%}"
                 for k, m in minimums.items() if m > 0 and shares.get(k, 0.0) < m - 1e-9)


def _ordered(campaign_id: int, version: int, weights: dict, kinds: list, rows: list[Row]) -> Ranking:
    rows.sort(key=lambda r: (-r.composite, _tie(r), r.user_id))
    per_bureau: dict[int, int] = {}
    for pos, row in enumerate(rows, start=1):
        row.city_rank = pos
        per_bureau[row.bureau_id] = per_bureau.get(row.bureau_id, 0) + 1
        row.bureau_rank = per_bureau[row.bureau_id]
    ranking = Ranking(campaign_id, version, weights, kinds, rows)
    ranking.by_user = {row.user_id: pos for pos, row in enumerate(rows)}
    return ranking


# --- caching -----------------------------------------------------------------------------

class _Recent:
    """The last few rankings this process computed, keyed like the shared cache.

    Safe across workers because the key carries the database's ledger version; it only saves
    unpickling the shared cache's copy on every request.
    """

    def __init__(self, size: int = 4):
        self.size, self.items = size, OrderedDict()

    def get(self, key: str):
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: str, value) -> None:
        self.items[key] = value
        while len(self.items) > self.size:
            self.items.popitem(last=False)


_recent = _Recent()


def cache_key(campaign: Campaign, now: datetime) -> tuple[str, int, dict, dict]:
    """The key of the campaign's current ranking, with the inputs it was made from."""
    version = versions.current(campaign.id)
    weights = campaigns.weights(campaign)
    minimums = rules.eligibility(campaign.id)
    digest = hashlib.sha1(json.dumps([weights, minimums, _closed_expected(campaign.id, now)],
                                     sort_keys=True).encode()).hexdigest()[:16]
    return f"ranking:{campaign.id}:{version}:{digest}", version, weights, minimums


def ranking_for(campaign: Campaign, now: datetime | None = None) -> Ranking:
    """The campaign's ranking: from this process, the shared cache, or computed afresh."""
    now = now or utcnow()
    key, version, weights, minimums = cache_key(campaign, now)
    found = _recent.get(key) or cache.get(key)
    if found is None:
        found = build(campaign, version, weights, minimums, now)
        cache.set(key, found, timeout=CACHE_SECONDS)
    _recent.put(key, found)
    return found


def clear_local() -> None:
    """Forget this process's copies (tests and benchmarks measuring a cold start)."""
    _recent.items.clear()
