"""A campaign seeded with known results in two counties, for the report's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from lianbing.campaign.column.models import PenaltyCase
from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam
from lianbing.campaign.schedule import today_local
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.rankings.models import Nomination


@dataclass
class Seeded:
    campaign: object
    meijiang: object  # 梅江区 441402: three officers, two took part
    meixian: object  # 梅县区 441403: one officer, took part
    officers: list
    admin: object


def _ledger(campaign, officers) -> None:
    """Competition 1: officers 0, 1 (梅江) and 3 (梅县); competition 2: officer 0 only."""
    at = utcnow() - timedelta(days=3)
    for user, points in ((officers[0], 80), (officers[1], 60), (officers[3], 90)):
        ledger.record(user.id, campaign.id, "competition", "quiz:1", points, 100, at)
    ledger.record(officers[0].id, campaign.id, "competition", "quiz:2", 40, 100, at)
    ledger.record(officers[3].id, campaign.id, "case_file", "casefile:7", 15, 20, at)


def _drills(campaign, meijiang, meixian) -> None:
    today = today_local()
    rnd = DrillRound(
        campaign_id=campaign.id,
        kind="cross_inspection",
        name="交叉检查",
        start_date=today,
        end_date=today,
    )
    db.session.add(rnd)
    db.session.flush()
    team = DrillTeam(
        round_id=rnd.id, name="梅江一组", home_bureau_id=meijiang.id, target_bureau_id=meixian.id
    )
    db.session.add(team)
    db.session.flush()
    for enterprise, problems in (("甲厂", "废水直排"), ("甲厂", ""), ("乙厂", "台账缺失")):
        db.session.add(
            DrillReport(
                team_id=team.id, enterprise=enterprise, inspected_on=today, problems=problems
            )
        )


def _paperwork(campaign, meijiang, meixian, officers, admin) -> None:
    for bureau, disclosed in ((meijiang, True), (meijiang, False), (meixian, True)):
        db.session.add(
            PenaltyCase(
                campaign_id=campaign.id,
                bureau_id=bureau.id,
                enterprise="某公司",
                violation="超标排放",
                legal_basis="大气法",
                decision="罚款",
                decided_on=today_local(),
                is_disclosed=disclosed,
            )
        )
    for user, status in ((officers[0], "submitted"), (officers[1], "accepted")):
        db.session.add(
            Nomination(
                campaign_id=campaign.id,
                bureau_id=meijiang.id,
                user_id=user.id,
                justification="表现突出",
                status=status,
                nominated_by=admin.id,
            )
        )


@pytest.fixture
def seeded(campaign, make_user):
    officers = [make_user("officer", "441402") for _ in range(3)]
    officers.append(make_user("officer", "441403"))
    admin = make_user("bureau_admin", "441402", username="admin_441402")
    make_user("bureau_admin", "441403", username="admin_441403")
    make_user("city_admin", "441400", username="city_admin")
    make_user("trainer", "441400", username="trainer")
    meijiang, meixian = officers[0].bureau, officers[3].bureau
    _ledger(campaign, officers)
    _drills(campaign, meijiang, meixian)
    _paperwork(campaign, meijiang, meixian, officers, admin)
    db.session.commit()
    return Seeded(campaign, meijiang, meixian, officers, admin)
