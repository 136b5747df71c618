"""Fixtures of the ledger tests: the ledger summed two ways, to compare."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry, ScoreTotal


@pytest.fixture
def ledger_sums():
    """Sums of the ledger rows per user and kind.

    ledger_sums(campaign_id) -> {(user, kind): (points, max_points, rows)}
    """

    def sums(campaign_id):
        rows = db.session.execute(
            select(
                ScoreEntry.user_id,
                ScoreEntry.kind,
                func.sum(ScoreEntry.points),
                func.sum(ScoreEntry.max_points),
                func.count(),
            )
            .where(ScoreEntry.campaign_id == campaign_id)
            .group_by(ScoreEntry.user_id, ScoreEntry.kind)
        ).all()
        return {(u, k): (round(p, 6), round(m, 6), n) for u, k, p, m, n in rows}

    return sums


@pytest.fixture
def total_sums():
    """total_sums(campaign_id) -> the same, as kept in score_totals."""

    def sums(campaign_id):
        rows = db.session.scalars(select(ScoreTotal).where(ScoreTotal.campaign_id == campaign_id))
        return {
            (t.user_id, t.kind): (round(t.points, 6), round(t.max_points, 6), t.entries)
            for t in rows
        }

    return sums
