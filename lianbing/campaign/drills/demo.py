"""Demo drills: the three rounds of 2017, cross-inspection teams and their reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign.drills import services
from lianbing.campaign.drills.models import CROSS_INSPECTION, FOLLOW_UP, SELF_INSPECTION
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db

ENTERPRISES = ["{}华达陶瓷有限公司", "{}金利电镀厂", "{}宏发稀土冶炼有限公司", "{}绿源养殖场"]
PROBLEMS = [
    "废气收集设施未正常运行，车间无组织排放明显。",
    "危险废物贮存场所未设置标识，台账记录不完整。",
    "污水处理设施加药记录缺失，在线监测数据存在断档。",
]


def load(campaign: Campaign) -> None:
    if services.rounds(campaign.id):
        return
    services.create_round(
        campaign, SELF_INSPECTION, "2017年自查", date(2017, 6, 15), date(2017, 7, 15)
    )
    cross = services.create_round(
        campaign, CROSS_INSPECTION, "2017年交叉检查", date(2017, 7, 16), date(2017, 8, 15)
    )
    services.create_round(campaign, FOLLOW_UP, "2017年后督察", date(2017, 8, 16), date(2017, 9, 30))
    counties = accounts.county_bureaus()
    for index, home in enumerate(counties):
        target = counties[(index + 1) % len(counties)]
        _team(cross, home, target, index)


def _officers(bureau) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.username.in_([f"officer_{bureau.code}_1", f"officer_{bureau.code}_2"]))
            .order_by(User.username)
        )
    )


def _team(round_, home, target, index: int) -> None:
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
        data = services.ReportData(
            enterprise, date(2017, 7, 20 + index * 3 + n), PROBLEMS[(index + n) % 3], 2 + n
        )
        filed_at = local_to_utc(datetime(2017, 7, 20 + index * 3 + n, 18, 0))
        report = services.file_report(team, data, user_id=team.members[0].user_id, now=filed_at)
        if n == 0:
            services.award(report, 8 - index % 3, 10, now=filed_at)
