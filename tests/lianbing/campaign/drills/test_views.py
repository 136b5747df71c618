"""Drills over HTTP: teams, who sees them, reports, awards."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity, ScoreEntry


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _cross_round_id() -> int:
    return db.session.scalar(select(DrillRound.id).where(DrillRound.kind == "cross_inspection"))


def test_officer_on_a_team_inspecting_own_county_is_refused(client, auth, ops_demo, bureau, user):
    auth.login("city_admin")
    teams = _count(DrillTeam)
    r = client.post(
        f"/drills/rounds/{_cross_round_id()}/teams",
        data={
            "name": "错误组",
            "home_bureau_id": bureau("441402").id,
            "target_bureau_id": bureau("441402").id,
            "member_ids": [user("officer_441402_3").id],
        },
    )
    assert r.status_code == 400 and "交叉检查不能检查本单位" in r.get_data(as_text=True)
    team = db.session.scalar(
        select(DrillTeam).where(DrillTeam.target_bureau_id == bureau("441403").id)
    )
    r = client.post(
        f"/drills/teams/{team.id}/members", data={"user_id": user("officer_441403_3").id}
    )
    assert r.status_code == 400 and "不能参加检查本单位企业的交叉检查组" in r.get_data(as_text=True)
    assert _count(DrillTeam) == teams
    db.session.expire_all()
    assert user("officer_441403_3").id not in [m.user_id for m in team.members]


def test_officers_see_only_their_teams_and_file_reports(client, auth, ops_demo, bureau):
    team = db.session.scalar(
        select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441402").id)
    )
    other = db.session.scalar(
        select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441403").id)
    )
    auth.login("officer_441402_1")
    assert client.get(f"/drills/teams/{team.id}").status_code == 200
    assert client.get(f"/drills/teams/{other.id}").status_code == 403
    reports = _count(DrillReport)
    r = client.post(
        f"/drills/teams/{team.id}/reports",
        data={
            "enterprise": "梅县区某纸业公司",
            "inspected_on": "2017-08-01",
            "problems": "雨污未分流",
            "records_written": "2",
            "attachments": (io.BytesIO(b"\x89PNG demo"), "现场.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and _count(DrillReport) == reports + 1
    assert (
        client.post(
            f"/drills/teams/{other.id}/reports",
            data={"enterprise": "x", "inspected_on": "2017-08-01", "records_written": "1"},
        ).status_code
        == 403
    )
    auth.login("officer_441402_3")
    assert client.get(f"/drills/teams/{team.id}").status_code == 403
    auth.login("trainer")
    assert client.get("/drills/").status_code == 403


def test_county_admin_sees_teams_inspecting_it(client, auth, ops_demo, bureau):
    inspecting = db.session.scalar(
        select(DrillTeam).where(DrillTeam.target_bureau_id == bureau("441402").id)
    )
    unrelated = db.session.scalar(
        select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441422").id)
    )
    auth.login("admin_441402")
    assert client.get(f"/drills/teams/{inspecting.id}").status_code == 200
    assert client.get(f"/drills/teams/{unrelated.id}").status_code == 403


def test_city_awards_points_to_the_ledger(client, auth, ops_demo, bureau):
    report = db.session.scalar(select(DrillReport).where(DrillReport.award_points.is_(None)))
    auth.login("admin_441402")
    assert (
        client.post(
            f"/drills/reports/{report.id}/award", data={"points": "5", "max_points": "10"}
        ).status_code
        == 403
    )
    auth.login("city_admin")
    assert (
        client.post(
            f"/drills/reports/{report.id}/award", data={"points": "50", "max_points": "10"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/drills/reports/{report.id}/award", data={"points": "6", "max_points": "10"}
        ).status_code
        == 302
    )
    # one line per member for the round: the team's awards in it, this one included
    team = report.team
    rows = db.session.scalars(
        select(ScoreEntry).where(ScoreEntry.ref == f"drill_round:{team.round_id}")
    ).all()
    mine = [r for r in rows if r.user_id in {m.user_id for m in team.members}]
    awarded = [r for r in team.reports if r.award_points is not None]
    assert report in awarded and len(awarded) == 2  # the demo awarded the team's first report
    total = (sum(r.award_points for r in awarded), sum(r.award_max for r in awarded))
    assert len(mine) == len(team.members) and {(r.points, r.max_points) for r in mine} == {total}


def _pool_only_round(client) -> int:
    """The city admin's pool-only cross-inspection round (one day); its id."""
    cross = db.session.get(DrillRound, _cross_round_id())
    campaign_id, start = cross.campaign_id, cross.start_date
    r = client.post(
        f"/drills/{campaign_id}/rounds",
        data={
            "kind": "cross_inspection",
            "name": "骨干组",
            "start_date": str(start),
            "end_date": str(start),
            "pool_only": "y",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    return int(r.location.rsplit("/", 1)[1])


def _backbone_team(client, round_id, bureau, user) -> str:
    """A team of the one backbone officer in the pool-only round; the team page's address."""
    teams = _count(DrillTeam)
    r = client.post(
        f"/drills/rounds/{round_id}/teams",
        data={
            "name": "骨干一组",
            "home_bureau_id": bureau("441402").id,
            "target_bureau_id": bureau("441403").id,
            "member_ids": [user("officer_441402_1").id],
        },
    )
    assert r.status_code == 302 and _count(DrillTeam) == teams + 1
    return r.location


def test_pool_only_round_offers_backbone_officers_with_specialties(
    client, auth, ops_demo, bureau, user
):
    from lianbing.accounts.services import set_backbone

    set_backbone(user("officer_441402_1"), ["inspection", "legal"])
    db.session.commit()
    auth.login("city_admin")
    round_id = _pool_only_round(client)
    page = client.get(f"/drills/rounds/{round_id}").get_data(as_text=True)
    assert "骨干：现场检查、法制审核" in page and "officer_441402_2" not in page
    assert user("officer_441402_2").display_name not in page
    team_url = _backbone_team(client, round_id, bureau, user)
    team_page = client.get(team_url).get_data(as_text=True)
    choices = re.search(r'<select[^>]*name="user_id".*?</select>', team_page, re.S).group(0)
    assert f'value="{user("officer_441402_2").id}"' not in choices
    r = client.post(team_url + "/members", data={"user_id": user("officer_441402_2").id})
    assert r.status_code == 400 and "不在执法骨干库中" in r.get_data(as_text=True)


def test_a_member_outside_the_choices_is_refused_in_chinese_without_the_id(
    client, auth, ops_demo, bureau
):
    auth.login("city_admin")
    teams = _count(DrillTeam)
    r = client.post(
        f"/drills/rounds/{_cross_round_id()}/teams",
        data={
            "name": "新组",
            "home_bureau_id": bureau("441402").id,
            "target_bureau_id": bureau("441403").id,
            "member_ids": [987654],
        },
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "所选项目不在可选范围内" in page
    assert "987654" not in page and "valid choice" not in page
    assert _count(DrillTeam) == teams


def test_city_deletes_a_round_nobody_reported_on(client, auth, ops_demo, bureau, user):
    own = db.session.scalar(select(DrillRound).where(DrillRound.kind == "self_inspection"))
    home = bureau("441402").id
    drills.create_team(own, "自查组", home, home, [user("officer_441402_1").id])
    db.session.commit()
    ref = f"drill_round:{own.id}"
    assert db.session.scalar(select(ExpectedActivity).where(ExpectedActivity.ref == ref))
    auth.login("city_admin")
    cross_id = _cross_round_id()
    assert 'id="delete-round"' in client.get(f"/drills/rounds/{own.id}").get_data(as_text=True)
    assert 'id="delete-round"' not in client.get(f"/drills/rounds/{cross_id}").get_data(
        as_text=True
    )
    r = client.post(f"/drills/rounds/{cross_id}/delete")
    assert r.status_code == 409 and "已有检查组提交报告，不能删除" in r.get_data(as_text=True)
    auth.login("admin_441402")
    assert client.post(f"/drills/rounds/{own.id}/delete").status_code == 403
    auth.login("city_admin")
    r = client.post(f"/drills/rounds/{own.id}/delete")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/drills/{own.campaign_id}")
    db.session.expire_all()
    assert db.session.get(DrillRound, own.id) is None
    assert db.session.get(DrillRound, cross_id) is not None
    assert not db.session.scalar(select(ExpectedActivity).where(ExpectedActivity.ref == ref))
