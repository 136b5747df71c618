"""Summary reports and self-evaluation: scores, deadlines, the city's review (no HTTP)."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianbing.campaign import schedule
from lianbing.campaign.evaluation import services as evaluation
from lianbing.dbtypes import local_to_utc


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def local(*args) -> datetime:
    """An aware UTC datetime from a Shanghai wall-clock time."""
    return local_to_utc(datetime(*args))


def _refuse_late(campaign):
    s = schedule.settings_for(campaign)
    schedule.save_settings(
        campaign,
        schedule.SettingsData(
            s.bulletin_due_day, False, s.bulletin_from, s.bulletin_to, s.summary_due
        ),
    )


def test_self_evaluation_review_and_measure(demo_people, campaign, bureau):
    item = evaluation.add_item(campaign, "组织领导", 20)
    bid = bureau("441402").id
    with pytest.raises(evaluation.EvaluationError, match="0 到 20"):
        evaluation.save_report(campaign, bid, "总结", [evaluation.ScoreInput(item.id, 25, "")])
    report = evaluation.save_report(
        campaign, bid, "总结", [evaluation.ScoreInput(item.id, 18, "方案")]
    )
    evaluation.submit_report(report, campaign, now=local(2017, 10, 9, 9))
    assert report.is_late
    evaluation.review(report, [evaluation.ScoreInput(item.id, 15, "")], "较好")
    assert evaluation.totals(report) == (18, 15)
    assert evaluation.evaluation_scores(campaign.id) == {bid: 0.75}


def test_late_summary_refused_when_configured(demo_people, campaign, bureau):
    _refuse_late(campaign)
    item = evaluation.add_item(campaign, "组织领导", 20)
    report = evaluation.save_report(
        campaign, bureau("441402").id, "总结", [evaluation.ScoreInput(item.id, 18, "")]
    )
    with pytest.raises(evaluation.DeadlinePassed, match="不接受逾期提交"):
        evaluation.submit_report(report, campaign, now=local(2017, 10, 9, 9))
    evaluation.submit_report(report, campaign, now=local(2017, 10, 8, 20))
    assert report.status == "submitted" and not report.is_late


def test_submit_needs_every_self_score(demo_people, campaign, bureau):
    evaluation.add_item(campaign, "组织领导", 20)
    report = evaluation.save_report(campaign, bureau("441402").id, "总结", [])
    with pytest.raises(evaluation.EvaluationError, match="组织领导"):
        evaluation.submit_report(report, campaign, now=local(2017, 10, 1, 9))
