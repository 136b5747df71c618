"""Done-when, in a browser, on the demo: a skipped competition, lecture and drill round count 0;
the city closes the campaign and a late result is refused; each county nominates; one person
cannot fill two slots; the city recommends a collective with its 事迹, a city-level and a
county-level individual; the Word and Excel forms are A4 and show the snapshot's numbers."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from lianbing import host
from lianbing.accounts import demo as accounts_demo
from lianbing.campaign import demo as campaign_demo
from lianbing.campaign import services as campaigns
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import SELF_INSPECTION
from lianbing.dbtypes import LOCAL_TZ, utcnow
from lianbing.extensions import db
from lianbing.ledger.services import record
from lianbing.rankings import demo as rankings_demo
from lianbing.rankings import rules
from training.lectures import services as lectures

COUNTY = "441403"
WHEN = datetime(2017, 9, 1, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def demo(app, make_user):
    accounts_demo.load()
    campaign = campaign_demo.load_past()  # the 2017 plan, played through to its end
    campaigns.activate_campaign(campaign)
    rankings_demo.load_past(campaign)
    # 2017's own deadline (10/8) is long past: nominations open a month ahead, as in conftest.py
    rules.settings_for(campaign.id, create=True).nomination_deadline = utcnow() + timedelta(days=30)
    db.session.commit()
    trio = [
        make_user(bureau_code=COUNTY, username=f"plan_{i}", display_name=name)
        for i, name in enumerate(("全勤甲", "缺课乙", "同事丙"))
    ]
    make_user(bureau_code="441400", username="plan_city", display_name="市局科员丁")
    return campaign, trio


def _publish_and_take(campaign, trio) -> None:
    """A city competition (declared as the quiz part does on publishing) and a county lecture
    (declared by the training part when scheduled); 乙 takes only the quiz, scoring highest."""
    full, skipper, colleague = trio
    host.declare_expected(
        campaign.id, "competition", "quiz:9001", "全市执法知识竞赛", 100, WHEN + timedelta(days=1)
    )
    admin = db.session.scalar(db.select(host.User).where(host.User.username == f"admin_{COUNTY}"))
    lecture = lectures.create_lecture(
        admin,
        lectures.LectureData(
            "固体废物执法讲座",
            "lecture",
            WHEN,
            WHEN + timedelta(minutes=90),
            "会议室",
            "张科长",
            admin.bureau_id,
        ),
    )
    for officer, quiz, competition in ((full, 80, 70), (skipper, 95, None), (colleague, 75, 60)):
        record(officer.id, campaign.id, "quiz", "quiz:9000", quiz, 100, WHEN, title="季度测验")
        if competition is not None:
            record(officer.id, campaign.id, "competition", "quiz:9001", competition, 100, WHEN)
            lectures.record_attendance(officer, lecture, WHEN)
    _drill_round(campaign, trio)
    staff = db.session.scalar(db.select(host.User).where(host.User.username == "plan_city"))
    record(
        staff.id, campaign.id, "record_exercise", "exercise:9002", 26, 30, WHEN, title="询问笔录"
    )
    db.session.commit()


def _drill_round(campaign, trio) -> None:
    """A self-inspection round (closed 2017-07-15): 甲 and 丙's team reports and is awarded,
    乙's team files nothing, so 乙 missed the round."""
    full, skipper, colleague = trio
    county = full.bureau_id
    round_ = drills.create_round(
        campaign, SELF_INSPECTION, "自查演练", date(2017, 6, 15), date(2017, 7, 15)
    )
    team = drills.create_team(round_, "一组", county, county, [full.id, colleague.id])
    drills.create_team(round_, "二组", county, county, [skipper.id])
    data = drills.ReportData("某陶瓷厂", round_.start_date, "废气收集设施未运行", 2)
    filed = datetime(2017, 6, 15, 18, 0, tzinfo=LOCAL_TZ)
    drills.award(drills.file_report(team, data, user_id=full.id, now=filed), 8, 10)


def _page(browser, base, login_page, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on(
        "dialog", lambda dialog: dialog.accept()
    )  # the confirm step before irreversible submits
    login_page(page, base, username)
    return page


def _download(page, selector) -> bytes:
    with page.expect_download() as got:
        page.locator(selector).first.click()
    return open(got.value.path(), "rb").read()


def _a4(data: bytes) -> Document:
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    return doc


def _cells(doc: Document) -> list[str]:
    return [c.text for t in doc.tables for r in t.rows for c in r.cells]


def _city_sees_expected(city, base, full, skipper) -> None:
    city.goto(f"{base}/scores/officer/{skipper.id}")
    assert (
        city.locator('#expected-activities tr[data-ref="quiz:9001"] .badge').inner_text()
        == "未参加"
    )
    assert city.locator("#expected-activities tr[data-status=missed]").count() >= 3
    assert _drill(city) == ("未参加", "0.0", "10.0", "0.0%")  # the missed round: 0 of 10
    skipper_rank = int(city.locator("#city-rank").inner_text().split("/")[0])
    city.goto(f"{base}/scores/officer/{full.id}")
    assert (
        city.locator('#expected-activities tr[data-ref="quiz:9001"] .badge').inner_text()
        == "已完成"
    )
    assert _drill(city) == ("已完成", "8.0", "10.0", "80.0%")
    assert int(city.locator("#city-rank").inner_text().split("/")[0]) < skipper_rank


def _drill(page) -> tuple[str, ...]:
    """The drill round's line on an officer's page, and the drill kind's earned points,
    available points and share."""
    row = page.locator('#expected-activities tr[data-ref^="drill_round:"]')
    kind = page.locator("#kind-lines tr[data-kind=award] td")
    return (row.locator(".badge").inner_text(), *(kind.nth(i).inner_text() for i in (2, 3, 4)))


def _city_closes(city, base, campaign, full) -> None:
    city.goto(f"{base}/scores/close")
    city.check("#confirm")
    city.click("#close-form button[type=submit]")
    _says(city, "练兵活动已结束")
    with pytest.raises(host.Conflict, match="已结束"):
        record(full.id, campaign.id, "quiz", "quiz:late", 100, 100, utcnow())
    db.session.rollback()


def _counties_nominate(browser, base, login_page) -> None:
    for _name, _short, code in accounts_demo.COUNTIES:
        admin = _page(browser, base, login_page, f"admin_{code}")
        admin.goto(f"{base}/scores/rankings")
        best = admin.locator(
            "#ranking tbody tr", has=admin.locator(".badge.bg-success")
        ).first.get_attribute("data-user")
        admin.goto(f"{base}/scores/nominations")
        admin.select_option("#user_id", best)
        admin.fill("#justification", "多次参加交叉检查，笔录规范。")
        admin.check("#confirm")
        admin.click("#nomination-form button[type=submit]")
        _says(admin, "提名已提交")
        assert admin.locator("#quota-used").is_visible()
        assert admin.locator("#nomination-form").count() == 0
        admin.context.close()


def _city_nominates_and_approves(city, base) -> dict[str, str]:
    """The city nominates its own staff, approves all nine; returns name -> shown composite."""
    city.goto(f"{base}/scores/nominations")
    staff = city.locator("#user_id option", has_text="市局科员丁").get_attribute("value")
    city.select_option("#user_id", staff)
    city.fill("#justification", "牵头组织全市交叉检查。")
    city.check("#confirm")
    city.click("#nomination-form button[type=submit]")
    _says(city, "提名已提交")
    for _ in range(9):
        city.locator(
            "#nominations tbody tr", has=city.locator("button", has_text="通过")
        ).first.locator("button", has_text="通过").click()
        _says(city, "已通过该提名")
    return {
        row.locator("td").nth(1).inner_text(): row.locator(".snap-composite").inner_text()
        for row in city.locator("#nominations tbody tr").all()
    }


def _city_recommends(city, base) -> list[str]:
    """One person cannot fill two slots; returns the composites shown for the three kept."""
    city.goto(f"{base}/scores/recommendations")
    county_nominee = city.locator(
        "#target option[value^=n]", has_not_text="市局科员丁"
    ).first.get_attribute("value")
    staff_nominee = city.locator("#target option", has_text="市局科员丁").get_attribute("value")
    _recommend(city, "city_individual", county_nominee)
    _recommend(city, "county_individual", county_nominee)
    _says(city, "同一人不能同时占用两个推荐名额")
    assert "市级先进个人" in city.locator(".alert-danger").inner_text()
    city.goto(f"{base}/scores/recommendations")
    city.locator("#recommendations form button").first.click()  # take the county officer off
    _recommend(city, "city_individual", staff_nominee)
    _recommend(city, "county_individual", county_nominee)
    collective = city.locator("#target option[value^=b]").first.get_attribute("value")
    _recommend(city, "county_collective", collective, "全局开展交叉检查十二次，立案查处三十件。")
    assert city.locator("#recommendations tbody tr").count() == 3
    return [c.strip() for c in city.locator(".rec-composite").all_inner_texts()]


def _assert_exports(city, on_screen: list[str], shown: dict[str, str]) -> None:
    sheet = load_workbook(io.BytesIO(_download(city, "#export-xlsx"))).active
    exported = [str(r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(exported) == sorted(on_screen)
    doc = _a4(_download(city, "#export-docx"))
    cells = _cells(doc)
    assert all(value in cells for value in on_screen)
    assert "全局开展交叉检查十二次，立案查处三十件。" in cells

    form = _a4(_download(city, "#recommendations a:has-text('Word')"))
    summary = dict((r.cells[0].text, r.cells[1].text) for r in form.tables[0].rows)
    name = summary["姓名"]
    assert ["综合得分", shown[name]] in [[c.text for c in r.cells] for r in form.tables[0].rows]
    book = load_workbook(io.BytesIO(_download(city, "#recommendations a:has-text('Excel')")))
    assert ["综合得分", shown[name]] in [
        list(r) for r in book["基本情况"].iter_rows(values_only=True)
    ]
    assert re.fullmatch(r"\d+\.\d\d", shown[name])


def test_the_plan_end_to_end(browser, live_server, login_page, demo):
    campaign, (full, skipper, _colleague) = demo
    _publish_and_take(campaign, demo[1])
    city = _page(browser, live_server, login_page, "city_admin")
    _city_sees_expected(city, live_server, full, skipper)
    _city_closes(city, live_server, campaign, full)
    _counties_nominate(browser, live_server, login_page)
    shown = _city_nominates_and_approves(city, live_server)
    on_screen = _city_recommends(city, live_server)
    _assert_exports(city, on_screen, shown)


def _says(page, text: str) -> None:
    """Wait for the page (after a form's redirect) to show the text."""
    page.get_by_text(text).first.wait_for(timeout=10_000)


def _recommend(page, category: str, target: str, statement: str = "") -> None:
    page.select_option("#category", category)
    page.select_option("#target", target)
    page.fill("#statement", statement)
    page.click("#recommend-form button[type=submit]")
