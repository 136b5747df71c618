"""Knowledge competitions' figures for the report to the province."""

from __future__ import annotations

from datetime import timedelta

from lianbing.campaign.report import figures
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes.play.models import Attempt, Quiz
from quizzes.report import report_figures


def test_competitions_participants_and_mean_score(campaign, make_user):
    a, b, other = (make_user("officer", c) for c in ("441402", "441402", "441403"))
    at = utcnow() - timedelta(days=2)
    county = Quiz(
        title="梅江竞赛",
        mode="competition",
        is_published=True,
        owner_bureau_id=a.bureau_id,
        opens_at=at,
    )
    city = Quiz(title="全市竞赛", mode="competition", is_published=True, opens_at=at)
    practice = Quiz(title="练习", mode="exam", is_published=True, opens_at=at)
    db.session.add_all([county, city, practice])
    db.session.flush()
    for quiz, user, score in (
        (county, a, 8),
        (city, a, 6),
        (city, b, 10),
        (city, other, 2),
        (practice, b, 1),
    ):
        db.session.add(
            Attempt(
                quiz_id=quiz.id,
                user_id=user.id,
                bureau_id=user.bureau_id,
                status="submitted",
                submitted_at=at,
                score=score,
                max_score=10,
            )
        )
    db.session.commit()
    got = {f.label: f.value for f in report_figures(figures.scope(campaign, (a.bureau_id,)))}
    assert got == {
        "自行组织竞赛（场）": 1,
        "参加竞赛（场）": 2,
        "参赛人数（人）": 2,
        "参赛人次": 3,
        "平均得分率（%）": 80.0,  # (8 + 6 + 10) / 30
    }
