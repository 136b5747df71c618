"""Demo bulletins for the months of a campaign whose due date has passed: most on time, some
late, one returned, one missing; this month's, not due yet, drafted by one county."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc, utcnow
from lianbing.extensions import db

#: (county code, month of the campaign, 0 = its first) -> day of the month submitted (late)
LATE = {("441403", 1): 24, ("441424", 3): 22, ("441481", 0): 23}
#: the third month (or the last one due, when fewer are): one county missed it, one was returned
TROUBLE_MONTH = 2
MISSING = "441481"
RETURNED = ("441422", "请补充交叉检查发现问题的整改情况和典型案例。")
#: the county that has drafted the bulletin of a month not due yet
DRAFTING = "441402"
BODY = """## {month}月工作情况

- 组织执法人员集中学习《中华人民共和国环境保护法》及配套办法；
- 开展现场检查 {visits} 家次，制作现场检查笔录 {records} 份、调查询问笔录 {inquiries} 份；
- 立案查处环境违法案件 {cases} 宗。

## 下月安排

按照市局方案继续推进练兵活动，重点提升笔录制作质量。
"""


def _body(code: str, month: int) -> str:
    seed = int(code[-2:]) + month
    return BODY.format(
        month=month,
        visits=12 + seed % 9,
        records=8 + seed % 7,
        inquiries=3 + seed % 4,
        cases=1 + seed % 3,
    )


def load(campaign: Campaign) -> None:
    if db.session.scalar(select(Bulletin.id).where(Bulletin.campaign_id == campaign.id).limit(1)):
        return
    settings = schedule.settings_for(campaign)
    today = schedule.today_local()
    months = schedule.bulletin_months(settings)
    due = [schedule.bulletin_due(settings, period) < today for period in months]
    trouble = min(TROUBLE_MONTH, sum(due) - 1)
    for index, period in enumerate(months):
        for bureau in accounts.county_bureaus():
            admin = db.session.scalar(select(User).where(User.username == f"admin_{bureau.code}"))
            if due[index] and (bureau.code, index) != (MISSING, trouble):
                returned = index == trouble and bureau.code == RETURNED[0]
                _one(campaign, bureau, admin, period, index, returned)
            elif not due[index] and bureau.code == DRAFTING and period <= today:
                _draft(campaign, bureau, admin, period)


def _draft(campaign: Campaign, bureau, admin, period) -> Bulletin:
    return services.save_draft(
        campaign,
        bureau.id,
        period,
        services.BulletinData(
            f"{bureau.short_name}环境执法大练兵简报（{period.year}年{period.month}月）",
            _body(bureau.code, period.month),
        ),
        author_id=admin.id if admin else None,
    )


def _submitted_at(campaign: Campaign, period, day: int) -> datetime:
    """16:30 on that day of the month, never before the campaign's first day nor in the future."""
    at = local_to_utc(datetime.combine(period.replace(day=day), time(16, 30)))
    first = local_to_utc(datetime.combine(campaign.start_date, time(10)))
    return min(max(at, first), utcnow() - timedelta(hours=1))


def _one(campaign: Campaign, bureau, admin, period, index: int, returned: bool) -> None:
    day = LATE.get((bureau.code, index), 14 + (int(bureau.code[-2:]) + period.month) % 6)
    bulletin = _draft(campaign, bureau, admin, period)
    at = _submitted_at(campaign, period, day)
    services.submit(bulletin, campaign, now=at, actor_id=admin.id if admin else None)
    if returned:
        back = min(at + timedelta(days=2), utcnow())
        services.return_bulletin(bulletin, RETURNED[1], now=back)
