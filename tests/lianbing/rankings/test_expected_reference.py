"""The ranking's set-based missed-activity arithmetic equals a plain reference computation.

The reference walks every ranked person and every closed expected activity in Python, from the
ledger rows, the audiences and the exemptions, with none of the ranking's shortcuts (per-cell
credits, per-bureau sums). The fixture mixes what could make the shortcuts drift: results
recorded before and after an activity is declared, a re-declared maximum, a withdrawn activity,
an audience changed from everyone to bureaus, open and closed activities, exemptions of people
who did and did not do the activity, a result by someone outside the audience, a bureau admin
with results in a bureau's activity and officers in different bureaus.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.campaign import services as campaigns
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger import expected
from lianbing.ledger.models import ExpectedActivity, ExpectedExemption, ScoreEntry
from lianbing.rankings.ranking import ranking_for

WEIGHTS = {"quiz": 2.0, "lecture": 1.0, "competition": 1.0, "record_exercise": 3.0}


def _declare(campaign, kind, ref, max_points, closes_at, audience="all", ids=()):
    expected.declare(
        campaign.id,
        expected.ExpectedData(kind, ref, ref, max_points, closes_at, audience, tuple(ids)),
    )
    db.session.commit()


def _exempt(campaign, kind, ref, user):
    row = db.session.scalar(
        select(ExpectedActivity).where(
            ExpectedActivity.campaign_id == campaign.id,
            ExpectedActivity.kind == kind,
            ExpectedActivity.ref == ref,
        )
    )
    expected.exempt(row, user.id, "请假", actor_id=None)
    db.session.commit()


def _officers(people, code):
    return [people[f"officer_{code}_{n}"] for n in range(1, 6)]


def _results(p, rec):
    """Ledger rows in several kinds and bureaus (some of them results of expected activities)."""
    a, b = _officers(p, "441402"), _officers(p, "441403")
    c = _officers(p, "441422")
    for i, user in enumerate(a + b + c):
        rec(user, "quiz", "quiz:1", 40 + 4 * i)
        if i % 3:
            rec(user, "record_exercise", "exercise:1", 10 + i, 30)
    for user in a[:3] + b[:1]:
        rec(user, "lecture", "lecture:1", 5, 5)
    rec(p["admin_441402"], "competition", "competition:2", 60)


def _activities(p, rec, campaign, now):
    """Expected activities declared around the results, with changes and exemptions."""
    a, b = _officers(p, "441402"), _officers(p, "441403")
    past, soon = now - timedelta(days=1), now + timedelta(days=2)
    _declare(campaign, "quiz", "quiz:1", 100, past)  # declared after the results
    _declare(campaign, "lecture", "lecture:1", 5, past)
    _declare(campaign, "quiz", "quiz:2", 50, past)
    rec(a[0], "quiz", "quiz:2", 45, 50)  # a result after the declaration
    rec(b[2], "quiz", "quiz:2", 30, 50)
    _declare(campaign, "quiz", "quiz:2", 80, past)  # the maximum changed after results
    _declare(campaign, "competition", "competition:1", 100, soon)  # still open
    rec(a[1], "competition", "competition:1", 70)
    _declare(campaign, "competition", "competition:2", 100, past, "bureaus", [a[0].bureau_id])
    rec(b[0], "competition", "competition:2", 90)  # outside the audience
    rec(a[4], "competition", "competition:2", 50)
    _declare(campaign, "record_exercise", "exercise:1", 30, past)
    _declare(campaign, "record_exercise", "exercise:1", 30, past, "bureaus", [b[0].bureau_id])
    _declare(
        campaign, "lecture", "lecture:9", 5, past, "users", [a[0].id, b[1].id, p["trainer"].id]
    )
    _declare(campaign, "quiz", "quiz:gone", 100, past)
    rec(a[2], "quiz", "quiz:gone", 100)
    expected.withdraw_expected(campaign.id, "quiz", "quiz:gone")
    db.session.commit()
    _exempt(campaign, "lecture", "lecture:1", b[3])  # did not do it: excused
    _exempt(campaign, "lecture", "lecture:1", a[0])  # did it anyway
    _exempt(campaign, "competition", "competition:2", a[1])
    _exempt(campaign, "lecture", "lecture:9", b[1])


def _applies(activity, user) -> bool:
    members = activity.members
    if activity.audience == "all":
        return user.role == "officer"
    if activity.audience == "bureaus":
        return any(m.bureau_id == user.bureau_id for m in members)
    return any(m.user_id == user.id for m in members)


def _reference(campaign, now) -> dict[int, tuple[dict, dict]]:
    """{user id: (earned per kind, available per kind)} computed the long way."""
    entries = list(
        db.session.scalars(select(ScoreEntry).where(ScoreEntry.campaign_id == campaign.id))
    )
    excused = {(x.expected_id, x.user_id) for x in db.session.scalars(select(ExpectedExemption))}
    activities = [a for a in expected.listing(campaign.id) if a.closes_at <= now]
    with_rows = {e.user_id for e in entries}
    out = {}
    for user in db.session.scalars(select(User).where(User.is_active_.is_(True))):
        if user.role != "officer" and user.id not in with_rows:
            continue
        earned, available = {}, {}
        own = [e for e in entries if e.user_id == user.id]
        for e in own:
            earned[e.kind] = earned.get(e.kind, 0.0) + e.points
            available[e.kind] = available.get(e.kind, 0.0) + e.max_points
        done = {(e.kind, e.ref) for e in own}
        for a in activities:
            if _applies(a, user) and (a.kind, a.ref) not in done and (a.id, user.id) not in excused:
                available[a.kind] = available.get(a.kind, 0.0) + a.max_points
        out[user.id] = (earned, available)
    return out


def _composite(earned, available, kinds) -> float:
    share = {k: earned.get(k, 0.0) / available[k] for k in kinds if available.get(k)}
    return round(
        100 * sum(WEIGHTS[k] * share.get(k, 0.0) for k in kinds) / sum(WEIGHTS[k] for k in kinds), 4
    )


def _check(campaign, now):
    reference = _reference(campaign, now)
    ranking = ranking_for(campaign, now)
    assert {row.user_id for row in ranking.rows} == set(reference)
    kinds = [k for k in WEIGHTS if any(av.get(k) for _, av in reference.values())]
    for user_id, (earned, available) in reference.items():
        row = ranking.row_of(user_id)
        assert row.available == pytest.approx({k: v for k, v in available.items() if v})
        for kind in available:
            assert row.earned.get(kind, 0.0) == pytest.approx(earned.get(kind, 0.0))
        assert row.composite == pytest.approx(_composite(earned, available, kinds), abs=1e-4)
    order = sorted(reference, key=lambda u: -_composite(*reference[u], kinds))
    composites = [ranking.row_of(u).composite for u in order]
    assert composites == sorted(composites, reverse=True)
    return reference


def test_set_based_missed_points_equal_the_reference(people, campaign, rec):
    campaigns.set_weights(campaign, {k: WEIGHTS.get(k, 0.0) for k in campaigns.weights(campaign)})
    db.session.commit()
    now = utcnow()
    _results(people, rec)
    _activities(people, rec, campaign, now)
    reference = _check(campaign, now)
    a0 = people["officer_441402_1"]
    # quiz:2 (80) and lecture:9 (5) done or listed; competition:2 (100) for her bureau missed
    assert reference[a0.id][1]["competition"] == pytest.approx(100)
    assert reference[people["admin_441402"].id][1]["competition"] == pytest.approx(100)
    later = now + timedelta(days=3)  # the open competition has closed as well
    _check(campaign, later)
    assert ranking_for(campaign, later).row_of(a0.id).available["competition"] == pytest.approx(200)
