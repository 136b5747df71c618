"""The composite score and rankings, computed from the ledger by SQL aggregation and cached.

share(kind)  = points earned / points available to the officer in that kind, where available
               = max_points of the officer's ledger rows + max_points of closed expected
               activities assigned to them that they missed;
composite    = 100 × Σ weight(kind) × share(kind) / Σ weight(kind), summed over the kinds that
               have a positive weight and any points available to anyone in the campaign.
Ties go to the higher record_exercise share, then the earlier completion (the time of the
officer's latest ledger row), then the lower user id, so every rank is unique and stable.

The per-kind sums come from ``score_totals`` (kept exact by record(), see ledger/totals.py),
so a cold ranking reads tens of thousands of rows, not the whole ledger.
A ranking covers the whole campaign, or one scope of the bureau tree (a province or a city:
only the officers under it, read by one ``bureaus.path LIKE`` join, so a city's ranking on a
national deployment reads a city's rows, not a country's); CITY_RANK is then the rank within
the scope, and a kind counts when anyone in the campaign has points available in it, so an
officer's composite is the same in every scope.
The ranking is cached under a key made of the campaign's ledger version (kept in the
database, bumped by every record()) and a digest of the weights, eligibility rules and the
set of closed expected activities. The ranking holds officer data only; a page's rendered rows
are cached apart under the same key (rankings/views.py), and each request picks the viewer's
own row out of the ranking. What is cached is compact: one plain tuple per
officer in rank order; Row objects are made only for the rows a page shows.
"""

from __future__ import annotations

import gc
import hashlib
import json
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import add
from sys import intern

from flask_caching.backends import SimpleCache
from sqlalchemy import case, exists, func, or_, select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.auth import sees_all_bureaus
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import utcnow
from lianbing.extensions import cache, db
from lianbing.ledger import versions
from lianbing.ledger.models import (
    ExpectedActivity,
    ScoreTotal,
)
from lianbing.parts import registry
from lianbing.rankings import missed, rules

TIE_KIND = "record_exercise"
CACHE_SECONDS = 3600
#: a build reads at most about this many people per query (a city or a province in one, the
#: country's 100,000 in ranges of user ids): their wide rows are never all held at once
PEOPLE_AT_ONCE = 20_000
#: above any user id (the database's integer)
MAX_ID = 2**31 - 1


@dataclass(slots=True)
class Row:
    """One officer's line in a ranking (made on demand from the ranking's compact tuples)."""

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


# Positions in a compact ranking tuple: what is cached (plain tuples pickle and copy fast).
(
    USER,
    NAME,
    ROLE,
    BUREAU_ID,
    BUREAU,
    COMPOSITE,
    LAST,
    ENTRIES,
    REASONS,
    CITY_RANK,
    BUREAU_RANK,
    EARNED,
    AVAILABLE,
) = range(13)
SELECTIONS_KEPT = 32


class Ranking:
    """A whole campaign's ranking: compact tuples in rank order, an index by user id.

    ``columns`` names the kinds of the EARNED / AVAILABLE tuples; ``kinds`` are the ones the
    composite counts. Rows and filtered selections are made on demand and kept by this
    object (never pickled), so a warm page touches only the rows it shows.
    """

    def __init__(
        self,
        campaign_id: int,
        version: int,
        weights: dict[str, float],
        kinds: list[str],
        columns: list[str],
        data: tuple[tuple, ...],
        scope: str | None = None,
    ):
        self.campaign_id, self.version, self.weights, self.kinds = (
            campaign_id,
            version,
            weights,
            kinds,
        )
        #: the path of the bureau whose subtree is ranked (None: the whole campaign)
        self.columns, self.data, self.scope = columns, data, scope
        self.by_user = {t[USER]: pos for pos, t in enumerate(data)}
        #: the cache key it is kept under (set by ranking_for): what keys anything made from it
        self.key = ""
        self._made: dict[int, Row] = {}
        self._selections: OrderedDict = OrderedDict()

    def __reduce__(self):
        return Ranking, (
            self.campaign_id,
            self.version,
            self.weights,
            self.kinds,
            self.columns,
            self.data,
            self.scope,
        )

    def __len__(self) -> int:
        return len(self.data)

    def row(self, pos: int) -> Row:
        """The Row at a rank position (0-based)."""
        made = self._made.get(pos)
        if made is None:
            made = self._made[pos] = _make_row(self.columns, self.data[pos])
        return made

    @property
    def rows(self) -> list[Row]:
        return [self.row(pos) for pos in range(len(self.data))]

    def row_of(self, user_id: int) -> Row | None:
        pos = self.by_user.get(user_id)
        return self.row(pos) if pos is not None else None

    def count(self, bureau_id: int | None = None) -> int:
        return sum(1 for t in self.data if bureau_id is None or t[BUREAU_ID] == bureau_id)

    def select(
        self,
        *,
        bureau_id: int | None = None,
        role: str | None = None,
        kind: str | None = None,
        within: frozenset[int] | None = None,
    ) -> "Selection":
        """Rows filtered by bureau (or any of the bureaus ``within``, a subtree) and role;
        ordered by one kind's share when given."""
        key = (bureau_id, role, kind, within)
        found = self._selections.get(key)
        if found is None:
            positions = self._positions(bureau_id, role, kind, within)
            found = self._selections[key] = Selection(self, positions)
            while len(self._selections) > SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        return found

    def _positions(
        self, bureau_id: int | None, role: str | None, kind: str | None, within
    ) -> list[int]:
        data = self.data
        found = [
            pos
            for pos, t in enumerate(data)
            if (bureau_id is None or t[BUREAU_ID] == bureau_id)
            and (within is None or t[BUREAU_ID] in within)
            and (role is None or t[ROLE] == role)
        ]
        if kind:
            i, tie = _column(self.columns, kind), _column(self.columns, TIE_KIND)
            found.sort(
                key=lambda pos: (
                    -round(_share(data[pos], i), 6),
                    _tie(data[pos], tie),
                    data[pos][USER],
                )
            )
        return found


class Selection(Sequence):
    """Some of a ranking's rows, in order; indexing makes only the rows asked for."""

    def __init__(self, ranking: Ranking, positions: list[int]):
        self.ranking, self.positions = ranking, positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.ranking.row(pos) for pos in self.positions[index]]
        return self.ranking.row(self.positions[index])


def _make_row(columns: list[str], t: tuple) -> Row:
    earned = {k: e for k, e, a in zip(columns, t[EARNED], t[AVAILABLE]) if a}
    available = {k: a for k, a in zip(columns, t[AVAILABLE]) if a}
    return Row(
        t[USER],
        t[NAME],
        t[ROLE],
        t[BUREAU_ID],
        t[BUREAU],
        earned,
        available,
        t[COMPOSITE],
        t[LAST],
        t[ENTRIES],
        t[REASONS],
        t[CITY_RANK],
        t[BUREAU_RANK],
    )


def _share(t: tuple, i: int | None) -> float:
    if i is None:
        return 0.0
    available = t[AVAILABLE][i]
    return t[EARNED][i] / available if available else 0.0


def _tie(t: tuple, i: int | None) -> tuple:
    """The tie-breaks: higher record_exercise share (column i), then earlier completion."""
    last = t[LAST].timestamp() if t[LAST] else float("inf")
    return (-round(_share(t, i), 6), last)


def _column(columns: list[str], kind: str) -> int | None:
    return columns.index(kind) if kind in columns else None


# --- SQL aggregation ---------------------------------------------------------------------


def _people_under(scope: str):
    """The ids of everyone in the bureaus under the path ``scope`` (one indexed LIKE)."""
    return select(User.id).join(Bureau, Bureau.id == User.bureau_id).where(_under(scope))


def _under(scope: str):
    return Bureau.path.like(f"{scope}%")


def _pivot(campaign_id: int, columns: list[str], credits: bool, scope: str | None, ids):
    """Per officer: rows, latest achieved_at, then (points, max) per kind, pivoted in SQL; with
    ``credits``, then the max points of everyone-expected activities done, per kind; only the
    people under the bureau path ``scope`` and with user ids in the range ``ids`` when given."""
    t = ScoreTotal
    sums = []
    for kind in columns:
        sums += [
            func.sum(case((t.kind == kind, t.points), else_=0.0)),
            func.sum(case((t.kind == kind, t.max_points), else_=0.0)),
        ]
    if credits:
        sums += [func.sum(case((t.kind == kind, t.expected_max), else_=0.0)) for kind in columns]
    stmt = select(
        t.user_id,
        func.sum(t.entries).label("entries"),
        func.max(t.last_at).label("last_at"),
        *(s.label(f"s{i}") for i, s in enumerate(sums)),
    ).where(t.campaign_id == campaign_id)
    if scope is not None:
        stmt = stmt.where(t.user_id.in_(_people_under(scope)))
    if ids is not None:
        stmt = stmt.where(t.user_id.between(*ids))
    return stmt.group_by(t.user_id).subquery()


def _table(campaign_id: int, columns: list[str], credits: bool = False, scope: str | None = None):
    """Lists of one row per ranked person (active officers, and anyone else with ledger rows),
    one list per range of user ids (``_id_spans``): id, name, role, bureau id, bureau, rows,
    latest achieved_at, then (points, max) per kind (and the credits per kind, see
    ``_pivot``); only those under the path ``scope`` if given. Several ranges are read on one
    snapshot of the database, so a ledger write landing between two of them is in neither or
    in both."""
    spans = _id_spans(scope)
    if spans == [None]:
        yield db.session.execute(_span(campaign_id, columns, credits, scope, None)).all()
        return
    with _one_snapshot() as conn:
        for ids in spans:
            yield conn.execute(_span(campaign_id, columns, credits, scope, ids)).all()


def _span(campaign_id: int, columns: list[str], credits: bool, scope: str | None, ids):
    """The statement reading the people of one range of user ids (all when ``ids`` is None)."""
    p = _pivot(campaign_id, columns, credits, scope, ids)
    width = (3 if credits else 2) * len(columns)
    stmt = (
        select(
            *(User.id, User.display_name, User.role, User.bureau_id, Bureau.short_name),
            *(p.c.entries, p.c.last_at, *(p.c[f"s{i}"] for i in range(width))),
        )
        .join(Bureau, Bureau.id == User.bureau_id)
        .outerjoin(p, p.c.user_id == User.id)
        .where(User.is_active_.is_(True), or_(User.role == "officer", p.c.user_id.is_not(None)))
    )
    if scope is not None:
        stmt = stmt.where(_under(scope))
    if ids is not None:
        stmt = stmt.where(User.id.between(*ids))
    return stmt


@contextmanager
def _one_snapshot():
    """A connection of its own whose reads all see one snapshot: REPEATABLE READ on PostgreSQL
    (READ COMMITTED, the default, takes a new one per statement), an explicit read transaction
    on SQLite (pysqlite begins none before a SELECT). Used only by builds above PEOPLE_AT_ONCE
    people, which read committed data (pages, exports and the closing, never after a write of
    their own to the ledger)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        yield conn


def _id_spans(scope: str | None) -> list[tuple[int, int] | None]:
    """Ranges of user ids holding about PEOPLE_AT_ONCE people (under ``scope``) each; [None]
    (everyone in one query) when there are no more than that. The last range is open-ended
    (people added since are read with it)."""
    stmt = select(func.count(User.id), func.min(User.id), func.max(User.id))
    if scope is not None:
        stmt = stmt.join(Bureau, Bureau.id == User.bureau_id).where(_under(scope))
    count, low, high = db.session.execute(stmt).one()
    if count <= PEOPLE_AT_ONCE:
        return [None]
    width = -(-(high - low + 1) * PEOPLE_AT_ONCE // count)
    spans = [(start, start + width - 1) for start in range(low, high + 1, width)]
    spans[-1] = (spans[-1][0], MAX_ID)
    return spans


def _available_anywhere(campaign_id: int, columns: list[str], found) -> list[bool]:
    """Per column: has anyone in the campaign points available in it (a ledger cell with a
    maximum, or a closed expected activity)? What a scoped ranking counts kinds by."""
    t = ScoreTotal
    cells = db.session.execute(
        select(
            *(
                exists().where(t.campaign_id == campaign_id, t.kind == kind, t.max_points > 0)
                for kind in columns
            )
        )
    ).one()
    expected = _expected_columns(len(columns), found)
    return [bool(c) or e for c, e in zip(cells, expected)]


def _expected_columns(n: int, found) -> list[bool]:
    """Per column: does a closed expected activity make points available to anyone?"""
    if found is None:
        return [False] * n
    vectors = [found.base, *found.by_bureau.values(), *found.own.values()]
    return [any(v[i] > 0 for v in vectors) for i in range(n)]


def _activities(campaign_id: int, closed: list[int]) -> list:
    """The closed expected activities: (id, kind, max points, audience)."""
    e = ExpectedActivity
    return list(
        db.session.execute(
            select(e.id, e.kind, e.max_points, e.audience).where(e.id.in_(closed)).order_by(e.id)
        )
    )


def _closed_expected(campaign_id: int, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(ExpectedActivity.id)
            .where(ExpectedActivity.campaign_id == campaign_id, ExpectedActivity.closes_at <= now)
            .order_by(ExpectedActivity.id)
        )
    )


# --- building ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Minimums:
    """What a nominee must reach: {kind: minimum share} and {kind: minimum ledger rows}."""

    shares: dict[str, float]
    entries: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.shares or self.entries)


def _entry_counts(campaign_id: int, kinds: list[str]) -> dict[int, dict[str, int]]:
    """{user id: {kind: ledger rows}} of the given kinds (from score_totals, one row per cell)."""
    out: dict[int, dict[str, int]] = {}
    if not kinds:
        return out
    t = ScoreTotal
    rows = db.session.execute(
        select(t.user_id, t.kind, t.entries).where(
            t.campaign_id == campaign_id, t.kind.in_(kinds), t.entries > 0
        )
    )
    for user_id, kind, entries in rows:
        out.setdefault(user_id, {})[kind] = entries
    return out


def build(
    campaign: Campaign,
    version: int,
    weights: dict[str, float],
    minimums: "Minimums | dict[str, float]",
    now: datetime,
    closed: list[int] | None = None,
    scope: str | None = None,
) -> Ranking:
    """Compute the ranking from the database (no cache): the whole campaign, or the people
    under the bureau path ``scope``."""
    if not isinstance(minimums, Minimums):
        minimums = Minimums(minimums)
    closed = _closed_expected(campaign.id, now) if closed is None else closed
    activities = _activities(campaign.id, closed) if closed else []
    columns = [*weights, *sorted({a[1] for a in activities} - set(weights))]
    found = missed.compute(campaign.id, columns, activities, closed) if activities else None
    table = _table(campaign.id, columns, found is not None and found.everyone, scope)
    people = [_compact(columns, raw, found) for batch in table for raw in batch]
    if scope is None:
        anywhere = [any(t[AVAILABLE][i] for t in people) for i in range(len(columns))]
    else:
        anywhere = _available_anywhere(campaign.id, columns, found)
    kinds = [k for i, k in enumerate(columns) if weights.get(k, 0) > 0 and anywhere[i]]
    counts = _entry_counts(campaign.id, list(minimums.entries))
    _score(columns, kinds, weights, minimums, people, counts)
    ranked = _ranked(columns, people)
    return Ranking(campaign.id, version, weights, kinds, columns, ranked, scope)


def _compact(columns: list[str], raw, found: missed.Missed | None) -> tuple:
    """One person's compact ranking tuple (positions USER … AVAILABLE; composite and ranks
    still 0) with missed activities added to what was available. The sums are arrays of
    doubles and the role and bureau name are shared (``intern``): a third of the memory of
    tuples of floats, which at 100,000 officers is what a build holds."""
    n = len(columns)
    sums = raw[7:]
    if raw[5] is None:
        earned = available = (0.0,) * n
    else:
        earned, available = sums[0 : 2 * n : 2], sums[1 : 2 * n : 2]
    if found is not None:
        credits = sums[2 * n :] if found.everyone and raw[5] is not None else None
        extra = found.vector(raw[0], raw[2], raw[3], credits)
        if extra is not None:
            available = map(add, available, extra)
    user, name, role, bureau_id, bureau, entries, last = raw[:7]
    return (
        *(user, name, intern(role), bureau_id, intern(bureau), 0.0, last, entries or 0, ()),
        *(0, 0, array("d", earned), array("d", available)),
    )


def _score(columns, kinds, weights, minimums: Minimums, people: list[tuple], counts) -> None:
    """Fill in each compact tuple's composite and eligibility reasons (replaced in place: never
    two tuples of one person at once)."""
    total = sum(weights[k] for k in kinds)
    counted = [(columns.index(k), weights[k]) for k in kinds]
    labels = {k: v.label for k, v in registry().kinds.items()} if minimums else {}
    for pos, t in enumerate(people):
        earned, available = t[EARNED], t[AVAILABLE]
        reasons = (
            _reasons(columns, earned, available, minimums.shares, labels)
            + _entry_reasons(counts.get(t[USER], {}), minimums.entries, labels)
            if minimums
            else ()
        )
        composite = _composite(counted, total, earned, available)
        people[pos] = (*t[:COMPOSITE], composite, t[LAST], t[ENTRIES], reasons, *t[CITY_RANK:])


def _composite(counted, total, earned, available) -> float:
    """100 × the weighted mean of the counted kinds' shares, to 4 places (0 without weights)."""
    if not total:
        return 0.0
    return round(
        100
        * sum(w * (earned[i] / available[i] if available[i] else 0.0) for i, w in counted)
        / total,
        4,
    )


def _reasons(
    columns, earned, available, minimums: dict[str, float], labels: dict[str, str]
) -> tuple[str, ...]:
    shares = {k: e / a for k, e, a in zip(columns, earned, available) if a}
    return tuple(
        f"{labels[k]}得分率 {shares.get(k, 0.0):.0%}，低于要求的 {m:.0%}"
        for k, m in minimums.items()
        if m > 0 and shares.get(k, 0.0) < m - 1e-9
    )


def _entry_reasons(
    have: dict[str, int], entries: dict[str, int], labels: dict[str, str]
) -> tuple[str, ...]:
    return tuple(
        f"{labels[k]}记录 {have.get(k, 0)} 条，少于要求的 {m} 条"
        for k, m in entries.items()
        if have.get(k, 0) < m
    )


def _ranked(columns: list[str], scored: list[tuple]) -> tuple[tuple, ...]:
    """Sorted by composite, then the tie-breaks; city and bureau ranks filled in."""
    tie = _column(columns, TIE_KIND)
    scored.sort(key=lambda t: (-t[COMPOSITE], _tie(t, tie), t[USER]))
    per_bureau: dict[int, int] = {}
    for pos, t in enumerate(scored):  # replaced in place: never two copies of every tuple
        per_bureau[t[BUREAU_ID]] = per_bureau.get(t[BUREAU_ID], 0) + 1
        scored[pos] = (*t[:CITY_RANK], pos + 1, per_bureau[t[BUREAU_ID]], *t[EARNED:])
    return tuple(scored)


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


def cache_key(
    campaign: Campaign, now: datetime, scope: str | None = None
) -> tuple[str, int, dict, "Minimums", list[int]]:
    """The key of the campaign's current ranking (of the bureau path ``scope``, if given), with
    the inputs it was made from."""
    version = versions.current(campaign.id)
    weights = campaigns.weights(campaign)
    row = rules.settings_for(campaign.id)
    minimums = Minimums(rules.eligibility(campaign.id, row), rules.min_entries(campaign.id, row))
    closed = _closed_expected(campaign.id, now)
    digest = hashlib.sha1(
        json.dumps([weights, minimums.shares, minimums.entries, closed], sort_keys=True).encode()
    ).hexdigest()[:16]
    key = f"ranking:{campaign.id}:{version}:{digest}" + (f":{scope}" if scope else "")
    return key, version, weights, minimums, closed


def ranking_for(
    campaign: Campaign, now: datetime | None = None, scope: str | None = None
) -> Ranking:
    """The campaign's ranking (of the bureau path ``scope``, see ``scope_of``): from this
    process, the shared cache, or computed afresh."""
    now = now or utcnow()
    key, version, weights, minimums, closed = cache_key(campaign, now, scope)
    found = _recent.get(key)
    if found is None and _shared():
        found = cache.get(key)
    if found is None:
        with _collector_paused():
            found = build(campaign, version, weights, minimums, now, closed, scope)
        if _shared():
            cache.set(key, found, timeout=CACHE_SECONDS)
    found.key = key
    _recent.put(key, found)
    return found


def ranking_of(campaign: Campaign, bureau: Bureau | None, now: datetime | None = None) -> Ranking:
    """The ranking a page shown for ``bureau`` needs: its city's, or its own above city level
    (``accounts.ranking_scope``; the whole campaign in a city deployment, or for None)."""
    return ranking_for(campaign, now, accounts.ranking_scope(bureau)[0] if bureau else None)


def viewer_ranking(campaign: Campaign, user: User) -> Ranking:
    """The ranking a viewer's pages compare within: the whole one for the city admin, else
    the scope of the viewer's bureau (decision 0028)."""
    return ranking_of(campaign, None if sees_all_bureaus(user) else user.bureau)


def _shared() -> bool:
    """Whether the cache is shared between workers (Redis); an in-process SimpleCache would only
    duplicate ``_recent`` at the price of pickling ten thousand rows."""
    return not isinstance(cache.cache, SimpleCache)


@contextmanager
def _collector_paused():
    """Building allocates some 10^5 tuples at once: pause the cyclic garbage collector, which
    would otherwise rescan the whole heap several times (about a tenth of a cold build)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def clear_local() -> None:
    """Forget this process's copies (tests and benchmarks measuring a cold start)."""
    _recent.items.clear()
