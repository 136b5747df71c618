"""The ledger's page through the test client: the city declares expected activities."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import SELF_INSPECTION
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity

USERS = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}


@pytest.mark.parametrize("role", list(USERS))
def test_expected_page_is_for_the_city_only(client, auth, people, campaign, role):
    auth.login(USERS[role])
    assert client.get("/scores/expected").status_code == (200 if role == "city_admin" else 403)


@pytest.fixture
def drill_round(campaign):
    """A real activity to expect: a self-inspection round of the campaign."""
    row = drills.create_round(
        campaign, SELF_INSPECTION, "全市自查", campaign.start_date, campaign.end_date
    )
    db.session.commit()
    return row


def _declare(client, activity: str, bureau_id: int = 0, max_points: str = "10"):
    return client.post(
        "/scores/expected",
        data={
            "activity": activity,
            "max_points": max_points,
            "closes_at": "2017-09-30T23:59",
            "bureau_id": bureau_id,
        },
    )


def test_the_form_offers_activities_by_name(client, auth, people, campaign, drill_round):
    auth.login("city_admin")
    page = client.get("/scores/expected").get_data(as_text=True)
    option = re.search(r'<option[^>]*value="award:drill_round:\d+"[^>]*>([^<]*)<', page)
    assert option and option.group(1) == "实战练兵加分：全市自查"
    assert "quiz:12" not in page and "编号" not in page


def test_city_declares_an_expected_activity_for_one_bureau(
    client, auth, people, campaign, audits, drill_round
):
    auth.login("city_admin")
    bureau_id = people["officer_441403_1"].bureau_id
    r = _declare(client, f"award:drill_round:{drill_round.id}", bureau_id)
    assert r.status_code == 302
    row = db.session.scalar(select(ExpectedActivity))
    assert (row.kind, row.ref, row.title, row.audience) == (
        "award",
        f"drill_round:{drill_round.id}",
        "全市自查",
        "bureaus",
    )
    assert [m.bureau_id for m in row.members] == [bureau_id]
    assert audits("expected.declare") == 1 and "全市自查" in client.get(
        "/scores/expected"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "activity", ["quiz:quiz:12", "award:drill_round:999999", "award:drill_round", "quiz:12", ""]
)
def test_an_unknown_activity_is_refused_and_nothing_changes(
    client, auth, people, campaign, audits, drill_round, activity
):
    auth.login("city_admin")
    r = _declare(client, activity)
    assert r.status_code == 400
    assert ("没有这项活动" if activity else "请选择活动") in r.get_data(as_text=True)
    assert db.session.scalar(select(ExpectedActivity.id)) is None and audits("expected") == 0


def test_expected_activity_without_points_is_refused(
    client, auth, people, campaign, audits, drill_round
):
    auth.login("city_admin")
    r = _declare(client, f"award:drill_round:{drill_round.id}", max_points="0")
    assert r.status_code == 400 and "满分须大于 0" in r.get_data(as_text=True)
    assert db.session.scalar(select(ExpectedActivity.id)) is None and audits("expected") == 0
