"""Per-(campaign, user, kind) sums of the ledger, kept exact on every record().

``changed()`` is the one call record() makes after a ledger row changes: it bumps the
campaign's ledger version first (an UPDATE that holds the version row's lock until commit,
so concurrent writers of one campaign queue up) and then recomputes the touched cell from
the ledger rows, which by then include every earlier committed write.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from lianbing.extensions import db
from lianbing.ledger import versions
from lianbing.ledger.models import ScoreEntry, ScoreTotal


def _cell_sums(campaign_id: int, user_id: int, kind: str):
    return db.session.execute(
        select(
            func.sum(ScoreEntry.points),
            func.sum(ScoreEntry.max_points),
            func.count(),
            func.max(ScoreEntry.achieved_at),
        ).where(
            ScoreEntry.campaign_id == campaign_id,
            ScoreEntry.user_id == user_id,
            ScoreEntry.kind == kind,
        )
    ).one()


def changed(campaign_id: int, user_id: int, kind: str) -> None:
    """A ledger row of (campaign, user, kind) was written: bump the version, refresh the sums."""
    versions.bump(campaign_id)
    points, max_points, count, last = _cell_sums(campaign_id, user_id, kind)
    cell = db.session.get(ScoreTotal, (campaign_id, user_id, kind))
    if not count:
        if cell is not None:
            db.session.delete(cell)
        return
    if cell is None:
        cell = ScoreTotal(campaign_id=campaign_id, user_id=user_id, kind=kind)
        db.session.add(cell)
    cell.points, cell.max_points, cell.entries = float(points), float(max_points), int(count)
    cell.last_at = last
    db.session.flush()


def rebuild(campaign_id: int) -> None:
    """Recompute every cell of a campaign from the ledger (after bulk loads bypassing record())."""
    db.session.execute(delete(ScoreTotal).where(ScoreTotal.campaign_id == campaign_id))
    sums = (
        select(
            ScoreEntry.campaign_id,
            ScoreEntry.user_id,
            ScoreEntry.kind,
            func.sum(ScoreEntry.points),
            func.sum(ScoreEntry.max_points),
            func.count(),
            func.max(ScoreEntry.achieved_at),
        )
        .where(ScoreEntry.campaign_id == campaign_id)
        .group_by(ScoreEntry.campaign_id, ScoreEntry.user_id, ScoreEntry.kind)
    )
    db.session.execute(
        insert(ScoreTotal).from_select(
            ["campaign_id", "user_id", "kind", "points", "max_points", "entries", "last_at"], sums
        )
    )
    versions.bump(campaign_id)
