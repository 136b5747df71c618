"""In a browser: the city creates next year's campaign from the current one (preview, the
confirmation, the browser's dialog), sees the template turn read-only, and opens the
year-over-year page of the new campaign."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.ledger.services import record


def _seed(campaign) -> None:
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    at = local_to_utc(datetime.combine(campaign.start_date + timedelta(days=3), time(9)))
    record(officer.id, campaign.id, "quiz", "quiz:1", 70, 100, at)
    db.session.commit()


def test_the_city_creates_next_year_and_opens_the_comparison(
    people, campaign, live_server, browser, login_page
):
    _seed(campaign)
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login_page(page, live_server, "city_admin")
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    with page.expect_navigation():
        page.click("#next-year-link")
    assert "以此为模板创建新一年活动" in page.inner_text("h1")
    assert page.locator("#next-year-stages tbody tr").count() == 7  # the span and six stages
    page.fill("input[name=name]", "下一年练兵活动")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("#next-year-form button[type=submit]")
    made = db.session.scalar(select(Campaign).where(Campaign.name == "下一年练兵活动"))
    assert made is not None and made.template_id == campaign.id
    assert page.url.endswith(f"/campaigns/{made.id}")
    assert "已创建“下一年练兵活动”" in page.inner_text("body")
    with page.expect_navigation():
        page.click("#yoy-link")
    assert "与上一届对比" in page.inner_text("h1")
    body = page.inner_text("body")
    assert "下一年练兵活动，对比 测试练兵活动" in body and "梅江区" in body
    assert page.locator("svg[role=img]").count() == 1
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    assert "往届活动" in page.inner_text("#campaign-read-only")
    assert page.locator("#next-year-link").count() == 0
    page.close()
