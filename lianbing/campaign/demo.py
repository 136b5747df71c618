"""The demo campaign: the 2017 plan."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianbing.campaign import services
from lianbing.campaign.models import Campaign
from lianbing.extensions import db

DEMO_NAME = "2017年环境执法大练兵"


def load() -> Campaign:
    """The 2017 campaign, active, with its default stages."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == DEMO_NAME))
    if campaign is None:
        campaign = services.create_campaign(DEMO_NAME, 2017, date(2017, 6, 1), date(2017, 10, 31),
                                            activate=True)
    return campaign
