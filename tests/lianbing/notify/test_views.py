"""The notification centre: the bell, the list, marking read, settings, robots, failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.notify.cli import run_once
from lianbing.notify.models import PENDING, Delivery, Notification, NotifyPrefs, Robot


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def _notify(user, key, title="测试通知", link="/home"):
    row = Notification(user_id=user.id, event_key=key, title=title, body="正文", link=link)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_bell_shows_the_unread_count_on_every_page(client, auth, make_user):
    user = make_user("officer")
    for n in range(3):
        _notify(user, f"k{n}")
    auth.login(user.username)
    for url in ("/home", "/notify/", "/rankings/mine"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="notify-count">3<' in page, url


def test_marking_one_and_then_all_read_empties_the_bell(client, auth, make_user):
    user = make_user("officer")
    first = _notify(user, "a", "第一条")
    _notify(user, "b", "第二条")
    auth.login(user.username)

    client.post(f"/notify/{first.id}/read")
    assert 'id="notify-count">1<' in client.get("/notify/").get_data(as_text=True)
    client.post("/notify/read-all")
    page = client.get("/notify/").get_data(as_text=True)
    assert "notify-count" not in page
    assert "第一条" in page and "第二条" in page


def test_nobody_reads_someone_elses_notification(client, auth, make_user):
    owner, other = make_user("officer"), make_user("officer")
    row = _notify(owner, "a")
    auth.login(other.username)
    assert client.post(f"/notify/{row.id}/read").status_code == 403
    db.session.refresh(row)
    assert row.read_at is None


def test_settings_keep_the_address_and_the_channels(client, auth, make_user):
    user = make_user("officer")
    auth.login(user.username)
    r = client.post("/notify/settings", data={"email": "me@county.example", "digest": "y"})
    assert r.status_code == 302
    db.session.refresh(user)
    prefs = db.session.get(NotifyPrefs, user.id)
    assert user.email == "me@county.example"
    assert (prefs.email_on, prefs.digest) == (False, True)

    bad = client.post("/notify/settings", data={"email": "not-an-address", "email_on": "y"})
    assert bad.status_code == 400
    assert "格式不正确" in bad.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "me@county.example"


def test_the_city_admin_configures_robots_and_a_county_admin_may_not(client, auth, make_user):
    city = make_user("city_admin", "441400")
    county = make_user("bureau_admin", "441402")
    auth.login(county.username)
    assert client.get("/notify/robots").status_code == 403
    auth.logout()
    auth.login(city.username)
    r = client.post(
        "/notify/robots",
        data={"bureau": county.bureau_id, "kind": "dingtalk", "url": "https://oapi.dingtalk.com/x"},
    )
    assert r.status_code == 302
    robot = db.session.scalar(select(Robot))
    assert (robot.bureau_id, robot.kind, robot.active) == (county.bureau_id, "dingtalk", True)
    client.post(f"/notify/robots/{robot.id}/toggle")
    db.session.refresh(robot)
    assert robot.active is False
    bad = client.post(
        "/notify/robots", data={"bureau": county.bureau_id, "kind": "wecom", "url": "ftp://x"}
    )
    assert bad.status_code == 400


def test_failures_are_listed_with_their_reason_and_can_be_requeued(
    client, auth, campaign, make_user, smtp_server, three_days_before
):
    city = make_user("city_admin", "441400")
    admin = make_user("bureau_admin", "441402")
    admin.email = "admin@county.example"
    db.session.commit()
    smtp_server.refuse = True
    run_once(three_days_before)

    auth.login(city.username)
    page = client.get("/notify/failures").get_data(as_text=True)
    assert "admin@county.example" in page and "550" in page and "等待重试" in page
    row = db.session.scalar(select(Delivery))
    row.next_try_at = utcnow() + timedelta(days=1)
    db.session.commit()
    client.post(f"/notify/failures/{row.id}/retry")
    db.session.refresh(row)
    assert row.status == PENDING and row.next_try_at <= utcnow()
    assert len(smtp_server.messages) == 0  # the page only re-queues; the command sends

    smtp_server.refuse = False
    run_once(utcnow())
    assert len(smtp_server.to("admin@county.example")) == 1
    assert "admin@county.example" not in client.get("/notify/failures").get_data(as_text=True)
