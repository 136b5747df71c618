"""Done-when, in a browser: with demo data the city traces every score to ledger lines, each county
admin nominates, and the city selects the three recommendations and downloads the forms."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from lianbing.accounts import demo as accounts_demo
from lianbing.campaign import demo as campaign_demo
from lianbing.campaign import services as campaigns
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.rankings import demo as rankings_demo
from lianbing.rankings import rules


@pytest.fixture
def demo(app):
    accounts_demo.load()
    campaign = campaign_demo.load_past()  # the 2017 campaign with every officer's results
    campaigns.activate_campaign(campaign)
    rankings_demo.load_past(campaign)
    # 2017's own deadline (10/8) is long past: nominations open a month ahead, as in conftest.py
    rules.settings_for(campaign.id, create=True).nomination_deadline = utcnow() + timedelta(days=30)
    db.session.commit()
    return campaign


def _page(browser, base, login_page, username):
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm step before a submit
    login_page(page, base, username)
    return page


def _numbers(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr.*?</tr>", body, re.S)
    ]


def _check_trace(page, base, url: str) -> None:
    """The officer page's ledger lines add up to the earned and available points of each kind."""
    html = page.request.get(base + url).text()
    earned = {}
    body = re.search(r'<table[^>]*id="ledger".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    for kind, row in re.findall(r'<tr[^>]*data-kind="([^"]+)"[^>]*>(.*?)</tr>', body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)  # time, item, points, max
        earned.setdefault(kind, [0.0, 0.0])
        earned[kind][0] += float(cells[2])
        earned[kind][1] += float(cells[3])
    missed = {}
    for label, top in re.findall(
        r'<li class="list-group-item[^"]*"><span>([^：<]+)：.*?</span><span>0 / ([\d.]+)', html
    ):
        missed[label] = missed.get(label, 0.0) + float(top)
    for cells in _numbers(html, "kind-lines"):
        label, got, available = cells[0], float(cells[2]), float(cells[3])
        lines = earned.get(label, [0.0, 0.0])
        assert got == pytest.approx(lines[0], abs=0.1), (url, label)
        assert available == pytest.approx(lines[1] + missed.get(label, 0.0), abs=0.1), (url, label)


def _city_traces_every_score(city, live_server) -> None:
    city.goto(f"{live_server}/scores/rankings")
    links = city.locator("#ranking tbody a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(links) == 40
    for url in links:
        _check_trace(city, live_server, url)
    with city.expect_navigation():
        city.locator("#ranking tbody a").first.click()
    assert city.locator("#ledger tbody tr").count() > 5


def _county_admins_nominate(browser, live_server, login_page) -> None:
    """Each county admin nominates the best-ranked officer of the county."""
    for _name, short, code in accounts_demo.COUNTIES:
        admin = _page(browser, live_server, login_page, f"admin_{code}")
        admin.goto(f"{live_server}/scores/rankings")
        best = admin.locator(
            "#ranking tbody tr", has=admin.locator(".badge.bg-success")
        ).first.get_attribute("data-user")
        admin.goto(f"{live_server}/scores/nominations")
        admin.select_option("#user_id", best)
        admin.fill("#justification", f"{short}推荐：多次参加交叉检查，笔录规范。")
        admin.check("#confirm")
        with admin.expect_navigation():
            admin.click("#nomination-form button[type=submit]")
        assert "提名已提交" in admin.content()
        admin.context.close()


def _city_approves_nominations(city, live_server) -> None:
    city.goto(f"{live_server}/scores/nominations")
    assert city.locator("#nominations tbody tr").count() == 8
    for _ in range(8):
        row = city.locator("#nominations tbody tr", has=city.locator("button", has_text="通过"))
        with city.expect_navigation():
            row.first.locator("button", has_text="通过").click()
        assert "已通过该提名" in city.content()


def _city_recommends_three(city, live_server) -> None:
    city.goto(f"{live_server}/scores/recommendations")
    nominees = city.locator("#target option[value^=n]").evaluate_all("els => els.map(e => e.value)")
    for category, target in (
        (
            "county_collective",
            city.locator("#target option[value^=b]").first.get_attribute("value"),
        ),
        ("city_individual", nominees[0]),
        ("county_individual", nominees[1]),
    ):
        city.select_option("#category", category)
        city.select_option("#target", target)
        city.fill(
            "#statement", "全局开展交叉检查十二次。" if category == "county_collective" else ""
        )
        with city.expect_navigation():
            city.click("#recommend-form button[type=submit]")
        assert "已加入推荐名单" in city.content()
    assert city.locator("#recommendations tbody tr").count() == 3


def _city_downloads_forms(city) -> None:
    with city.expect_download() as got:
        city.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(open(got.value.path(), "rb").read())).active
    assert sheet.max_row == 4
    with city.expect_download() as got:
        city.click("#export-docx")
    doc = Document(io.BytesIO(open(got.value.path(), "rb").read()))
    assert "县级集体" in "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    with city.expect_download() as got:
        city.locator("#recommendations a", has_text="Word").first.click()
    assert "先进个人推荐表" in Document(got.value.path()).paragraphs[0].text


def test_city_ranking_traced_nominations_and_recommendations(
    browser, live_server, login_page, demo
):
    city = _page(browser, live_server, login_page, "city_admin")
    _city_traces_every_score(city, live_server)
    _county_admins_nominate(browser, live_server, login_page)
    _city_approves_nominations(city, live_server)
    _city_recommends_three(city, live_server)
    _city_downloads_forms(city)
