"""Per-(campaign, user, kind) sums of the ledger, kept exact on every record().

``changed()`` is the one call record() makes after a ledger row changes: it bumps the
campaign's ledger version first (an UPDATE that holds the version row's lock until commit,
so concurrent writers of one campaign queue up) and then recomputes the touched cell from
the ledger rows, which by then include every earlier committed write.

Each cell also keeps ``expected_max``: the declared max points of the everyone-expected
activities (audience "all") its ledger rows are results of. ``expected_changed()`` recomputes
it for the cells holding an activity's results when the activity is declared, changed or
withdrawn; rankings subtract it from what every officer was expected to do, so finding who did
what needs no join of the whole ledger.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, func, insert, select, update

from lianbing.extensions import db
from lianbing.ledger import versions
from lianbing.ledger.models import AUDIENCE_ALL, ExpectedActivity, ScoreEntry, ScoreTotal


def _expected_join():
    """ScoreEntry outer-joined to the everyone-expected activity it is a result of, if any."""
    e, s = ExpectedActivity, ScoreEntry
    on = and_(
        e.campaign_id == s.campaign_id, e.kind == s.kind, e.ref == s.ref, e.audience == AUDIENCE_ALL
    )
    return s.__table__.outerjoin(e.__table__, on)


def _sums():
    """The sum columns of one cell, in ScoreTotal's order."""
    return (
        func.sum(ScoreEntry.points),
        func.sum(ScoreEntry.max_points),
        func.count(),
        func.max(ScoreEntry.achieved_at),
        func.coalesce(func.sum(ExpectedActivity.max_points), 0.0),
    )


def _cell_sums(campaign_id: int, user_id: int, kind: str):
    return db.session.execute(
        select(*_sums())
        .select_from(_expected_join())
        .where(
            ScoreEntry.campaign_id == campaign_id,
            ScoreEntry.user_id == user_id,
            ScoreEntry.kind == kind,
        )
    ).one()


def changed(campaign_id: int, user_id: int, kind: str) -> None:
    """A ledger row of (campaign, user, kind) was written: bump the version, refresh the sums."""
    versions.bump(campaign_id)
    points, max_points, count, last, expected_max = _cell_sums(campaign_id, user_id, kind)
    cell = db.session.get(ScoreTotal, (campaign_id, user_id, kind))
    if not count:
        if cell is not None:
            db.session.delete(cell)
        return
    if cell is None:
        cell = ScoreTotal(campaign_id=campaign_id, user_id=user_id, kind=kind)
        db.session.add(cell)
    cell.points, cell.max_points, cell.entries = float(points), float(max_points), int(count)
    cell.last_at, cell.expected_max = last, float(expected_max)
    db.session.flush()


def expected_changed(campaign_id: int, kind: str, ref: str) -> None:
    """The expected activity (campaign, kind, ref) was declared, changed or withdrawn: recompute
    ``expected_max`` of every cell holding a result of it, in one UPDATE."""
    s, e, t = ScoreEntry, ExpectedActivity, ScoreTotal.__table__
    credited = (
        select(func.coalesce(func.sum(e.max_points), 0.0))
        .select_from(_expected_join())
        .where(s.campaign_id == t.c.campaign_id, s.user_id == t.c.user_id, s.kind == t.c.kind)
        .scalar_subquery()
    )
    holders = select(s.user_id).where(s.campaign_id == campaign_id, s.kind == kind, s.ref == ref)
    db.session.execute(
        update(t)
        .where(t.c.campaign_id == campaign_id, t.c.kind == kind, t.c.user_id.in_(holders))
        .values(expected_max=credited),
        execution_options={"synchronize_session": False},
    )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, ScoreTotal):  # the UPDATE bypassed the session's copies
            db.session.expire(obj, ["expected_max"])


def rebuild(campaign_id: int) -> None:
    """Recompute every cell of a campaign from the ledger (after bulk loads bypassing record())."""
    db.session.execute(delete(ScoreTotal).where(ScoreTotal.campaign_id == campaign_id))
    sums = (
        select(ScoreEntry.campaign_id, ScoreEntry.user_id, ScoreEntry.kind, *_sums())
        .select_from(_expected_join())
        .where(ScoreEntry.campaign_id == campaign_id)
        .group_by(ScoreEntry.campaign_id, ScoreEntry.user_id, ScoreEntry.kind)
    )
    columns = ["campaign_id", "user_id", "kind", "points", "max_points", "entries", "last_at"]
    db.session.execute(insert(ScoreTotal).from_select([*columns, "expected_max"], sums))
    versions.bump(campaign_id)
