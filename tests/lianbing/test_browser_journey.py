"""The Done-when journey in a real browser: demo data, city_admin, the roster, the weights.

The app under test has CSRF protection ON (as in production), unlike the other tests' app.
"""

import pytest

from lianbing.campaign.schedule import today_local

COUNTIES = ("梅江区", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县", "兴宁市")


@pytest.fixture
def site(csrf_site):
    """The demo served by a CSRF-protected app; the journeys need only its address."""
    return csrf_site[1]


def test_city_admin_sees_bureaus_and_people_and_edits_weights(browser, site, login_page):
    page = browser.new_page()
    login_page(page, site, "city_admin")
    page.click("nav >> text=人员")
    page.wait_for_url(f"{site}/roster")
    assert page.locator("#bureaus tbody tr").count() == 9
    for county in COUNTIES:
        assert page.locator("#bureaus", has_text=county).count() == 1
    assert page.locator("#users tbody tr").count() == 50
    assert page.locator("#users", has_text="officer_441481_5").is_visible()

    page.click("nav >> text=活动")
    page.click(f"text={today_local().year}年环境执法大练兵")  # the live one, not 2017's
    page.click("text=编辑权重")
    page.fill("input[name=w_quiz]", "35")
    page.fill("input[name=w_award]", "0")
    page.click("#weights-form button[type=submit]")
    page.wait_for_selector("text=权重已保存")
    quiz_row = page.locator("#weights tbody tr", has_text="测验")
    assert quiz_row.locator("td").nth(1).inner_text() == "35.0"
    award_row = page.locator("#weights tbody tr", has_text="实战练兵加分")
    assert award_row.locator("td").nth(1).inner_text() == "0.0"
    page.close()


def test_bad_login_shows_the_one_message(browser, site):
    page = browser.new_page()
    page.goto(f"{site}/login")
    page.fill("input[name=username]", "city_admin")
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator(".alert-danger", has_text="用户名或密码错误").is_visible()
    page.close()


def test_phone_sized_navbar_collapses(browser, site, login_page, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login_page(page, site, "city_admin")
    toggler = page.locator(".navbar-toggler")
    roster_link = page.locator("#mainNav >> text=人员")
    assert toggler.is_visible() and not roster_link.is_visible()
    page.screenshot(path=str(tmp_path / "home-390x844.png"), full_page=True)
    toggler.click()
    roster_link.wait_for(state="visible")
    context.close()
