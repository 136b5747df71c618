"""Year over year: a bureau's and an officer's figures beside the previous campaign's.

The previous campaign is the one this campaign was made from (``campaign.nextyear``), else the
latest of an earlier year. Every figure comes from the same ranking pages show (composite,
ranks, points per kind from the ledger totals), so the comparison adds nothing to trace.

A campaign from which nothing was due yet has no figures to compare: its side reads 未到期
and no change is worked out. For a county: no points available to its officers and no bulletin
due (the collective score would otherwise be its not-due credit alone, 20 by default); for an
officer: no points available to anyone in the campaign (decision 0027).
"""

from __future__ import annotations

from dataclasses import dataclass

from lianbing.campaign.models import Campaign
from lianbing.parts import registry
from lianbing.rankings import measures
from lianbing.rankings.ranking import ranking_for

#: the key of a figures dict from which nothing was due yet
NOT_DUE = "not_due"


@dataclass(frozen=True)
class Line:
    """One figure in both campaigns; None where a campaign has no figure (not taking part, or
    nothing due yet: then ``*_due`` is False)."""

    label: str
    before: float | None
    now: float | None
    unit: str = ""
    #: for a rank, smaller is better
    lower_is_better: bool = False
    #: the activity kind of a per-kind line ("" for the head figures)
    kind: str = ""
    before_due: bool = True
    now_due: bool = True

    @property
    def change(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return round(self.now - self.before, 2)

    @property
    def better(self) -> bool | None:
        """Whether the figure improved (None when it cannot be told or did not move)."""
        if not self.change:
            return None
        return (self.change < 0) if self.lower_is_better else (self.change > 0)


def officer_figures(campaign: Campaign, user_id: int) -> dict:
    """An officer's composite, ranks, activities with a result and points by kind."""
    ranking = ranking_for(campaign)
    row = ranking.row_of(user_id)
    if row is None:
        return {}
    if not ranking.kinds:  # no points available to anyone: nothing was due yet
        return {NOT_DUE: True}
    figures = {
        "composite": row.composite,
        "city_rank": float(row.city_rank),
        "bureau_rank": float(row.bureau_rank),
        "entries": float(row.entries),
    }
    return figures | {f"kind:{k}": round(v, 2) for k, v in row.earned.items()}


def bureau_figures(campaign: Campaign, bureau_id: int) -> dict:
    """A county's collective score and rank, participation, average composite and the average
    points per officer by kind."""
    ranking = ranking_for(campaign)
    found = next((r for r in measures.bureau_ranking(ranking) if r.bureau_id == bureau_id), None)
    if found is None or not found.officers:
        return {}
    if found.nothing_due:
        return {NOT_DUE: True}
    officers = ranking.select(bureau_id=bureau_id, role="officer")
    kinds: dict[str, float] = {}
    for row in officers:
        for kind, points in row.earned.items():
            kinds[kind] = kinds.get(kind, 0.0) + points
    figures = {
        "score": found.score,
        "rank": float(found.rank),
        "participation": round(100 * found.values.get("participation", 0.0), 1),
        "average": round(100 * found.values.get("average", 0.0), 2),
    }
    return figures | {f"kind:{k}": round(v / len(officers), 2) for k, v in kinds.items()}


OFFICER_LINES = (
    ("composite", "综合得分", "", False),
    ("city_rank", "全市排名", "", True),
    ("bureau_rank", "本单位排名", "", True),
    ("entries", "参加活动（有成绩）", "项", False),
)
BUREAU_LINES = (
    ("score", "集体得分", "", False),
    ("rank", "县级单位排名", "", True),
    ("participation", "参与率", "%", False),
    ("average", "人均综合得分", "", False),
)


def compare(before: dict, now: dict, heads: tuple) -> list[Line]:
    """The head figures, then the points of every kind either campaign has, in kind order."""
    due = {"before_due": NOT_DUE not in before, "now_due": NOT_DUE not in now}
    lines = [
        Line(label, before.get(k), now.get(k), unit, low, **due) for k, label, unit, low in heads
    ]
    for key, kind in registry().kinds.items():
        name = f"kind:{key}"
        if name in before or name in now:
            old = before.get(name, 0.0) if due["before_due"] else None
            new = now.get(name, 0.0) if due["now_due"] else None
            lines.append(Line(f"{kind.label}得分", old, new, kind=key, **due))
    return lines


def chart(lines: list[Line], before: Campaign | None, now: Campaign) -> list[tuple[str, float]]:
    """Bars for the per-kind points, the previous campaign's year beside this one's (none for
    a campaign from which nothing was due yet)."""
    items = []
    for line in (x for x in lines if x.kind):
        label = registry().kinds[line.kind].label
        if before is not None and line.before_due:
            items.append((f"{label} {before.year}", line.before or 0.0))
        if line.now_due:
            items.append((f"{label} {now.year}", line.now or 0.0))
    return items


def city_chart(rows: list, before: Campaign | None, now: Campaign) -> list[tuple[str, float]]:
    """Bars of each county's collective score, the previous campaign's beside this one's;
    ``rows`` are (bureau, previous BureauRow or None, this BureauRow or None). A campaign from
    which nothing was due from the county yet has no bar."""
    items = []
    for bureau, old, new in rows:
        if before is not None and not (old and old.nothing_due):
            items.append((f"{bureau.short_name} {before.year}", old.score if old else 0.0))
        if not (new and new.nothing_due):
            items.append((f"{bureau.short_name} {now.year}", new.score if new else 0.0))
    return items
