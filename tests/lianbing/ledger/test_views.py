"""The ledger's page through the test client: the city declares expected activities."""

from __future__ import annotations

import pytest
from sqlalchemy import select

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


def test_city_declares_an_expected_activity_for_one_bureau(client, auth, people, campaign, audits):
    auth.login("city_admin")
    bureau_id = people["officer_441403_1"].bureau_id
    r = client.post(
        "/scores/expected",
        data={
            "kind": "quiz",
            "ref": " quiz:12 ",
            "title": "专项测验",
            "max_points": "100",
            "closes_at": "2017-09-30T23:59",
            "bureau_id": bureau_id,
        },
    )
    assert r.status_code == 302
    row = db.session.scalar(select(ExpectedActivity))
    assert (row.ref, row.audience, [m.bureau_id for m in row.members]) == (
        "quiz:12",
        "bureaus",
        [bureau_id],
    )
    assert audits("expected.declare") == 1 and "专项测验" in client.get(
        "/scores/expected"
    ).get_data(as_text=True)


def test_expected_activity_without_points_is_refused(client, auth, people, campaign, audits):
    auth.login("city_admin")
    r = client.post(
        "/scores/expected",
        data={
            "kind": "quiz",
            "ref": "quiz:12",
            "max_points": "0",
            "closes_at": "2017-09-30T23:59",
            "bureau_id": 0,
        },
    )
    assert r.status_code == 400 and "满分须大于 0" in r.get_data(as_text=True)
    assert db.session.scalar(select(ExpectedActivity.id)) is None and audits("expected") == 0
