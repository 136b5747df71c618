"""The demo campaign with every operation's paperwork."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.drills.models import DrillRound, DrillTeam
from lianbing.cli import load_campaign_demo
from lianbing.extensions import db


def test_demo_is_idempotent_and_shows_late_and_missing(ops_demo, bureau):
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Bulletin, DrillRound, DrillTeam, ColumnArticle)
    ]
    load_campaign_demo()
    db.session.commit()
    assert [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Bulletin, DrillRound, DrillTeam, ColumnArticle)
    ] == counts
    months, rows = bulletins.board(ops_demo, date(2017, 11, 1))
    assert [m.month for m in months] == [6, 7, 8, 9]
    states = [c.state for _, cells in rows for c in cells]
    assert (
        states.count("missing") == 1 and states.count("late") == 3 and states.count("returned") == 1
    )
    assert len(column.published_articles()) == 3 and len(column.disclosed_cases()) == 2
