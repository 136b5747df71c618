"""Competition notices for ``flask notify run``: a published competition has opened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from flask import url_for
from sqlalchemy import or_, select

from lianbing.host import Notice, User, db, to_local
from quizzes.play.models import Quiz
from quizzes.play.services import real_audience

#: a competition that opened longer ago than this is not announced any more
OPEN_WINDOW = timedelta(days=7)


def notices(now: datetime) -> Iterator[Notice]:
    quizzes = db.session.scalars(
        select(Quiz).where(
            Quiz.mode == "competition",
            Quiz.is_published.is_(True),
            or_(Quiz.opens_at.is_(None), Quiz.opens_at <= now),
            or_(Quiz.opens_at.is_(None), Quiz.opens_at >= now - OPEN_WINDOW),
            or_(Quiz.closes_at.is_(None), Quiz.closes_at > now),
        )
    )
    for quiz in quizzes:
        closes = f"，截止 {to_local(quiz.closes_at):%Y-%m-%d %H:%M}" if quiz.closes_at else ""
        title = f"知识竞赛开始了：{quiz.title}"
        body = f"“{quiz.title}”已开放参赛{closes}。"
        link = url_for("quizzes.quiz_detail", quiz_id=quiz.id)
        for user_id in _audience(quiz):
            yield Notice(user_id, f"quiz-open:{quiz.id}", title, body, link)


def _audience(quiz: Quiz) -> list[int]:
    """Active officers the competition is open to (a county's: its own officers only)."""
    stmt = select(User.id).where(User.is_active_.is_(True), User.role == "officer")
    if quiz.owner_bureau_id is not None:
        stmt = stmt.where(User.bureau_id == quiz.owner_bureau_id)
    audience, ids = real_audience(quiz)
    if audience == "bureaus":
        stmt = stmt.where(User.bureau_id.in_(ids))
    elif audience == "users":
        stmt = stmt.where(User.id.in_(ids))
    return list(db.session.scalars(stmt))
