"""Bureau (collective) ranking and the registry of per-bureau measures.

A measure is a number 0..1 per bureau. The host contributes participation and the average
composite; parts or the campaign package add their own by calling, from their
``register(app)``::

    from lianbing.rankings.measures import register_bureau_measure
    register_bureau_measure(app, "bulletin_timeliness", "简报按时报送率", 1.0, timeliness)

where ``timeliness(campaign_id) -> {bureau_id: value 0..1, or None}``. None says that nothing
of the measure is due from the bureau yet; the collective score then counts the measure's
``not_due_credit`` (bulletins: 1, none due yet counts as on time), and the bureau's row names
the measure in ``not_due``. The city sets the weights on the ranking-rules page; a bureau's
collective score = 100 × Σ weight × value / Σ weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app

from lianbing.accounts import services as accounts
from lianbing.rankings import rules
from lianbing.rankings.ranking import AVAILABLE, BUREAU_ID, COMPOSITE, ENTRIES, ROLE, Ranking

EXTENSION_KEY = "lianbing.bureau_measures"


@dataclass(frozen=True)
class BureauMeasure:
    name: str
    label: str
    default_weight: float
    #: callable(campaign_id) -> {bureau_id: value 0..1, or None when nothing is due yet};
    #: None for the host's built-ins
    compute: Callable[[int], dict[int, float | None]] | None = None
    #: the value counted while nothing of the measure is due from a bureau
    not_due_credit: float = 0.0


BUILTIN = (
    BureauMeasure("participation", "参与率", 1.0),
    BureauMeasure("average", "平均综合得分", 2.0),
)


class MeasureError(RuntimeError):
    """A measure declaration that cannot be registered: a programming error found at start-up."""


def register_bureau_measure(
    app: Flask,
    name: str,
    label: str,
    default_weight: float,
    compute: Callable[[int], dict[int, float | None]],
    not_due_credit: float = 0.0,
) -> None:
    """Add a per-bureau measure to this application (call from a part's register(app))."""
    found = app.extensions.setdefault(EXTENSION_KEY, {})
    if name in found or name in {m.name for m in BUILTIN}:
        raise MeasureError(f"duplicate bureau measure: {name}")
    found[name] = BureauMeasure(name, label, float(default_weight), compute, not_due_credit)


def all_measures() -> list[BureauMeasure]:
    return [*BUILTIN, *current_app.extensions.get(EXTENSION_KEY, {}).values()]


def weights(campaign_id: int) -> dict[str, float]:
    stored = rules.settings_for(campaign_id).measure_weights or {}
    return {m.name: float(stored.get(m.name, m.default_weight)) for m in all_measures()}


@dataclass
class BureauRow:
    bureau_id: int
    name: str
    officers: int
    active: int
    values: dict[str, float]
    score: float = 0.0
    rank: int = 0
    #: points available to its officers (results and closed expected activities)
    available: float = 0.0
    #: the measures of which nothing is due from it yet (counted at their not-due credit)
    not_due: frozenset[str] = frozenset()

    @property
    def nothing_due(self) -> bool:
        """Nothing was due from the bureau yet: no points were available to its officers, and
        its score rests only on not-due credit (a campaign not yet begun)."""
        others = (v for k, v in self.values.items() if k not in self.not_due)
        return not self.available and bool(self.not_due) and not any(others)


def _builtin_values(ranking: Ranking) -> dict[int, dict[str, float]]:
    """Participation (officers with any ledger row) and average composite / 100, per bureau,
    with the officers' count, how many took part and the points available to them."""
    sums: dict[int, list[float]] = {}
    for t in ranking.data:  # the compact tuples: no Row objects for every officer
        if t[ROLE] == "officer":
            acc = sums.setdefault(t[BUREAU_ID], [0, 0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += 1 if t[ENTRIES] else 0
            acc[2] += t[COMPOSITE]
            acc[3] += sum(t[AVAILABLE])
    return {
        b: {
            "participation": a[1] / a[0],
            "average": a[2] / a[0] / 100,
            "_n": a[0],
            "_active": a[1],
            "_available": a[3],
        }
        for b, a in sums.items()
    }


def bureau_ranking(ranking: Ranking) -> list[BureauRow]:
    """Every county bureau under the ranking's scope (all in a city deployment) with its
    measures and weighted collective score, best first."""
    base = _builtin_values(ranking)
    extra = {m.name: m.compute(ranking.campaign_id) for m in all_measures() if m.compute}
    w = weights(ranking.campaign_id)
    total = sum(w.values()) or 1
    rows = []
    for bureau in accounts.county_bureaus(ranking.scope):
        own = base.get(bureau.id, {})
        values, not_due = _values(own, extra, bureau.id)
        score = round(100 * sum(w[k] * v for k, v in values.items()) / total, 2)
        rows.append(
            BureauRow(
                bureau.id,
                bureau.short_name,
                int(own.get("_n", 0)),
                int(own.get("_active", 0)),
                values,
                score,
                available=own.get("_available", 0.0),
                not_due=not_due,
            )
        )
    rows.sort(key=lambda r: (-r.score, -r.values.get("average", 0), r.bureau_id))
    for pos, row in enumerate(rows, start=1):
        row.rank = pos
    return rows


def _values(own: dict, extra: dict, bureau_id: int) -> tuple[dict[str, float], frozenset[str]]:
    """One bureau's value of every measure, and the measures of which nothing is due yet."""
    values, not_due = {}, set()
    for m in all_measures():
        if m.compute is None:
            values[m.name] = _clamp(own.get(m.name))
            continue
        found = extra[m.name]
        if bureau_id in found and found[bureau_id] is None:
            not_due.add(m.name)
            values[m.name] = _clamp(m.not_due_credit)
        else:
            values[m.name] = _clamp(found.get(bureau_id))
    return values, frozenset(not_due)


def _clamp(value) -> float:
    return min(1.0, max(0.0, float(value or 0.0)))
