"""Drills: teams, members, reports and awards through the ledger (no HTTP)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import CROSS_INSPECTION
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry

#: the evening of the inspection: inside the 2017 campaign, so its award counts
FILED = local_to_utc(datetime(2017, 7, 20, 18))


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def _cross(campaign):
    return drills.create_round(
        campaign, CROSS_INSPECTION, "交叉检查", date(2017, 7, 16), date(2017, 8, 15)
    )


def test_cross_team_cannot_inspect_its_own_county(demo_people, campaign, bureau):
    round_ = _cross(campaign)
    with pytest.raises(drills.DrillError, match="交叉检查不能检查本单位"):
        drills.create_team(round_, "一组", bureau("441402").id, bureau("441402").id, [])


def test_officer_of_the_inspected_county_is_refused(demo_people, campaign, bureau, user):
    round_ = _cross(campaign)
    team = drills.create_team(
        round_, "一组", bureau("441402").id, bureau("441403").id, [user("officer_441402_1").id]
    )
    with pytest.raises(drills.DrillError, match="不能参加检查本单位企业"):
        drills.add_member(team, user("officer_441403_1").id)
    with pytest.raises(drills.DrillError, match="不属于检查组的派出单位"):
        drills.add_member(team, user("officer_441422_1").id)
    with pytest.raises(drills.DrillError, match="只能把执法人员"):
        drills.add_member(team, user("admin_441402").id)
    assert [m.user.username for m in team.members] == ["officer_441402_1"]


def test_report_dates_must_fall_in_the_round(demo_people, campaign, bureau, user):
    team = drills.create_team(
        _cross(campaign),
        "一组",
        bureau("441402").id,
        bureau("441403").id,
        [user("officer_441402_1").id],
    )
    with pytest.raises(drills.DrillError, match="检查日期须在本轮次期间"):
        drills.file_report(team, drills.ReportData("某企业", date(2017, 9, 1), "", 1), user_id=None)


def test_award_goes_to_every_member_through_the_ledger(demo_people, campaign, bureau, user):
    members = [user("officer_441402_1").id, user("officer_441402_2").id]
    team = drills.create_team(
        _cross(campaign), "一组", bureau("441402").id, bureau("441403").id, members
    )
    report = drills.file_report(
        team,
        drills.ReportData("某陶瓷厂", date(2017, 7, 20), "未运行", 2),
        user_id=None,
        now=FILED,
    )
    with pytest.raises(drills.DrillError, match="加分须在"):
        drills.award(report, 12, 10)
    drills.award(report, 8, 10)
    drills.award(report, 9, 10)
    rows = db.session.scalars(
        select(ScoreEntry).where(ScoreEntry.ref == f"drill_round:{report.team.round_id}")
    ).all()
    assert sorted(r.user_id for r in rows) == sorted(members)
    assert {(r.kind, r.points, r.max_points) for r in rows} == {("award", 9.0, 10.0)}


def test_visible_teams_follow_roles(demo_people, campaign, bureau, user):
    team = drills.create_team(
        _cross(campaign),
        "一组",
        bureau("441402").id,
        bureau("441403").id,
        [user("officer_441402_1").id],
    )
    assert drills.visible_teams(user("officer_441402_1"), campaign.id) == [team]
    assert drills.visible_teams(user("officer_441402_3"), campaign.id) == []
    assert drills.visible_teams(user("admin_441403"), campaign.id) == [team]
    assert drills.visible_teams(user("admin_441422"), campaign.id) == []
    assert drills.visible_teams(user("trainer"), campaign.id) == []


def test_award_is_logged_with_the_report_and_the_team(demo_people, campaign, bureau, user, caplog):
    team = drills.create_team(
        _cross(campaign),
        "一组",
        bureau("441402").id,
        bureau("441403").id,
        [user("officer_441402_1").id],
    )
    report = drills.file_report(
        team,
        drills.ReportData("某陶瓷厂", date(2017, 7, 20), "未运行", 2),
        user_id=None,
        now=FILED,
    )
    drills.award(report, 8, 10, actor_id=user("city_admin").id)
    line = next(r for r in caplog.records if r.name == "lianbing.drills")
    assert (
        f"drill report {report.id} awarded 8/10 to 1 members of team {team.id}" in line.getMessage()
    )


def test_a_pool_only_round_takes_backbone_officers_only(demo_people, campaign, bureau, user):
    from lianbing.accounts.services import backbone_pool, set_backbone

    round_ = drills.create_round(
        campaign,
        CROSS_INSPECTION,
        "骨干交叉检查",
        campaign.start_date,
        campaign.end_date,
        pool_only=True,
    )
    set_backbone(user("officer_441402_1"), ["inspection"])
    assert [u.username for u in backbone_pool(bureau_id=bureau("441402").id)] == [
        "officer_441402_1"
    ]
    with pytest.raises(drills.DrillError, match="officer_441402_2|不在执法骨干库中"):
        drills.create_team(
            round_,
            "一组",
            bureau("441402").id,
            bureau("441403").id,
            [user("officer_441402_1").id, user("officer_441402_2").id],
        )
    team = drills.create_team(
        round_, "一组", bureau("441402").id, bureau("441403").id, [user("officer_441402_1").id]
    )
    with pytest.raises(drills.DrillError, match="本轮次的检查组组员须从执法骨干中选派"):
        drills.add_member(team, user("officer_441402_3").id)
    set_backbone(user("officer_441402_3"), ["review"])
    drills.add_member(team, user("officer_441402_3").id)
    assert [m.user.username for m in team.members] == ["officer_441402_1", "officer_441402_3"]
    # a round without the requirement takes any officer of the home county
    open_team = drills.create_team(
        _cross(campaign), "二组", bureau("441402").id, bureau("441403").id, []
    )
    drills.add_member(open_team, user("officer_441402_2").id)
