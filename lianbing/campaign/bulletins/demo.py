"""Demo bulletins June–September 2017: most on time, some late, one returned, one missing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign.bulletins import services
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db

MONTHS = (6, 7, 8, 9)
#: (county code, month) -> day of submission after the 20th (late)
LATE = {("441403", 7): 24, ("441424", 9): 22, ("441481", 6): 23}
MISSING = {("441481", 8)}
RETURNED = {("441422", 8): "请补充交叉检查发现问题的整改情况和典型案例。"}
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
    for bureau in accounts.county_bureaus():
        admin = db.session.scalar(select(User).where(User.username == f"admin_{bureau.code}"))
        for month in MONTHS:
            if (bureau.code, month) not in MISSING:
                _one(campaign, bureau, admin, month)


def _one(campaign: Campaign, bureau, admin, month: int) -> None:
    key = (bureau.code, month)
    day = LATE.get(key, 14 + (int(bureau.code[-2:]) + month) % 6)
    at = local_to_utc(datetime(2017, month, day, 16, 30))
    bulletin = services.save_draft(
        campaign,
        bureau.id,
        date(2017, month, 1),
        services.BulletinData(
            f"{bureau.short_name}环境执法大练兵简报（2017年{month}月）", _body(bureau.code, month)
        ),
        author_id=admin.id if admin else None,
    )
    services.submit(bulletin, campaign, now=at, actor_id=admin.id if admin else None)
    if key in RETURNED:
        services.return_bulletin(
            bulletin, RETURNED[key], now=local_to_utc(datetime(2017, month, 22, 9, 0))
        )
