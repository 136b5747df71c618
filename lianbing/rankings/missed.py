"""Points of closed expected activities a ranked person missed, by set-based queries.

missed(person, kind) = Σ max points of the closed expected activities of that kind assigned to
the person (everyone: every officer; listed bureaus: every active person of them; listed
users) that they have no ledger row for and were not exempted from.

The bulk of it needs no join of the ledger. For the everyone-activities, every officer starts
from the same total; what they did of it is the ``expected_max`` of their ``score_totals`` cells
(kept exact by the ledger, see ledger/totals.py), read by the ranking's pivot as ``credits``,
corrected by the few still-open activities they already did and by their exemptions. For
bureau activities the total is summed per bureau, for listed users per user; what those did or
were excused from comes from their (few) ledger rows and exemptions. Every query returns rows
per person or per bureau, never a row per assignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import add, sub

from sqlalchemy import func, or_, select

from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.ledger.models import (
    AUDIENCE_ALL,
    ExpectedActivity,
    ExpectedAudience,
    ExpectedExemption,
    ScoreEntry,
)


@dataclass
class Missed:
    """What each ranked person missed, as vectors over the ranking's columns."""

    columns: list[str]
    #: Σ max points of the closed everyone-activities: every officer's starting point
    base: tuple[float, ...]
    #: whether there is any closed everyone-activity (then the pivot carries the credits)
    everyone: bool
    #: bureau id -> Σ max points of the closed activities assigned to the bureau
    by_bureau: dict[int, list[float]] = field(default_factory=dict)
    #: user id -> signed corrections of listed activities (assigned, done, excused)
    own: dict[int, list[float]] = field(default_factory=dict)
    #: officer id -> corrections of everyone-activities (open ones done, closed ones excused)
    officer_own: dict[int, list[float]] = field(default_factory=dict)

    def vector(self, user_id: int, role: str, bureau_id: int, credits) -> tuple | None:
        """The person's missed points per column (None: nothing), given the pivot's credits
        (the max points of everyone-activities they did, open or closed; None: no cells)."""
        out, corrections = None, (self.by_bureau.get(bureau_id), self.own.get(user_id))
        if self.everyone and role == "officer":
            out = self.base if credits is None else tuple(map(sub, self.base, credits))
            corrections += (self.officer_own.get(user_id),)
        for extra in corrections:
            if extra is not None:
                out = tuple(extra) if out is None else tuple(map(add, out, extra))
        return out


def compute(campaign_id: int, columns: list[str], activities: list, closed: list[int]) -> Missed:
    """The missed points of the closed activities ``activities`` ((id, kind, max, audience))."""
    base = [0.0] * len(columns)
    for _eid, kind, max_points, audience in activities:
        if audience == AUDIENCE_ALL:
            base[columns.index(kind)] += float(max_points)
    everyone = any(a[3] == AUDIENCE_ALL for a in activities)
    found = Missed(columns, tuple(base), everyone)
    if everyone:
        _everyone_corrections(found, campaign_id, closed)
    if any(a[3] != AUDIENCE_ALL for a in activities):
        _listed(found, closed)
    return found


def _put(target: dict, key: int, columns: list[str], kind: str, points: float) -> None:
    target.setdefault(key, [0.0] * len(columns))[columns.index(kind)] += float(points)


def _everyone_corrections(found: Missed, campaign_id: int, closed: list[int]) -> None:
    """Officers' corrections to base − credits: the open everyone-activities they did (counted
    in the credits, but not missable yet) and the closed ones they were excused from."""
    columns = found.columns
    for user_id, kind, points in _open_done(campaign_id, closed):
        if kind in columns:
            _put(found.officer_own, user_id, columns, kind, points)
    for user_id, kind, points in _excused_everyone(closed):
        _put(found.officer_own, user_id, columns, kind, -points)


def _result_of(e, user_id):
    """The user's ledger row for the expected activity ``e`` exists."""
    s = ScoreEntry
    return (
        select(s.id)
        .where(
            s.campaign_id == e.campaign_id, s.kind == e.kind, s.ref == e.ref, s.user_id == user_id
        )
        .exists()
    )


def _open_done(campaign_id: int, closed: list[int]) -> list:
    """(user, kind, Σ max) of the not yet closed everyone-activities users have results for."""
    e, s = ExpectedActivity, ScoreEntry
    still_open = list(
        db.session.scalars(
            select(e.id).where(
                e.campaign_id == campaign_id, e.audience == AUDIENCE_ALL, e.id.not_in(closed)
            )
        )
    )
    if not still_open:
        return []
    key = (s.campaign_id == e.campaign_id) & (s.kind == e.kind) & (s.ref == e.ref)
    return list(
        db.session.execute(
            select(s.user_id, e.kind, func.sum(e.max_points))
            .join(s, key)
            .where(e.id.in_(still_open))
            .group_by(s.user_id, e.kind)
        )
    )


def _excused_everyone(closed: list[int]) -> list:
    """(user, kind, Σ max) of closed everyone-activities users were excused from and did not do
    (one done counts in the credits already)."""
    e, x = ExpectedActivity, ExpectedExemption
    return list(
        db.session.execute(
            select(x.user_id, e.kind, func.sum(e.max_points))
            .join(e, e.id == x.expected_id)
            .where(e.id.in_(closed), e.audience == AUDIENCE_ALL, ~_result_of(e, x.user_id))
            .group_by(x.user_id, e.kind)
        )
    )


def _listed(found: Missed, closed: list[int]) -> None:
    """Closed activities for listed bureaus or users: assigned minus done minus excused."""
    columns = found.columns
    for bureau_id, kind, points in _per_target(closed, ExpectedAudience.bureau_id):
        _put(found.by_bureau, bureau_id, columns, kind, points)
    for user_id, kind, points in _per_target(closed, ExpectedAudience.user_id):
        _put(found.own, user_id, columns, kind, points)
    for user_id, kind, points in _done_or_excused_listed(closed):
        _put(found.own, user_id, columns, kind, -points)


def _per_target(closed: list[int], target) -> list:
    """(bureau or user, kind, Σ max) of the closed listed activities naming them."""
    e, m = ExpectedActivity, ExpectedAudience
    pairs = (
        select(m.expected_id.label("eid"), target.label("tid"))
        .where(m.expected_id.in_(closed), target.is_not(None))
        .distinct()
        .subquery()
    )
    return list(
        db.session.execute(
            select(pairs.c.tid, e.kind, func.sum(e.max_points))
            .join(e, e.id == pairs.c.eid)
            .where(e.audience != AUDIENCE_ALL)
            .group_by(pairs.c.tid, e.kind)
        )
    )


def _assigned_to(e, user):
    """The listed activity ``e`` names the user or the user's bureau."""
    m = ExpectedAudience
    names = or_(m.user_id == user.id, m.bureau_id == user.bureau_id)
    return select(m.id).where(m.expected_id == e.id, names).exists()


def _done_or_excused_listed(closed: list[int]) -> list:
    """(user, kind, Σ max) of closed listed activities assigned to a user who did them (a
    ledger row) or, without one, was excused from them."""
    e, s, x = ExpectedActivity, ScoreEntry, ExpectedExemption
    listed = e.id.in_(closed) & (e.audience != AUDIENCE_ALL)
    key = (s.campaign_id == e.campaign_id) & (s.kind == e.kind) & (s.ref == e.ref)
    did = (
        select(s.user_id.label("uid"), e.id.label("eid"))
        .join(s, key)
        .join(User, User.id == s.user_id)
        .where(listed, _assigned_to(e, User))
    )
    excused = (
        select(x.user_id, e.id)
        .join(e, e.id == x.expected_id)
        .join(User, User.id == x.user_id)
        .where(listed, _assigned_to(e, User), ~_result_of(e, x.user_id))
    )
    both = did.union_all(excused).subquery()
    return list(
        db.session.execute(
            select(both.c.uid, e.kind, func.sum(e.max_points))
            .join(e, e.id == both.c.eid)
            .group_by(both.c.uid, e.kind)
        )
    )
