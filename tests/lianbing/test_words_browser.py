"""In a browser: an officer's leaderboard on a phone; the formatting toolbar of long texts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.extensions import db

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scored_city(people, rec):
    for n, user in enumerate(
        db.session.scalars(select(User).where(User.role == "officer").order_by(User.id))
    ):
        rec(user, "quiz", "quiz:1", 40 + n, minutes=n)
        rec(user, "record_exercise", "exercise:1", 20 + n % 7, 30, minutes=n)


def test_an_officer_sees_the_leaderboard_on_a_phone(browser, live_server, login_page, scored_city):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login_page(page, live_server, "officer_441402_1")
    with page.expect_navigation():  # from the home page's recent scores
        page.click("main >> a:text-is('积分榜')")
    assert page.url.endswith("/scores/board")
    mine = page.locator("#bureau-board [aria-current=true]")
    assert mine.count() == 1 and "我" in mine.inner_text()
    assert page.locator("#city-board li").count() == 20
    standing = page.locator("#my-standing").inner_text()
    assert "全市" in standing and "第" in standing
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # no sideways scrolling
    score = page.locator("#city-board li").first.locator("span").last.bounding_box()
    assert score["x"] + score["width"] <= PHONE["width"]
    with page.expect_navigation():
        page.click("#board-kinds >> text=笔录练习")
    assert "kind=record_exercise" in page.url and "%" in page.locator("#city-board").inner_text()
    context.close()


def test_the_bulletin_editor_formats_without_markdown(
    browser, live_server, login_page, demo_people, campaign
):
    bureau = db.session.scalar(select(Bureau).where(Bureau.code == "441402"))
    start = campaign.start_date
    url = f"{live_server}/bulletins/{campaign.id}/{bureau.id}/{start.year}/{start.month}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login_page(page, live_server, "admin_441402")
    page.goto(url)
    assert "Markdown" not in page.locator("main").inner_text()
    page.fill("input[name=title]", "六月简报")
    area = page.locator("textarea[name=body]")
    area.fill("检查情况\n发现问题")
    area.evaluate("a => a.setSelectionRange(0, 4)")
    page.click(".md-toolbar >> text=标题")
    area.evaluate("a => a.setSelectionRange(a.value.indexOf('发现'), a.value.length)")
    page.click(".md-toolbar >> text=加粗")
    area.evaluate("a => a.setSelectionRange(a.value.length, a.value.length)")
    area.press("End")
    area.type("\n现场检查\n查封扣押")
    area.evaluate("a => a.setSelectionRange(a.value.indexOf('现场'), a.value.length)")
    page.click(".md-toolbar >> text=列表")
    assert area.input_value() == "## 检查情况\n**发现问题**\n\n- 现场检查\n- 查封扣押"
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('保存草稿')")
    shown = page.locator("main")
    assert shown.locator("h2:has-text('检查情况')").count() == 1
    assert shown.locator("strong:has-text('发现问题')").count() == 1
    assert shown.locator("li:has-text('查封扣押')").count() == 1
    context.close()
