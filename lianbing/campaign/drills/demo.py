"""Demo drills: the plan's three rounds (自查, 交叉检查, 后督察), the cross-inspection teams and
the reports they filed in its first days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign.drills import services
from lianbing.campaign.drills.models import CROSS_INSPECTION, FOLLOW_UP, SELF_INSPECTION
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db

ENTERPRISES = ["{}华达陶瓷有限公司", "{}金利电镀厂", "{}宏发稀土冶炼有限公司", "{}绿源养殖场"]
#: the rounds on the plan's days (0 = the campaign's first day; 2017-06-15 is day 14)
ROUNDS = [
    (SELF_INSPECTION, "自查", 14, 44),
    (CROSS_INSPECTION, "交叉检查", 45, 75),
    (FOLLOW_UP, "后督察", 76, 121),
]
#: the cross-inspection reports are filed from this day of the plan on, four teams in ten days
REPORTS_FROM = 46
PROBLEMS = [
    "废气收集设施未正常运行，车间无组织排放明显。",
    "危险废物贮存场所未设置标识，台账记录不完整。",
    "污水处理设施加药记录缺失，在线监测数据存在断档。",
]


def load(campaign: Campaign) -> None:
    if services.rounds(campaign.id):
        return
    for kind, name, first, last in ROUNDS:
        round_ = services.create_round(
            campaign, kind, f"{campaign.year}年{name}", _day(campaign, first), _day(campaign, last)
        )
        if kind == CROSS_INSPECTION:
            cross = round_
    counties = accounts.county_bureaus()
    for index, home in enumerate(counties):
        target = counties[(index + 1) % len(counties)]
        _team(campaign, cross, home, target, index)


def _day(campaign: Campaign, day: int) -> date:
    """A day of the plan (0 = the campaign's first day)."""
    return campaign.start_date + timedelta(days=day)


def _officers(bureau) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.username.in_([f"officer_{bureau.code}_1", f"officer_{bureau.code}_2"]))
            .order_by(User.username)
        )
    )


def _team(campaign: Campaign, round_, home, target, index: int) -> None:
    team = services.create_team(
        round_,
        f"第{index + 1}检查组（{home.short_name}→{target.short_name}）",
        home.id,
        target.id,
        _officers(home),
    )
    if index >= 4 or not team.members:
        return
    for n in range(2):
        enterprise = ENTERPRISES[(index + n) % len(ENTERPRISES)].format(target.short_name)
        day = _day(campaign, REPORTS_FROM + index * 3 + n)
        data = services.ReportData(enterprise, day, PROBLEMS[(index + n) % 3], 2 + n)
        filed_at = local_to_utc(datetime.combine(day, time(18)))
        report = services.file_report(team, data, user_id=team.members[0].user_id, now=filed_at)
        if n == 0:
            services.award(report, 8 - index % 3, 10, now=filed_at)
