"""The demo campaign: the 2017 plan with its calendar (the operations bring their own demos)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianbing.campaign import schedule, services
from lianbing.campaign.models import Campaign
from lianbing.extensions import db

DEMO_NAME = "2017年环境执法大练兵"
DEADLINES = [
    ("动员部署方案报送", date(2017, 6, 14), "other"),
    ("自查阶段总结报送", date(2017, 7, 15), "drill"),
    ("交叉检查报告报送", date(2017, 8, 15), "drill"),
    ("后督察整改情况报送", date(2017, 9, 30), "drill"),
    ("先进个人候选人名单报送", date(2017, 10, 8), "nomination"),
]


def load() -> Campaign:
    """The 2017 campaign, active, with its default stages and its calendar (idempotent)."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == DEMO_NAME))
    if campaign is None:
        campaign = services.create_campaign(
            DEMO_NAME, 2017, date(2017, 6, 1), date(2017, 10, 31), activate=True
        )
    load_calendar(campaign)
    return campaign


def load_calendar(campaign: Campaign) -> None:
    """Bulletins June–September by the 20th (late accepted, marked), summary by 10-08, deadlines."""
    if schedule.stored_deadlines(campaign):
        return
    schedule.save_settings(
        campaign,
        schedule.SettingsData(20, True, date(2017, 6, 1), date(2017, 9, 1), date(2017, 10, 8)),
    )
    for name, due, kind in DEADLINES:
        schedule.add_deadline(campaign, name, due, kind)
