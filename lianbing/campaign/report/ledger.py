"""The ledger's share of the report: who took part in what, read once per campaign.

Everything here is one grouped query over the campaign, by bureau; a county's figures and
the city's are sums of the same cells, so the report for 10,000 officers and a million ledger
lines reads the ledger three times, not once per bureau.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry, ScoreTotal


@dataclass
class KindCell:
    """One activity kind in one bureau: people with a result, points and maximum, activities."""

    people: int = 0
    points: float = 0.0
    max_points: float = 0.0
    activities: int = 0


@dataclass
class LedgerFacts:
    #: {bureau id: {kind: KindCell}}
    cells: dict[int, dict[str, KindCell]] = field(default_factory=dict)
    #: {bureau id: officers with at least one ledger line}
    people: dict[int, int] = field(default_factory=dict)
    #: {kind: distinct activities over the whole city} (not a sum: two counties share a quiz)
    city_activities: dict[str, int] = field(default_factory=dict)


def read(campaign_id: int) -> LedgerFacts:
    """The campaign's ledger, grouped by bureau and kind."""
    facts = LedgerFacts(cells=defaultdict(dict))
    for bureau_id, kind, people, points, top in db.session.execute(_totals(campaign_id)):
        facts.cells[bureau_id][kind] = KindCell(people, points or 0.0, top or 0.0)
    for bureau_id, kind, held in db.session.execute(_activities(campaign_id)):
        facts.cells[bureau_id].setdefault(kind, KindCell()).activities = held
    facts.people = dict(db.session.execute(_people(campaign_id)).all())
    facts.city_activities = dict(
        db.session.execute(
            select(ScoreEntry.kind, func.count(distinct(ScoreEntry.ref)))
            .where(ScoreEntry.campaign_id == campaign_id)
            .group_by(ScoreEntry.kind)
        ).all()
    )
    return facts


def _totals(campaign_id: int):
    return (
        select(
            User.bureau_id,
            ScoreTotal.kind,
            func.count(),
            func.sum(ScoreTotal.points),
            func.sum(ScoreTotal.max_points),
        )
        .join(User, User.id == ScoreTotal.user_id)
        .where(ScoreTotal.campaign_id == campaign_id)
        .group_by(User.bureau_id, ScoreTotal.kind)
    )


def _activities(campaign_id: int):
    return (
        select(User.bureau_id, ScoreEntry.kind, func.count(distinct(ScoreEntry.ref)))
        .join(User, User.id == ScoreEntry.user_id)
        .where(ScoreEntry.campaign_id == campaign_id)
        .group_by(User.bureau_id, ScoreEntry.kind)
    )


def _people(campaign_id: int):
    return (
        select(User.bureau_id, func.count(distinct(ScoreTotal.user_id)))
        .join(User, User.id == ScoreTotal.user_id)
        .where(ScoreTotal.campaign_id == campaign_id)
        .group_by(User.bureau_id)
    )


def combined(facts: LedgerFacts, bureau_ids: tuple[int, ...], whole_city: bool) -> dict:
    """{kind: KindCell} summed over the bureaus; the city counts its distinct activities."""
    out: dict[str, KindCell] = {}
    for bureau_id in bureau_ids:
        for kind, cell in facts.cells.get(bureau_id, {}).items():
            into = out.setdefault(kind, KindCell())
            into.people += cell.people
            into.points += cell.points
            into.max_points += cell.max_points
            into.activities += cell.activities
    if whole_city:
        for kind, into in out.items():
            into.activities = facts.city_activities.get(kind, into.activities)
    return out
