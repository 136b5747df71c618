"""Monthly bulletins: timeliness, returns, the board (no HTTP)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.dbtypes import local_to_utc


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def local(*args) -> datetime:
    """An aware UTC datetime from a Shanghai wall-clock time."""
    return local_to_utc(datetime(*args))


JULY = date(2017, 7, 1)


def _draft(campaign, bureau_id, period=JULY, title="七月简报"):
    return bulletins.save_draft(
        campaign, bureau_id, period, bulletins.BulletinData(title, "正文"), author_id=None
    )


def _refuse_late(campaign):
    s = schedule.settings_for(campaign)
    schedule.save_settings(
        campaign,
        schedule.SettingsData(
            s.bulletin_due_day, False, s.bulletin_from, s.bulletin_to, s.summary_due
        ),
    )


def test_submission_by_the_20th_is_on_time(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 20, 23, 59))
    assert b.status == "submitted" and not b.is_late


def test_late_submission_is_accepted_and_marked_when_configured(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 21, 0, 1))
    assert b.status == "submitted" and b.is_late


def test_late_submission_is_refused_when_configured(demo_people, campaign, bureau):
    _refuse_late(campaign)
    b = _draft(campaign, bureau("441402").id)
    with pytest.raises(bulletins.DeadlinePassed, match="不接受逾期提交"):
        bulletins.submit(b, campaign, now=local(2017, 7, 21, 9))
    assert b.status == "draft" and b.submitted_at is None


def test_return_and_resubmission_keep_the_first_timeliness(demo_people, campaign, bureau):
    _refuse_late(campaign)
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 19, 9))
    with pytest.raises(bulletins.BulletinError, match="修改意见"):
        bulletins.return_bulletin(b, "  ")
    bulletins.return_bulletin(b, "请补充数据")
    bulletins.save_draft(
        campaign,
        b.bureau_id,
        JULY,
        bulletins.BulletinData("七月简报（修改）", "补充"),
        author_id=None,
    )
    bulletins.submit(b, campaign, now=local(2017, 7, 28, 9))
    assert b.status == "submitted" and not b.is_late and b.title == "七月简报（修改）"


def test_submitted_bulletin_cannot_be_edited(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 1, 9))
    with pytest.raises(bulletins.BulletinConflict, match="不能再修改"):
        _draft(campaign, b.bureau_id)


def test_month_outside_the_bulletin_months_is_refused(demo_people, campaign, bureau):
    with pytest.raises(bulletins.BulletinError, match="不在本活动的简报月份内"):
        _draft(campaign, bureau("441402").id, period=date(2018, 1, 1))


def test_board_states_and_timeliness(demo_people, campaign, bureau):
    s = schedule.settings_for(campaign)
    schedule.save_settings(
        campaign, schedule.SettingsData(20, True, date(2017, 6, 1), date(2017, 7, 1), s.summary_due)
    )
    meijiang, meixian, dabu = bureau("441402").id, bureau("441403").id, bureau("441422").id
    for month, when in ((6, local(2017, 6, 10, 9)), (7, local(2017, 7, 25, 9))):
        bulletins.submit(_draft(campaign, meijiang, date(2017, month, 1)), campaign, now=when)
    returned = _draft(campaign, meixian, date(2017, 6, 1))
    bulletins.submit(returned, campaign, now=local(2017, 6, 1, 9))
    bulletins.return_bulletin(returned, "补充")
    _draft(campaign, dabu, date(2017, 7, 1))
    months, rows = bulletins.board(campaign, date(2017, 7, 10))
    grid = {b.id: [c.state for c in cells] for b, cells in rows}
    assert grid[meijiang] == ["on_time", "late"]
    assert grid[meixian] == ["returned", "pending"]
    assert grid[dabu] == ["missing", "draft"]
    measure = bulletins.bulletin_timeliness(campaign.id, today=date(2017, 8, 1))
    assert measure[meijiang] == 0.75 and measure[meixian] == 0.0 and measure[dabu] == 0.0
    assert len(measure) == 8 and all(0 <= v <= 1 for v in measure.values())


def test_timeliness_is_not_due_before_anything_is_due(demo_people, campaign):
    measure = bulletins.bulletin_timeliness(campaign.id, today=date(2017, 6, 1))
    assert set(measure.values()) == {None}
    assert bulletins.bulletin_timeliness(99999) == {}
