"""Done-when of the campaign year, in one browser session on one live app, with a real local
SMTP server and a local robot (webhook) receiver: a county admin builds a competition for its
officers; when it opens, `flask notify run` gives them an in-app notice and an e-mail; a bulletin
due in three days reminds the county admin, once; the county submits its summary, the city
returns it and the county sees the notice; the city downloads the prefilled report (Word and
Excel), issues certificates to the recommended, downloads them and a stranger verifies one; the
city creates next year's campaign from this one and opens the year-over-year page."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook
from sqlalchemy import select

from lianbing.campaign import schedule
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.notify.cli import run_once
from lianbing.rankings import nominations
from quizzes import services as bank_services
from quizzes.services import QuestionData

pypdf = pytest.importorskip("pypdf")

TITLE = "梅江区环境法律知识竞赛"
COMPETITION_OPEN = f"知识竞赛开始了：{TITLE}"
SUMMARY = "梅江区组织执法人员参加知识竞赛一场。"
COMMENT = "请补充竞赛成绩的分析。"
FMT = "%Y-%m-%dT%H:%M"
PHONE = {"width": 390, "height": 844}


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _run_time_and_due(campaign, now):
    """When `notify run` runs, and the bulletin due day three days on, stored as the campaign's
    operations settings (through the service: the settings page has its own tests). Due days
    stop at the 28th, so when three days on falls later the run moves to three days before the
    1st of next month."""
    due = to_local(now).date() + timedelta(days=3)
    if due.day > 28:
        shift = _first_of_next_month(due) - due
        now, due = now + shift, due + shift
    data = schedule.SettingsData(
        bulletin_due_day=due.day,
        accept_late=True,
        bulletin_from=campaign.start_date,
        bulletin_to=campaign.end_date,
        summary_due=campaign.end_date,  # far away: only the bulletin is due this week
    )
    schedule.save_settings(campaign, data)
    db.session.commit()
    return now, due


def _city_bank() -> None:
    bank = bank_services.create_bank("市局法律题库")
    bank_services.create_question(
        bank,
        QuestionData(
            qtype="truefalse",
            stem="排污单位应当依法取得排污许可证。",
            content={"answer": True},
            code="T0",
            category="法律",
        ),
    )
    db.session.commit()


def _emails(people) -> None:
    for name in ("admin_441402", "officer_441402_1", "officer_441403_1"):
        people[name].email = f"{name}@example.gov.cn"
    db.session.commit()


def _robot_titles(receiver) -> list[str]:
    """The titles the county's group robot was sent (each markdown message opens with one)."""
    return sorted(
        body["markdown"]["content"].splitlines()[0].removeprefix("### ")
        for _, body in receiver.posts
    )


def _page(browser, base: str, login_page, username: str, **context):
    page = browser.new_context(accept_downloads=True, **context).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login_page(page, base, username)
    return page


# --- the city's robot, the county's competition, the officer -----------------


def _city_adds_the_county_robot(city, base: str, url: str) -> None:
    city.goto(f"{base}/notify/robots")
    city.select_option("#bureau", label="梅江区")
    city.select_option("#kind", "wecom")
    city.fill("#url", url)
    with city.expect_navigation():
        city.click("main form:not([action]) button[type=submit]")
    assert "机器人已添加" in city.inner_text(".alert-success")


def _county_builds_competition(county, base: str, opens) -> None:
    county.goto(f"{base}/quizzes/manage/new")
    county.fill("#title", TITLE)
    county.select_option("#mode", "competition")
    county.fill("#opens_at", to_local(opens).strftime(FMT))
    county.fill("#closes_at", to_local(opens + timedelta(days=5)).strftime(FMT))
    assert county.locator("#audience_bureaus option").all_inner_texts() == ["梅江区"]
    with county.expect_navigation():
        county.click("button:has-text('保存')")
    county.select_option("#bank_id", label="市局法律题库")
    county.fill("#question_code", "T0")
    with county.expect_navigation():
        county.click("button:has-text('添加')")
    with county.expect_navigation():
        county.click("button:has-text('发布')")
    assert "已发布" in county.locator("h1").inner_text()


def _officer_sees_the_bell_and_plays(officer, base: str, mailed_link: str) -> None:
    """The bell counts the notice; the e-mail's link leads to the competition, which the
    officer takes."""
    officer.goto(f"{base}/home")
    assert officer.locator("#notify-count").inner_text() == "1"
    officer.goto(f"{base}/notify/")
    assert COMPETITION_OPEN in officer.locator("#notifications").inner_text()
    officer.goto(mailed_link)
    assert TITLE in officer.locator("h1").inner_text()
    with officer.expect_navigation():
        officer.click("button:has-text('开始答题')")
    officer.locator("#q1 input").first.check()
    officer.locator("#q1 .save-state", has_text="已保存").wait_for()
    with officer.expect_navigation():
        officer.click("#submit-btn")
    assert officer.url.endswith("/result")


# --- the summary, returned --------------------------------------------------


def _county_submits_summary(county, base: str) -> None:
    county.goto(f"{base}/report/")
    assert "梅江区" in county.locator("h1").inner_text()
    county.fill("#overview", SUMMARY)
    with county.expect_navigation():
        county.click("#sections-form button[type=submit]")
    with county.expect_navigation():
        county.click("button:has-text('提交总结')")
    assert "已提交" in county.locator("#report-state").inner_text()


def _city_returns_summary(city, base: str, campaign_id: int) -> None:
    city.goto(f"{base}/report/{campaign_id}")
    with city.expect_navigation():
        city.click("#report-list a:has-text('梅江区')")
    assert SUMMARY in city.content()
    city.fill("#comment", COMMENT)
    with city.expect_navigation():
        city.click("button:has-text('退回修改')")
    assert "已退回" in city.locator("#report-state").inner_text()


def _county_sees_the_return(county, base: str) -> None:
    """The bell, the notice's link to the summary with the city's comment; it resubmits."""
    county.goto(f"{base}/home")
    assert county.locator("#notify-count").inner_text() == "2"  # the reminder, the return
    county.goto(f"{base}/notify/")
    with county.expect_navigation():
        county.click("#notifications a:has-text('报省总结被市局退回')")
    assert COMMENT in county.locator("#return-comment").inner_text()
    with county.expect_navigation():
        county.click("button:has-text('重新提交')")
    assert "已提交" in county.locator("#report-state").inner_text()


# --- the report, the certificates, next year ---------------------------------


def _city_downloads_report(city, base: str, campaign_id: int) -> None:
    city.goto(f"{base}/report/{campaign_id}")
    with city.expect_download() as word:
        city.click("a:has-text('导出全市 Word')")
    doc = Document(word.value.path())
    section = doc.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    header = next(r for r in rows if r[:2] == ["项目", "全市"])  # the counties side by side
    meijiang = {r[0]: r[header.index("梅江区")] for r in rows if len(r) == len(header)}
    assert meijiang["执法人员（人）"] == "5"
    assert meijiang["自行组织竞赛（场）"] == "1"  # the competition it built
    assert meijiang["参赛人数（人）"] == "1"  # the officer who took it
    with city.expect_download() as excel:
        city.click("a:has-text('导出全市 Excel')")
    with open(excel.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    table = [list(r) for r in book["各县对比"].iter_rows(values_only=True)]
    column = table[0].index("梅江区")
    assert {r[1]: r[column] for r in table[1:]}["自行组织竞赛（场）"] == 1
    assert any(ws._charts for ws in book.worksheets)


def _recommend(campaign, people) -> None:
    """The county nominates the officer who took part, the city accepts and recommends him:
    through the services, as the nomination pages have their own browser tests."""
    officer = people["officer_441402_1"]
    nomination = nominations.nominate(
        campaign, officer.id, "竞赛中表现突出", people["admin_441402"]
    )
    nominations.decide(nomination, True, people["city_admin"])
    nominations.recommend(
        campaign.id, "county_individual", people["city_admin"], nomination_id=nomination.id
    )
    db.session.commit()


def _city_issues_certificates(city, base: str) -> tuple[str, str]:
    """Issues the recommended individual's certificate and downloads the zip: (verify link,
    serial)."""
    city.goto(f"{base}/certificates/issue?source=recommendation")
    assert city.locator("#candidates input[name=picks]:checked").count() == 1
    with city.expect_navigation():
        city.click("#issue-button")
    assert "已颁发 1 张证书" in city.inner_text(".alert-success")
    serial = city.locator("#certificates tr[data-serial]").first.get_attribute("data-serial")
    with city.expect_download() as got:
        city.click("#zip-link")
    with open(got.value.path(), "rb") as f:
        archive = zipfile.ZipFile(io.BytesIO(f.read()))
    [name] = archive.namelist()
    pdf = pypdf.PdfReader(io.BytesIO(archive.read(name)))
    box = pdf.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    text = pdf.pages[0].extract_text()
    assert serial in text
    href = city.locator(f"tr[data-serial='{serial}'] a.verify-link").get_attribute("href")
    assert f"{base}{href}" in text.replace("\n", "")  # the address printed beside the QR code
    return f"{base}{href}", serial


def _stranger_verifies(browser, url: str, serial: str) -> None:
    stranger = browser.new_page()  # no login
    stranger.goto(url)
    assert "该证书真实有效" in stranger.inner_text("#verify-result")
    assert serial in stranger.inner_text("#verify-details")
    stranger.close()


def _city_creates_next_year(city, base: str, campaign) -> None:
    city.goto(f"{base}/campaigns/{campaign.id}")
    with city.expect_navigation():
        city.click("#next-year-link")
    city.fill("input[name=name]", "下一年练兵活动")
    city.check("input[name=confirm]")
    with city.expect_navigation():
        city.click("#next-year-form button[type=submit]")
    made = db.session.scalar(select(Campaign).where(Campaign.name == "下一年练兵活动"))
    assert made is not None and made.template_id == campaign.id
    with city.expect_navigation():
        city.click("#yoy-link")
    assert "与上一届对比" in city.inner_text("h1")
    assert f"下一年练兵活动，对比 {campaign.name}" in city.inner_text("body")
    first = city.locator("#yoy-bureaus tbody tr").first
    assert first.locator("td").first.inner_text() == "梅江区"  # the only county with results
    with city.expect_navigation():
        first.locator("a").click()
    assert "梅江区" in city.inner_text("h1")
    lines = city.locator("#yoy-table tbody tr").all_inner_texts()
    assert any(line.startswith("参与率") and "20" in line for line in lines)
    people = city.locator("#yoy-people tbody tr").all_inner_texts()
    assert len(people) == 5 and any("100" in row for row in people)  # the one who took part


def _mail_and_robot_once(smtp_server, robot_receiver, base: str, due: date) -> str:
    """The county's officer got one e-mail, another county's none, the county admin one
    reminder, the county's robot each event once; the link in the officer's e-mail."""
    [mail] = smtp_server.to("officer_441402_1@example.gov.cn")
    assert mail["Subject"] == COMPETITION_OPEN
    link = mail.get_content().strip().splitlines()[-1]
    assert link.startswith(f"{base}/quizzes/")
    assert smtp_server.to("officer_441403_1@example.gov.cn") == []
    reminder = f"{due.month}月工作简报还有 3 天截止（{due:%m月%d日}）"
    assert [m["Subject"] for m in smtp_server.to("admin_441402@example.gov.cn")] == [reminder]
    assert _robot_titles(robot_receiver) == sorted([COMPETITION_OPEN, reminder])
    assert all(f"\n{base}/" in body["markdown"]["content"] for _, body in robot_receiver.posts)
    return link


def test_a_campaign_year_from_competition_to_next_year(
    app,
    monkeypatch,
    browser,
    live_server,
    login_page,
    people,
    campaign,
    smtp_server,
    robot_receiver,
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)  # links in mail, on PDFs
    _city_bank()
    _emails(people)
    now = utcnow().replace(second=0, microsecond=0)
    run_at, due = _run_time_and_due(campaign, now)

    city = _page(browser, live_server, login_page, "city_admin")
    _city_adds_the_county_robot(city, live_server, f"{robot_receiver.url}/wecom")
    county = _page(browser, live_server, login_page, "admin_441402", viewport=PHONE)
    _county_builds_competition(county, live_server, now - timedelta(minutes=5))

    run_once(run_at)
    run_once(run_at + timedelta(hours=1))  # a second run repeats nothing
    mailed_link = _mail_and_robot_once(smtp_server, robot_receiver, live_server, due)

    officer = _page(browser, live_server, login_page, "officer_441402_1", viewport=PHONE)
    _officer_sees_the_bell_and_plays(officer, live_server, mailed_link)

    _county_submits_summary(county, live_server)
    _city_returns_summary(city, live_server, campaign.id)
    run_once(run_at + timedelta(hours=2))
    _county_sees_the_return(county, live_server)
    assert "报省总结被市局退回" in _robot_titles(robot_receiver)

    _city_downloads_report(city, live_server, campaign.id)
    _recommend(campaign, people)
    url, serial = _city_issues_certificates(city, live_server)
    _stranger_verifies(browser, url, serial)
    _city_creates_next_year(city, live_server, campaign)
