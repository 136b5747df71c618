"""Knowledge competitions' figures for the report to the province."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from lianbing.host import ReportFigure, ReportScope, db
from quizzes.play.models import Attempt, Quiz

SECTION = "知识竞赛"


def report_figures(scope: ReportScope) -> list[ReportFigure]:
    """Competitions the bureaus organised and took part in, participants and the mean score."""
    organised = db.session.scalar(
        select(func.count()).where(
            Quiz.mode == "competition",
            Quiz.is_published.is_(True),
            Quiz.owner_bureau_id.in_(scope.bureau_ids),
            Quiz.opens_at.between(scope.starts_at, scope.ends_at),
        )
    )
    joined, people, attempts, score, top = db.session.execute(
        select(
            func.count(distinct(Attempt.quiz_id)),
            func.count(distinct(Attempt.user_id)),
            func.count(),
            func.coalesce(func.sum(Attempt.score), 0.0),
            func.coalesce(func.sum(Attempt.max_score), 0.0),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Quiz.mode == "competition",
            Attempt.status == "submitted",
            Attempt.bureau_id.in_(scope.bureau_ids),
            Attempt.submitted_at.between(scope.starts_at, scope.ends_at),
        )
    ).one()
    return [
        ReportFigure(SECTION, "自行组织竞赛（场）", organised),
        ReportFigure(SECTION, "参加竞赛（场）", joined),
        ReportFigure(SECTION, "参赛人数（人）", people),
        ReportFigure(SECTION, "参赛人次", attempts),
        ReportFigure(SECTION, "平均得分率（%）", round(100.0 * score / top, 1) if top else 0.0),
    ]
