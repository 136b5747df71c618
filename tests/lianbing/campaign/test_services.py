"""The campaign itself: stages, weights, the one active campaign (no HTTP)."""

from datetime import date, timedelta

import pytest

from lianbing.campaign import services
from lianbing.extensions import db


def test_default_stages_follow_the_2017_plan(campaign_2017):
    names = {s.name: (s.start_date, s.end_date) for s in campaign_2017.stages}
    assert names["自查"] == (date(2017, 6, 15), date(2017, 7, 15))
    assert names["交叉检查"] == (date(2017, 7, 16), date(2017, 8, 15))
    assert names["后督察"] == (date(2017, 8, 16), date(2017, 9, 30))
    top = services.top_stages(campaign_2017)
    assert [s.name for s in top] == ["动员部署", "活动实施", "总结表扬"]


def test_the_plan_moves_whole_to_another_first_day(campaign):
    """The fixture's campaign: the 2017 plan from its first day, the same lengths."""
    names = {s.name: (s.start_date, s.end_date) for s in campaign.stages}
    start = campaign.start_date
    assert names["动员部署"] == (start, start + timedelta(days=13))
    assert names["交叉检查"] == (start + timedelta(days=45), start + timedelta(days=75))
    assert names["总结表扬"][1] == start + timedelta(days=services.PLAN_DAYS - 1)
    assert services.plan_stages(date(2017, 6, 1)) == services.default_stages(2017)


def test_stage_of_another_campaign_is_refused(campaign):
    other = services.create_campaign("另一个活动", 2018, date(2018, 6, 1), date(2018, 10, 31))
    foreign = other.stages[0]
    with pytest.raises(services.CampaignError, match="阶段不属于此活动"):
        services.set_stage_dates(campaign, {foreign.id: (date(2017, 6, 1), date(2017, 6, 2))})


def test_unknown_kind_weight_is_refused(campaign):
    with pytest.raises(services.CampaignError, match="未知的活动类型"):
        services.set_weights(campaign, {"no_such_kind": 1.0})


def test_only_one_active_campaign(campaign):
    other = services.create_campaign(
        "2018年大练兵", 2018, date(2018, 6, 1), date(2018, 10, 31), activate=True
    )
    db.session.commit()
    db.session.expire_all()
    assert services.active_campaign().id == other.id and not campaign.is_active
