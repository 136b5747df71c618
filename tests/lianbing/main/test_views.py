"""The home page's campaign block: the current stage, the next deadlines, each role's to-dos."""

from __future__ import annotations

from datetime import date

import pytest

from lianbing.campaign import schedule
from lianbing.extensions import db


@pytest.mark.parametrize("username", ["officer_441402_1", "trainer", "admin_441402", "city_admin"])
def test_home_shows_the_next_deadlines_for_every_role(client, auth, ops_demo, username):
    schedule.add_deadline(ops_demo, "远期截止事项", date(2099, 1, 1), "other")
    db.session.commit()
    auth.login(username)
    page = client.get("/home").get_data(as_text=True)
    assert 'id="ops-dashboard"' in page and "远期截止事项" in page


def test_home_shows_the_current_stage_once(client, auth, ops_demo):
    auth.login("officer_441402_1")
    page = client.get("/home").get_data(as_text=True)
    assert page.count("当前阶段") == 1 and ops_demo.name in page


@pytest.mark.parametrize(
    "username,text",
    [
        ("admin_441422", "1</span> 份简报被市局退回"),
        ("city_admin", "1</span> 篇专栏文章待审核"),
        ("officer_441402_1", "1</span> 个实战练兵检查组"),
    ],
)
def test_home_shows_each_roles_to_dos(client, auth, ops_demo, username, text):
    auth.login(username)
    assert text in client.get("/home").get_data(as_text=True)


def test_favicon_is_served_without_login(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


def test_every_page_has_a_skip_link_to_the_main_content(client, auth, make_user):
    make_user("officer", username="skip_officer")
    auth.login("skip_officer")
    page = client.get("/home").get_data(as_text=True)
    assert 'href="#main"' in page and 'id="main"' in page


@pytest.mark.parametrize(
    "username, shown", [("officer_441402_1", True), ("trainer", False), ("city_admin", False)]
)
def test_only_officers_are_offered_their_scores_on_the_home_page(
    client, auth, ops_demo, username, shown
):
    auth.login(username)
    page = client.get("/home").get_data(as_text=True)
    assert ("最近成绩" in page) is shown and (shown or "暂无成绩" not in page)
    assert ("我的成绩</a>" in page) is shown and ("积分榜</a>" in page) is shown
