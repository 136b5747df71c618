"""The ledger's share of the report: who took part in what, read once per campaign.

Everything here is one grouped query over the campaign's per-officer sums (``score_totals``,
one row per officer and kind), by bureau; a county's figures and the city's are sums of the
same cells, so the report for 10,000 officers and a million ledger lines never scans the
ledger itself. How many activities were held is each part's own figure (competitions, case
files), counted from its own tables: counting distinct ledger references per bureau was the
one query that scanned every ledger line (decision 0023).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.ledger.models import ScoreTotal


@dataclass
class KindCell:
    """One activity kind in one bureau: people with a result, their points and the maximum."""

    people: int = 0
    points: float = 0.0
    max_points: float = 0.0


@dataclass
class LedgerFacts:
    #: {bureau id: {kind: KindCell}}
    cells: dict[int, dict[str, KindCell]] = field(default_factory=dict)
    #: {bureau id: officers with at least one ledger line}
    people: dict[int, int] = field(default_factory=dict)
    #: {bureau id: active officers on the roster}
    officers: dict[int, int] = field(default_factory=dict)


def read(campaign_id: int) -> LedgerFacts:
    """The campaign's ledger, grouped by bureau and kind."""
    facts = LedgerFacts(cells=defaultdict(dict))
    for bureau_id, kind, people, points, top in db.session.execute(_totals(campaign_id)):
        facts.cells[bureau_id][kind] = KindCell(people, points or 0.0, top or 0.0)
    facts.people = dict(db.session.execute(_people(campaign_id)).all())
    facts.officers = dict(
        db.session.execute(
            select(User.bureau_id, func.count())
            .where(User.role == "officer", User.is_active_.is_(True))
            .group_by(User.bureau_id)
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


def _people(campaign_id: int):
    return (
        select(User.bureau_id, func.count(distinct(ScoreTotal.user_id)))
        .join(User, User.id == ScoreTotal.user_id)
        .where(ScoreTotal.campaign_id == campaign_id)
        .group_by(User.bureau_id)
    )


def combined(facts: LedgerFacts, bureau_ids: tuple[int, ...]) -> dict[str, KindCell]:
    """{kind: KindCell} summed over the bureaus."""
    out: dict[str, KindCell] = {}
    for bureau_id in bureau_ids:
        for kind, cell in facts.cells.get(bureau_id, {}).items():
            into = out.setdefault(kind, KindCell())
            into.people += cell.people
            into.points += cell.points
            into.max_points += cell.max_points
    return out
