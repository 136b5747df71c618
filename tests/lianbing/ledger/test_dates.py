"""Results count only inside the campaign's dates (Beijing dates), refused and audited otherwise;
an audited city correction naming its reason may still write one."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.dbtypes import LOCAL_TZ
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.ledger.models import ScoreEntry


def _local(day, hour=0, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _refusals() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "score.refused")))


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ScoreEntry))


@pytest.fixture
def officer(make_user):
    return make_user("officer", bureau_code="441403")


def test_first_and_last_day_count_in_beijing_time(officer, campaign):
    # 00:10 Beijing on the first day is still the day before in UTC
    first = _local(campaign.start_date, 0, 10)
    last = _local(campaign.end_date, 23, 50)
    ledger.record(officer.id, campaign.id, "quiz", "q:first", 5, 10, first)
    ledger.record(officer.id, campaign.id, "quiz", "q:last", 5, 10, last)
    db.session.commit()
    assert _rows() == 2 and not _refusals()


@pytest.mark.parametrize(
    "when, word",
    [
        (lambda c: _local(c.start_date) - timedelta(minutes=1), "开始前"),
        (lambda c: _local(c.end_date + timedelta(days=1), 0, 0), "结束后"),
    ],
)
def test_a_result_outside_the_dates_is_refused_and_audited(officer, campaign, when, word):
    at = when(campaign)
    with pytest.raises(ledger.OutsideCampaign, match=word) as refused:
        ledger.record(officer.id, campaign.id, "quiz", "q:late", 5, 10, at, title="测验")
    assert refused.value.status == 409 and refused.value.keep
    message = str(refused.value)
    assert str(campaign.start_date) in message and str(campaign.end_date) in message
    assert "不计入" in message
    db.session.commit()  # what the request lifecycle does for a kept refusal
    assert _rows() == 0
    (row,) = _refusals()
    assert (row.target_type, row.target_id) == ("campaign", str(campaign.id))
    assert row.reason == message and row.new["ref"] == "q:late"


def test_an_existing_row_is_not_changed_by_a_late_result(officer, campaign):
    inside = _local(campaign.end_date, 10)
    ledger.record(officer.id, campaign.id, "quiz", "q:1", 6, 10, inside)
    db.session.commit()
    late = _local(campaign.end_date + timedelta(days=3), 10)
    with pytest.raises(ledger.OutsideCampaign):
        ledger.record(officer.id, campaign.id, "quiz", "q:1", 9, 10, late)
    db.session.commit()
    entry = db.session.scalar(select(ScoreEntry))
    assert (entry.points, entry.achieved_at) == (6, inside)


def test_a_city_correction_with_a_reason_may_write_outside_the_dates(officer, campaign):
    late = _local(campaign.end_date + timedelta(days=3), 10)
    with pytest.raises(ledger.OutsideCampaign):
        ledger.record(officer.id, campaign.id, "quiz", "q:1", 9, 10, late, correction=True)
    db.session.rollback()
    ledger.record(
        officer.id, campaign.id, "quiz", "q:1", 9, 10, late, correction=True, reason="补登纸质成绩"
    )
    db.session.commit()
    assert _rows() == 1
    audit = db.session.scalar(select(AuditLog).where(AuditLog.target_type == "score_entry"))
    assert audit.reason == "补登纸质成绩"


def test_outside_reason_for_pages(officer, campaign):
    assert ledger.outside_reason(campaign.id, _local(campaign.start_date, 9)) is None
    late = _local(campaign.end_date + timedelta(days=1), 9)
    assert "结束后" in ledger.outside_reason(campaign.id, late)
    assert ledger.outside_reason(None, late) is None


def test_a_result_without_a_zone_is_refused(officer, campaign):
    with pytest.raises(ledger.ScoreError, match="时区"):
        ledger.record(officer.id, campaign.id, "quiz", "q:1", 1, 10, datetime(2026, 1, 1))
