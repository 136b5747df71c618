"""score_totals.expected_max stays what a rebuild from the ledger gives, through records,
declarations, changed maxima and audiences, and withdrawals."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from lianbing.extensions import db
from lianbing.ledger import expected, totals
from lianbing.ledger.models import ScoreTotal

CLOSES = datetime(2017, 9, 1, tzinfo=timezone.utc)


def _credits(campaign_id) -> dict:
    rows = db.session.scalars(select(ScoreTotal).where(ScoreTotal.campaign_id == campaign_id))
    return {(t.user_id, t.kind): t.expected_max for t in rows}


def _declare(campaign, ref, max_points, audience="all", ids=()):
    expected.declare(
        campaign.id, expected.ExpectedData("quiz", ref, ref, max_points, CLOSES, audience, ids)
    )
    db.session.commit()


def test_expected_max_follows_every_change_and_equals_a_rebuild(people, campaign, rec):
    a, b = people["officer_441402_1"], people["officer_441403_1"]
    rec(a, "quiz", "q1", 50)
    rec(b, "quiz", "q1", 70)
    rec(a, "quiz", "q2", 10, 20)
    _declare(campaign, "q1", 100)  # results before the declaration
    _declare(campaign, "q2", 20)
    rec(b, "quiz", "q2", 15, 20)  # a result after it
    assert _credits(campaign.id) == {(a.id, "quiz"): 120.0, (b.id, "quiz"): 120.0}
    _declare(campaign, "q2", 40)  # maximum changed
    _declare(campaign, "q1", 100, "bureaus", (a.bureau_id,))  # no longer everyone's
    assert _credits(campaign.id) == {(a.id, "quiz"): 40.0, (b.id, "quiz"): 40.0}
    expected.withdraw_expected(campaign.id, "quiz", "q2")
    db.session.commit()
    assert _credits(campaign.id) == {(a.id, "quiz"): 0.0, (b.id, "quiz"): 0.0}
    _declare(campaign, "q1", 100)
    kept = _credits(campaign.id)
    totals.rebuild(campaign.id)
    db.session.commit()
    assert _credits(campaign.id) == kept == {(a.id, "quiz"): 100.0, (b.id, "quiz"): 100.0}
