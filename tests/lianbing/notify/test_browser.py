"""Done-when, in a browser: a competition opening and a bulletin due in three days become
in-app notices (the bell shows them), each e-mail reaches the local SMTP server once, and the
list page marks them read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lianbing.extensions import db
from lianbing.notify.cli import run_once


@pytest.fixture
def campaign(campaign_2017):
    """The reminders follow the 2017 plan's own calendar (its July bulletin)."""
    return campaign_2017


def test_notices_ring_the_bell_mail_once_and_are_marked_read(
    browser,
    live_server,
    login_page,
    campaign,
    make_user,
    make_competition,
    smtp_server,
    three_days_before,
):
    admin = make_user("bureau_admin", "441402", username="county_admin")
    officer = make_user("officer", "441402", username="county_officer")
    admin.email, officer.email = "admin@county.example", "officer@county.example"
    db.session.commit()
    make_competition(three_days_before)

    run_once(three_days_before)
    run_once(three_days_before + timedelta(hours=1))
    assert [m["Subject"] for m in smtp_server.to("admin@county.example")] == [
        "7月工作简报还有 3 天截止（07月20日）"
    ]
    assert [m["Subject"] for m in smtp_server.to("officer@county.example")] == [
        "知识竞赛开始了：生态环境法律知识竞赛"
    ]
    _officer_reads_on_phone(browser, live_server, login_page)
    _admin_marks_all_read(browser, live_server, login_page)


def _officer_reads_on_phone(browser, live_server, login_page):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, live_server, "county_officer")
    page.click(".navbar-toggler")
    page.locator(".navbar-collapse.show").wait_for()
    assert page.locator("#notify-count").inner_text() == "1"
    with page.expect_navigation():
        page.click("#notify-bell")
    item = page.locator("#notifications li").first
    assert "知识竞赛开始了：生态环境法律知识竞赛" in item.inner_text()
    with page.expect_navigation():
        item.get_by_role("button", name="标为已读").click()
    assert page.locator("#notifications li[data-unread='1']").count() == 0
    assert page.locator("#notify-count").count() == 0


def _admin_marks_all_read(browser, live_server, login_page):
    desk = browser.new_context().new_page()
    login_page(desk, live_server, "county_admin")
    assert desk.locator("#notify-count").inner_text() == "1"
    with desk.expect_navigation():
        desk.click("#notify-bell")
    assert "7月工作简报还有 3 天截止" in desk.locator("#notifications").inner_text()
    with desk.expect_navigation():
        desk.get_by_role("button", name="全部标为已读").click()
    assert desk.locator("#notify-count").count() == 0
    assert "已将 1 条通知标为已读" in desk.content()
