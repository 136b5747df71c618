"""The demo campaigns: this year's, live, and the 2017 one, over (the operations bring their own).

This year's campaign follows the 2017 plan's calendar (stages, deadlines, bulletin months, the
summary and candidates due date), moved so that today falls inside the implementation stage,
during the cross inspection: the months behind have bulletins, the months ahead are still to do.
The 2017 campaign keeps its real dates; ``flask demo`` closes it once its paperwork and ledger
are in, so the archive and year-over-year views have data.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianbing.campaign import schedule, services
from lianbing.campaign.models import Campaign
from lianbing.extensions import db

PAST_YEAR = 2017
PAST_NAME = "2017年环境执法大练兵"
#: the day of the plan (counted from its first day) that today falls on: in 活动实施 (days
#: 14–121), during 交叉检查 (days 45–75)
TODAY_IN_PLAN = 60
#: the plan's calendar: (deadline, day of the plan, kind); 2017-06-14 is day 13
DEADLINES = [
    ("动员部署方案报送", 13, "other"),
    ("自查阶段总结报送", 44, "drill"),
    ("交叉检查报告报送", 75, "drill"),
    ("后督察整改情况报送", 121, "drill"),
    ("先进个人候选人名单报送", 129, "nomination"),
]
#: bulletins are due by the 20th of each month of the implementation stage (days 0–121);
#: the summary, the self-evaluation and the candidates by day 129 (2017-10-08)
BULLETIN_DUE_DAY, BULLETINS_UNTIL, SUMMARY_DAY = 20, 121, 129


def current_name(year: int) -> str:
    return f"{year}年环境执法大练兵"


def plan_day(campaign: Campaign, day: int) -> date:
    """The date of a day of the plan in this campaign (day 0 is its first day)."""
    return campaign.start_date + timedelta(days=day)


def load() -> Campaign:
    """This year's campaign, active, with its calendar, and the 2017 one (idempotent)."""
    load_past()
    today = schedule.today_local()
    name = current_name(today.year)
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == name))
    if campaign is None:
        start = today - timedelta(days=TODAY_IN_PLAN)
        campaign = services.create_campaign(
            name,
            today.year,
            start,
            start + timedelta(days=services.PLAN_DAYS - 1),
            stages=services.plan_stages(start),
            activate=True,
        )
    elif not campaign.is_active:
        services.activate_campaign(campaign)
    load_calendar(campaign)
    return campaign


def load_past() -> Campaign:
    """The 2017 campaign with its real dates and calendar, not active (idempotent)."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == PAST_NAME))
    if campaign is None:
        campaign = services.create_campaign(
            PAST_NAME, PAST_YEAR, services.PLAN_START, date(PAST_YEAR, 10, 31)
        )
    load_calendar(campaign)
    return campaign


def load_calendar(campaign: Campaign) -> None:
    """Bulletins monthly by the 20th (late accepted, marked), the summary and candidates by
    day 129 of the plan, the stage deadlines: 2017-06-14 … 2017-10-08 in 2017."""
    if schedule.stored_deadlines(campaign):
        return
    schedule.save_settings(
        campaign,
        schedule.SettingsData(
            BULLETIN_DUE_DAY,
            True,
            campaign.start_date,
            plan_day(campaign, BULLETINS_UNTIL),
            plan_day(campaign, SUMMARY_DAY),
        ),
    )
    for name, day, kind in DEADLINES:
        schedule.add_deadline(campaign, name, plan_day(campaign, day), kind)
