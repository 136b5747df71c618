"""Notification fixtures: the 2017 plan's moment three days before a bulletin is due, and a
published competition. (The local SMTP server and robot receiver are in tests/lianbing.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from quizzes.play.models import Quiz

#: 2017-07-17 09:00 in Shanghai: the July bulletin (due on the 20th) is three days away
THREE_DAYS_BEFORE = local_to_utc(datetime(2017, 7, 17, 9, 0))


@pytest.fixture
def three_days_before():
    return THREE_DAYS_BEFORE


@pytest.fixture
def make_competition(app):
    """Factory: make_competition(now, **fields) -> a published competition opened an hour ago."""

    def make(now: datetime, **kw) -> Quiz:
        quiz = Quiz(
            title=kw.pop("title", "生态环境法律知识竞赛"),
            mode="competition",
            is_published=True,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=3),
            audience=kw.pop("audience", "all"),
            audience_ids=kw.pop("audience_ids", []),
            **kw,
        )
        db.session.add(quiz)
        db.session.commit()
        return quiz

    return make
