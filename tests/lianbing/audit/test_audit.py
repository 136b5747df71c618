"""The audit log: the service and the city admin's filtered page."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.audit import services as audit
from lianbing.audit.models import AuditLog
from lianbing.extensions import db


def _id(model, **kw) -> int:
    return db.session.scalar(select(model.id).filter_by(**kw))


@pytest.fixture
def log(demo_people):
    """Three audit rows by different people, bureaus, days (besides the demo's user.create rows)."""
    admin, meixian = _id(User, username="city_admin"), _id(Bureau, code="441403")
    rows = [
        ("campaign.weights", "campaign", 1, admin, None, datetime(2017, 6, 1, 1, 0)),
        (
            "score.update",
            "score_entry",
            7,
            _id(User, username="trainer"),
            meixian,
            datetime(2017, 7, 2, 3, 0),
        ),
        # 2017-07-02 23:30 in Shanghai is 15:30 UTC the same day
        (
            "user.deactivate",
            "user",
            9999,
            _id(User, username="admin_441403"),
            meixian,
            datetime(2017, 7, 2, 15, 30),
        ),
    ]
    for action, target_type, target_id, actor, bureau, at in rows:
        row = audit.write(
            action,
            target_type,
            target_id,
            actor_id=actor,
            bureau_id=bureau,
            old={"v": 1},
            new={"v": 2},
            reason="测试",
        )
        row.at = at.replace(tzinfo=timezone.utc)
    db.session.commit()


def _actions(client, **params) -> list[str]:
    page = client.get("/audit/", query_string=params).get_data(as_text=True)
    body = page.split('id="audit"')[1]
    return [part.split('"')[0] for part in body.split('data-action="')[1:]]


@pytest.fixture
def city(client, auth, demo_people):
    auth.login("city_admin")
    return client


def test_write_keeps_who_what_old_new_and_why(log):
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "score.update"))
    assert (row.target_type, row.target_id, row.old, row.new, row.reason) == (
        "score_entry",
        "7",
        {"v": 1},
        {"v": 2},
        "测试",
    )
    assert row.actor.username == "trainer"


def test_filter_by_action(city, log):
    assert _actions(city, action="score.update") == ["score.update"]


def test_filter_by_actor(city, log):
    assert _actions(city, actor="admin_441403") == ["user.deactivate"]
    assert _actions(city, actor="nobody") == []


def test_filter_by_bureau(city, log):
    in_meixian = _actions(city, bureau=_id(Bureau, code="441403"))
    # newest first: the demo's creation of the bureau's admin and five officers happened today
    assert in_meixian == ["user.create"] * 6 + ["user.deactivate", "score.update"]
    assert _actions(city, bureau=_id(Bureau, code="441403"), action="score") == ["score.update"]


def test_filter_by_target(city, log):
    assert _actions(city, target_type="user", target_id="9999") == ["user.deactivate"]


def test_filter_by_local_days(city, log):
    assert _actions(city, since="2017-07-02", until="2017-07-02") == [
        "user.deactivate",
        "score.update",
    ]
    assert _actions(city, since="2017-06-01", until="2017-06-30") == ["campaign.weights"]


def test_bad_date_is_ignored_not_a_crash(city, log):
    r = city.get("/audit/", query_string={"since": "not-a-date"})
    assert r.status_code == 200


def test_page_is_paged_and_keeps_filters(city, log):
    # 50 demo users created, the admin's login and 1 deactivation: 52 rows, 50 a page
    first = _actions(city, target_type="user")
    page = city.get("/audit/", query_string={"target_type": "user"}).get_data(as_text=True)
    assert len(first) == 50 and "target_type=user" in page and "page=2" in page
    # the two oldest: the first demo user's creation and the 2017 deactivation
    assert _actions(city, target_type="user", page=2) == ["user.create", "user.deactivate"]
