"""Next year's campaign from this one: what is copied and a year later (29 February included),
a second copy refused with nothing changed, and the template read-only from then on."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.campaign import nextyear, schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.evaluation import services as evaluation
from lianbing.campaign.models import Campaign, Deadline
from lianbing.extensions import db
from lianbing.rankings import locks, rules


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audits(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
    )


@pytest.fixture
def template(people, campaign):
    """The campaign with every setting the city makes: weights, quota, a deadline, paperwork
    settings, two evaluation items and ranking rules."""
    city = people["city_admin"].id
    campaigns.set_weights(campaign, {"quiz": 25.0, "study": 0.0}, actor_id=city)
    campaigns.update_campaign(
        campaign,
        name=campaign.name,
        start=campaign.start_date,
        end=campaign.end_date,
        quota=3,
        actor_id=city,
    )
    schedule.add_deadline(
        campaign, "候选人名单报送", campaign.end_date, "nomination", actor_id=city
    )
    schedule.save_settings(
        campaign,
        schedule.SettingsData(25, False, campaign.start_date, campaign.end_date, campaign.end_date),
        actor_id=city,
    )
    evaluation.add_item(campaign, "组织领导", 20, "成立领导小组", actor_id=city)
    evaluation.add_item(campaign, "培训成效", 30, actor_id=city)
    rules.update(
        campaign.id,
        deadline=datetime(2026, 10, 8, 15, 59, tzinfo=timezone.utc),
        quotas={"county_collective": 2, "city_individual": 1, "county_individual": 3},
        eligibility={"quiz": 0.6},
        measure_weights={"participation": 2.0},
        min_entries={"quiz": 1},
        board_named=False,
        actor_id=city,
    )
    db.session.commit()
    return campaign


def test_everything_is_copied_a_year_later(template, people):
    made, copied = nextyear.create_next(template, "下一年练兵", actor_id=people["city_admin"].id)
    db.session.commit()
    assert (made.year, made.template_id, made.is_active) == (template.year + 1, template.id, False)
    assert made.start_date == nextyear.shift_date(template.start_date)
    assert made.end_date == nextyear.shift_date(template.end_date)
    assert made.nomination_quota == 3
    old = [(s.name, s.start_date, s.end_date, s.parent_id is None) for s in template.stages]
    new = [(s.name, s.start_date, s.end_date, s.parent_id is None) for s in made.stages]
    shifted = [(n, nextyear.shift_date(a), nextyear.shift_date(b), top) for n, a, b, top in old]
    assert new == shifted and len(new) == 6
    parents = {s.parent_id for s in made.stages if s.parent_id}
    assert parents <= {s.id for s in made.stages}  # sub-stages hang under the new stages
    assert campaigns.weights(made) == campaigns.weights(template)
    assert campaigns.weights(made)["quiz"] == 25.0
    (deadline,) = schedule.stored_deadlines(made)
    assert deadline.due_date == nextyear.shift_date(template.end_date)
    ops = schedule.settings_for(made)
    assert (ops.bulletin_due_day, ops.accept_late) == (25, False)
    assert ops.summary_due == nextyear.shift_date(template.end_date)
    assert [(i.name, i.max_points, i.description) for i in evaluation.items(made.id)] == [
        ("组织领导", 20.0, "成立领导小组"),
        ("培训成效", 30.0, ""),
    ]
    assert rules.quotas(made.id) == rules.quotas(template.id)
    assert rules.eligibility(made.id) == {"quiz": 0.6}
    assert rules.min_entries(made.id) == {"quiz": 1} and not rules.board_named(made.id)
    assert rules.settings_for(made.id).nomination_deadline == datetime(
        2027, 10, 8, 15, 59, tzinfo=timezone.utc
    )
    assert copied["阶段"] == 6 and copied["考核项目"] == 2 and copied["排名规则"] == 1
    assert _audits("campaign.next_year") == 1


def test_29_february_becomes_28_february(people):
    start = date(2028, 2, 29)
    leap = campaigns.create_campaign(
        "2028年练兵活动", 2028, start, date(2028, 10, 31), stages=campaigns.plan_stages(start)
    )
    schedule.add_deadline(leap, "闰日截止", date(2028, 2, 29), "other")
    made, _ = nextyear.create_next(leap, "2029年练兵活动", actor_id=None)
    assert made.start_date == date(2029, 2, 28) and made.end_date == date(2029, 10, 31)
    assert made.stages[0].start_date == date(2029, 2, 28)
    assert schedule.stored_deadlines(made)[0].due_date == date(2029, 2, 28)
    assert nextyear.shift_date(date(2027, 2, 28)) == date(2028, 2, 28)
    assert nextyear.shift_date(date(2028, 3, 1)) == date(2029, 3, 1)
    moment = datetime(2028, 2, 29, 3, 0, tzinfo=timezone.utc)  # 11:00 in Beijing
    assert nextyear.shift_moment(moment) == datetime(2029, 2, 28, 3, 0, tzinfo=timezone.utc)


def test_a_second_copy_of_the_same_campaign_is_refused_and_changes_nothing(template, people):
    city = people["city_admin"].id
    nextyear.create_next(template, "下一年练兵", actor_id=city)
    db.session.commit()
    before = (_count(Campaign), _count(Deadline), _count(AuditLog))
    with pytest.raises(nextyear.AlreadyCopied, match="已经以“测试练兵活动”为模板创建了") as err:
        nextyear.create_next(template, "又一个下一年", actor_id=city)
    assert err.value.status == 409
    db.session.rollback()
    assert (_count(Campaign), _count(Deadline), _count(AuditLog)) == before


def test_a_taken_name_is_refused(template, people):
    with pytest.raises(campaigns.CampaignError, match="已存在"):
        nextyear.create_next(template, template.name, actor_id=people["city_admin"].id)


def test_suggested_name_moves_the_year_on(app):
    c = Campaign(name="2026年环境执法大练兵", year=2026)
    assert nextyear.suggested_name(c) == "2027年环境执法大练兵"
    assert nextyear.suggested_name(Campaign(name="大练兵", year=2026)) == "大练兵（2027年）"


def _every_setting_change(campaign, city):
    yield lambda: campaigns.set_weights(campaign, {"quiz": 1.0}, actor_id=city)
    yield lambda: campaigns.update_campaign(
        campaign,
        name="改名",
        start=campaign.start_date,
        end=campaign.end_date,
        quota=1,
        actor_id=city,
    )
    stage = campaign.stages[0]
    yield lambda: campaigns.set_stage_dates(
        campaign, {stage.id: (stage.start_date, stage.end_date)}, actor_id=city
    )
    yield lambda: schedule.add_deadline(campaign, "新截止", campaign.end_date, "other")
    yield lambda: schedule.delete_deadline(schedule.stored_deadlines(campaign)[0], actor_id=city)
    yield lambda: schedule.save_settings(
        campaign,
        schedule.SettingsData(10, True, campaign.start_date, campaign.end_date, campaign.end_date),
        actor_id=city,
    )
    yield lambda: evaluation.add_item(campaign, "新项目", 10, actor_id=city)
    yield lambda: rules.update(
        campaign.id,
        deadline=None,
        quotas={},
        eligibility={},
        measure_weights={},
        actor_id=city,
    )


def test_the_template_is_read_only_once_next_year_exists(template, people):
    city = people["city_admin"].id
    made, _ = nextyear.create_next(template, "下一年练兵", actor_id=city)
    db.session.commit()
    assert locks.locked(template.id) and not locks.locked(made.id)
    snapshot = (
        campaigns.weights(template),
        template.name,
        template.nomination_quota,
        [(d.name, d.due_date) for d in schedule.stored_deadlines(template)],
        schedule.settings_for(template).bulletin_due_day,
        len(evaluation.items(template.id)),
        rules.quotas(template.id),
    )
    changes = list(_every_setting_change(template, city))
    for change in changes:
        with pytest.raises(locks.SettingsLocked, match="往届活动（已据此创建“下一年练兵”）"):
            change()
        db.session.commit()  # the refusal's audit row is kept (keep=True), nothing else
    db.session.expire_all()
    assert snapshot == (
        campaigns.weights(template),
        template.name,
        template.nomination_quota,
        [(d.name, d.due_date) for d in schedule.stored_deadlines(template)],
        schedule.settings_for(template).bulletin_due_day,
        len(evaluation.items(template.id)),
        rules.quotas(template.id),
    )
    locked = db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action.like("%locked"))
    )
    assert locked == len(changes) == 8
    for change in _every_setting_change(made, city):
        change()  # next year's campaign is not locked


def test_a_campaign_with_no_template_compares_with_the_latest_earlier_year(campaign):
    earlier = campaigns.create_campaign(
        "往年", campaign.year - 2, date(campaign.year - 2, 6, 1), date(campaign.year - 2, 10, 31)
    )
    latest = campaigns.create_campaign(
        "去年", campaign.year - 1, date(campaign.year - 1, 6, 1), date(campaign.year - 1, 10, 31)
    )
    assert nextyear.previous(campaign).id == latest.id
    assert nextyear.previous(earlier) is None
    campaign.template_id = earlier.id
    assert nextyear.previous(campaign).id == earlier.id


def test_two_requests_at_once_leave_one_copy(template, people, monkeypatch):
    """The check before the insert can race; the unique template link settles it as a 409."""
    city = people["city_admin"].id
    nextyear.create_next(template, "下一年练兵", actor_id=city)
    db.session.commit()
    monkeypatch.setattr(nextyear, "refuse_if_copied", lambda t: None)  # as if it raced
    with pytest.raises(nextyear.AlreadyCopied, match="刚刚已由他人创建") as err:
        nextyear.create_next(template, "另一个名字", actor_id=city)
    assert err.value.status == 409
    db.session.rollback()
    assert _count(Campaign) == 2
