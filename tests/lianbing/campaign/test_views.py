"""Campaign pages: editing (details, stage dates, weights), calendar, every operation's pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianbing.audit.models import AuditLog
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.drills.models import DrillRound, DrillTeam
from lianbing.campaign.models import ActivityWeight, Stage
from lianbing.extensions import db


def _stage(campaign, name) -> Stage:
    db.session.expire_all()
    return db.session.scalar(
        select(Stage).where(Stage.campaign_id == campaign.id, Stage.name == name)
    )


def _stage_form(campaign, **changes) -> dict:
    """Every stage's current dates as form data, with changes {name: (start, end)}."""
    data = {}
    for s in campaign.stages:
        start, end = changes.get(s.name, (s.start_date, s.end_date))
        data[f"s{s.id}_start"], data[f"s{s.id}_end"] = str(start), str(end)
    return data


@pytest.fixture
def campaign(campaign_2017):
    """These tests move the 2017 plan's stages on their own dates."""
    return campaign_2017


@pytest.fixture
def city(client, auth, demo_people):
    auth.login("city_admin")
    return client


def test_city_admin_moves_stage_dates(city, campaign):
    page = city.get(f"/campaigns/{campaign.id}/stages").get_data(as_text=True)
    assert "交叉检查" in page and 'value="2017-07-16"' in page
    data = _stage_form(campaign, 交叉检查=(date(2017, 7, 20), date(2017, 8, 20)))
    r = city.post(f"/campaigns/{campaign.id}/stages", data=data)
    assert r.status_code == 302
    assert (_stage(campaign, "交叉检查").start_date, _stage(campaign, "交叉检查").end_date) == (
        date(2017, 7, 20),
        date(2017, 8, 20),
    )
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.stages"))
    assert row.old["交叉检查"] == ["2017-07-16", "2017-08-15"] and row.new["交叉检查"] == [
        "2017-07-20",
        "2017-08-20",
    ]
    assert "2017-07-20" in city.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"自查": (date(2017, 7, 15), date(2017, 6, 15))}, "“自查”的结束日期早于开始日期"),
        ({"自查": (date(2017, 6, 10), date(2017, 7, 15))}, "“自查”须在所属阶段的起止日期"),
        ({"总结表扬": (date(2017, 10, 1), date(2017, 11, 30))}, "“总结表扬”须在活动的起止日期"),
    ],
)
def test_bad_stage_dates_are_refused_whole(city, campaign, changes, message):
    data = _stage_form(campaign, 动员部署=(date(2017, 6, 2), date(2017, 6, 14)), **changes)
    r = city.post(f"/campaigns/{campaign.id}/stages", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert _stage(campaign, "动员部署").start_date == date(2017, 6, 1)  # nothing changed


def test_missing_stage_date_is_refused(city, campaign):
    data = _stage_form(campaign)
    data[next(iter(data))] = ""
    r = city.post(f"/campaigns/{campaign.id}/stages", data=data)
    assert r.status_code == 400 and "请填写" in r.get_data(as_text=True)


def test_campaign_edit_cannot_leave_stages_outside(city, campaign):
    r = city.post(
        f"/campaigns/{campaign.id}/edit",
        data={
            "name": campaign.name,
            "year": 2017,
            "start_date": "2017-06-01",
            "end_date": "2017-09-30",
            "nomination_quota": 1,
        },
    )
    assert r.status_code == 400 and "超出新的活动期间" in r.get_data(as_text=True)


def test_campaign_edit(city, campaign):
    r = city.post(
        f"/campaigns/{campaign.id}/edit",
        data={
            "name": "2017年大练兵（修订）",
            "year": 2017,
            "start_date": "2017-05-20",
            "end_date": "2017-11-15",
            "nomination_quota": 2,
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert (campaign.name, campaign.end_date, campaign.nomination_quota) == (
        "2017年大练兵（修订）",
        date(2017, 11, 15),
        2,
    )


def test_city_admin_edits_weights(city, campaign):
    r = city.post(
        f"/campaigns/{campaign.id}/weights",
        data={
            "w_quiz": "35",
            "w_award": "0",
            "w_study": "20",
            "w_lecture": "10",
            "w_competition": "20",
            "w_case_lesson": "10",
            "w_record_exercise": "30",
            "w_case_file": "20",
        },
    )
    assert r.status_code == 302
    stored = {w.kind: w.weight for w in db.session.scalars(select(ActivityWeight))}
    assert stored["quiz"] == 35.0 and stored["award"] == 0.0
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.weights")).new["quiz"]
        == 35.0
    )


@pytest.mark.parametrize(
    "value, message",
    [("-1", "权重须在 0 到 1000 之间"), ("abc", "不是有效的浮点数"), ("", "请填写权重")],
)
def test_bad_weights_are_refused(city, campaign, value, message):
    r = city.post(f"/campaigns/{campaign.id}/weights", data={"w_quiz": value})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert db.session.scalar(select(ActivityWeight)) is None


OPS_BLUEPRINTS = ("schedule", "bulletins", "evaluation", "drills", "column")


def _bulletin(ops_demo, bureau, code="441402", month=7) -> Bulletin:
    return bulletins.find(ops_demo.id, bureau(code).id, date(2017, month, 1))


def test_every_ops_view_states_its_roles(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in OPS_BLUEPRINTS:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_roles", None), rule.endpoint


def test_city_admin_pages_render(client, auth, ops_demo, bureau):
    auth.login("city_admin")
    round_id = db.session.scalar(select(DrillRound.id).where(DrillRound.kind == "cross_inspection"))
    team_id = db.session.scalar(select(DrillTeam.id).order_by(DrillTeam.id))
    article_id = db.session.scalar(select(ColumnArticle.id))
    cid, bid = ops_demo.id, bureau("441402").id
    for path in (
        f"/calendar/{cid}",
        f"/calendar/{cid}/settings",
        f"/bulletins/{cid}/board",
        f"/bulletins/b/{_bulletin(ops_demo, bureau).id}",
        f"/evaluation/{cid}",
        f"/evaluation/{cid}/report/{bid}",
        f"/drills/{cid}",
        f"/drills/rounds/{round_id}",
        f"/drills/teams/{team_id}",
        "/column/manage",
        f"/column/manage/{article_id}",
        "/column/manage/cases",
        "/column/manage/new",
        "/home",
    ):
        assert client.get(path).status_code == 200, path


def test_timeline_lists_stages_and_deadlines(client, auth, ops_demo):
    auth.login("officer_441402_1")
    page = client.get(f"/calendar/{ops_demo.id}").get_data(as_text=True)
    assert (
        "交叉检查" in page
        and "先进个人候选人名单报送" in page
        and "2017-07-20" in page
        and "<svg" in page
    )


def test_city_adds_a_deadline_and_others_cannot(client, auth, ops_demo):
    auth.login("admin_441402")
    assert (
        client.post(
            f"/calendar/{ops_demo.id}/deadlines",
            data={"name": "x", "due_date": "2017-07-01", "kind": "other"},
        ).status_code
        == 403
    )
    auth.login("city_admin")
    r = client.post(
        f"/calendar/{ops_demo.id}/deadlines",
        data={"name": "案卷评查", "due_date": "2017-09-10", "kind": "other"},
    )
    assert r.status_code == 302
    assert "案卷评查" in client.get(f"/calendar/{ops_demo.id}").get_data(as_text=True)


def test_the_timeline_has_a_date_axis_at_each_month(client, auth, ops_demo):
    from lianbing.campaign import schedule

    auth.login("officer_441402_1")
    page = client.get(f"/calendar/{ops_demo.id}").get_data(as_text=True)
    axis = page.split('class="date-axis"')[1].split("</g>")[0]
    start, end = ops_demo.start_date, ops_demo.end_date
    months = (end.year - start.year) * 12 + end.month - start.month
    assert f">{start.month}月{start.day}日<" in axis
    assert axis.count("月1日<") >= months  # every month's first inside the campaign
    ticks = schedule.timeline_ticks(ops_demo)
    assert ticks[0][0] == 0 and ticks[-1][0] <= 100
    assert all(a < b for (a, _), (b, _) in zip(ticks, ticks[1:]))
