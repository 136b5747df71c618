"""Done-when, the summary step, in a browser: a county writes a section of its summary and
submits it; the city returns it with a comment; the county sees the notice and the comment;
the city downloads the city's report as Word and Excel."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from lianbing.dbtypes import utcnow
from lianbing.notify.cli import run_once

TEXT = "梅江区组织执法人员参加知识竞赛两场。"
COMMENT = "请补充交叉检查发现问题的整改情况。"


def _page(browser, base: str, login_page, username: str):
    page = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = page.new_page()
    login_page(page, base, username)
    return page


def _county_writes_and_submits(page, base: str) -> None:
    page.goto(f"{base}/report/")
    assert "梅江区" in page.locator("h1").inner_text()
    assert "66.7" in page.locator("#report-figures").inner_text()
    page.fill("#overview", TEXT)
    with page.expect_navigation():
        page.click("#sections-form button[type=submit]")
    assert "总结已保存" in page.content()
    with page.expect_navigation():
        page.click("button:has-text('提交总结')")
    assert "已提交" in page.locator("#report-state").inner_text()


def _city_returns(page, base: str, campaign_id: int) -> None:
    page.goto(f"{base}/report/{campaign_id}")
    with page.expect_navigation():
        page.click("#report-list a:has-text('梅江区')")
    assert TEXT in page.content()
    page.fill("#comment", COMMENT)
    with page.expect_navigation():
        page.click("button:has-text('退回修改')")
    assert "已退回" in page.locator("#report-state").inner_text()


def _county_sees_the_notice(page, base: str) -> None:
    page.goto(f"{base}/home")
    assert page.locator("#notify-count").inner_text() == "1"
    page.goto(f"{base}/notify/")
    assert "报省总结被市局退回" in page.locator("#notifications").inner_text()
    with page.expect_navigation():
        page.click("#notifications a:has-text('报省总结被市局退回')")
    assert COMMENT in page.locator("#return-comment").inner_text()
    assert page.locator("button:has-text('重新提交')").count() == 1


def _city_downloads(page, base: str, campaign_id: int) -> None:
    page.goto(f"{base}/report/{campaign_id}")
    with page.expect_download() as word:
        page.click("a:has-text('导出全市 Word')")
    doc = Document(word.value.path())
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"梅江区", "66.7", "75.0"} <= cells
    with page.expect_download() as excel:
        page.click("a:has-text('导出全市 Excel')")
    with open(excel.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert "各县对比" in book.sheetnames


def test_summary_returned_and_downloaded(browser, live_server, login_page, seeded):
    county = _page(browser, live_server, login_page, "admin_441402")
    _county_writes_and_submits(county, live_server)
    city = _page(browser, live_server, login_page, "city_admin")
    _city_returns(city, live_server, seeded.campaign.id)
    run_once(utcnow())
    _county_sees_the_notice(county, live_server)
    _city_downloads(city, live_server, seeded.campaign.id)
