"""The demo campaigns with every operation's paperwork: 2017's, over, and this year's, live."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.drills.models import DrillRound, DrillTeam
from lianbing.cli import CAMPAIGN_OPERATIONS, load_campaign_demo
from lianbing.extensions import db

MODELS = (Bulletin, DrillRound, DrillTeam, ColumnArticle)


def _counts() -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(m)) for m in MODELS]


def test_2017_demo_is_idempotent_and_shows_late_and_missing(ops_demo, bureau):
    counts = _counts()
    for operation in CAMPAIGN_OPERATIONS:
        operation.load(ops_demo)
    db.session.commit()
    assert _counts() == counts
    months, rows = bulletins.board(ops_demo, date(2017, 11, 1))
    assert [m.month for m in months] == [6, 7, 8, 9]
    states = [c.state for _, cells in rows for c in cells]
    assert (
        states.count("missing") == 1 and states.count("late") == 3 and states.count("returned") == 1
    )
    assert len(column.published_articles()) == 3 and len(column.disclosed_cases()) == 2


def test_this_years_paperwork_covers_the_months_already_due(demo_people):
    live = load_campaign_demo()
    db.session.commit()
    counts = _counts()
    load_campaign_demo()
    db.session.commit()
    assert _counts() == counts
    today = schedule.today_local()
    months, rows = bulletins.board(live, today)
    settings = schedule.settings_for(live)
    for i, month in enumerate(months):
        states = [cells[i].state for _, cells in rows]
        if schedule.bulletin_due(settings, month) < today:
            assert "pending" not in states and "on_time" in states
        else:
            assert set(states) <= {"pending", "draft"}
    states = [c.state for _, cells in rows for c in cells]
    assert {"late", "missing", "returned"} <= set(states)
    # what the plan had published and decided by its 60th day; the rest awaits review
    assert len(column.published_articles()) == 2 and len(column.disclosed_cases()) == 2
