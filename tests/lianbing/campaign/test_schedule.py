"""The campaign calendar: deadlines and paperwork settings (no HTTP)."""

from __future__ import annotations

from datetime import date

import pytest

from lianbing.campaign import schedule


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def test_deadlines_include_monthly_bulletins_and_summary(campaign):
    deadlines = schedule.all_deadlines(campaign)
    names = [(d.name, d.due_date) for d in deadlines]
    assert ("7月简报报送", date(2017, 7, 20)) in names
    assert ("总结报告和自评报送", date(2017, 10, 8)) in names
    assert [d.due_date for d in schedule.upcoming_deadlines(campaign, date(2017, 7, 21), 2)] == [
        date(2017, 8, 20),
        date(2017, 9, 20),
    ]


def test_settings_move_the_due_day_and_refuse_bad_values(campaign):
    schedule.save_settings(
        campaign,
        schedule.SettingsData(25, True, date(2017, 6, 1), date(2017, 9, 30), date(2017, 10, 8)),
    )
    assert date(2017, 7, 25) in [d.due_date for d in schedule.all_deadlines(campaign)]
    assert schedule.bulletin_months(schedule.settings_for(campaign))[-1] == date(2017, 9, 1)
    with pytest.raises(schedule.ScheduleError, match="1 日到 28 日"):
        schedule.save_settings(
            campaign,
            schedule.SettingsData(31, True, date(2017, 6, 1), date(2017, 9, 1), date(2017, 10, 8)),
        )


def test_deadline_needs_a_name(campaign):
    with pytest.raises(schedule.ScheduleError, match="名称"):
        schedule.add_deadline(campaign, "  ", date(2017, 7, 1), "other")
