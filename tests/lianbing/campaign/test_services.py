"""The campaign itself: stages, weights, the one active campaign (no HTTP)."""

from datetime import date

import pytest

from lianbing.campaign import services
from lianbing.extensions import db


def test_default_stages_follow_the_2017_plan(campaign):
    names = {s.name: (s.start_date, s.end_date) for s in campaign.stages}
    assert names["自查"] == (date(2017, 6, 15), date(2017, 7, 15))
    assert names["交叉检查"] == (date(2017, 7, 16), date(2017, 8, 15))
    assert names["后督察"] == (date(2017, 8, 16), date(2017, 9, 30))
    assert [s.name for s in services.top_stages(campaign)] == ["动员部署", "活动实施", "总结表扬"]


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
