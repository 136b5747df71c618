"""The demo campaign: the 2017 plan, its calendar and its paperwork."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianbing.campaign import services
from lianbing.campaign.bulletins import demo as bulletins_demo
from lianbing.campaign.column import demo as column_demo
from lianbing.campaign.drills import demo as drills_demo
from lianbing.campaign.evaluation import demo as evaluation_demo
from lianbing.campaign.models import Campaign
from lianbing.campaign.schedule import demo as schedule_demo
from lianbing.extensions import db

DEMO_NAME = "2017年环境执法大练兵"


def load() -> Campaign:
    """The 2017 campaign, active, with its default stages and demo operations (idempotent)."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == DEMO_NAME))
    if campaign is None:
        campaign = services.create_campaign(DEMO_NAME, 2017, date(2017, 6, 1), date(2017, 10, 31),
                                            activate=True)
    load_operations(campaign)
    return campaign


def load_operations(campaign: Campaign) -> None:
    """Calendar, bulletins, self-evaluation, drills and column of the demo campaign."""
    for loader in (schedule_demo, bulletins_demo, evaluation_demo, drills_demo, column_demo):
        loader.load(campaign)
