"""The Done-when of the case-file review, in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from casestudies.casefiles.models import CaseFile, CaseResult, CaseReview
from lianbing.extensions import db

from .conftest import PDF, user

RECORD = """现场检查笔录
检查时间：2017年7月20日9时30分至10时45分
检查地点：工业园3号厂房电镀车间
被检查单位：某电镀公司
执法人员：李建华（执法证号：44140200011）、王志强（执法证号：44140200012）
现场检查情况：
执法人员出示执法证件，告知当事人有权申请回避，当事人表示不申请回避。
被检查人意见：以上笔录属实。
"""
COUNTIES = ("441402", "441403")
REVIEWERS = ("officer_441422_1", "officer_441423_1", "officer_441424_1")
LEADER = "officer_441426_1"


def _enter_cases(page, base, county, tmp_path):
    pdf = tmp_path / f"决定书{county}.pdf"
    pdf.write_bytes(PDF + county.encode())
    for n in range(1, 4):
        page.goto(f"{base}/casestudies/casefiles/new")
        page.fill("#case_no", f"环罚〔2017〕{county}-{n}号")
        page.select_option("#category", "general" if n < 3 else "seizure")
        page.fill("#party", f"某电镀公司{county}-{n}")
        page.fill("#filed_on", "2017-03-01")
        page.fill("#closed_on", "2017-06-30")
        page.select_option("#officer_ids", [str(user(f"officer_{county}_{n}").id)])
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=已保存")
        page.select_option("#doc_type", "decision")
        page.fill("#pages", "4")
        page.set_input_files("#file", str(pdf))
        page.click("button:has-text('上传')")
        page.wait_for_selector("#documents >> text=决定书")
        page.fill("#text", RECORD)
        page.click("button:has-text('保存并预评')")
        page.wait_for_selector("#pregrade-total")
        assert page.locator("mark.cs-good").count() > 0


def _set_up_city(page, base):
    page.goto(f"{base}/casestudies/casefiles/tables")
    page.click("button:has-text('创建演示评查表')")
    page.goto(f"{base}/casestudies/casefiles/pool")
    for name in (*REVIEWERS, LEADER):
        row = page.locator(f"tr[data-user={name}]")
        row.locator("input[value=review]").check()
        with page.expect_navigation():
            row.locator("button:has-text('保存')").click()
        assert page.locator(f"tr[data-user={name}] input[value=review]").is_checked()
    page.goto(f"{base}/casestudies/casefiles/groups")
    page.fill("#name", "第一评查组")
    page.select_option("#leader_id", str(user(LEADER).id))
    page.select_option("#member_ids", [str(user(n).id) for n in REVIEWERS])
    page.fill("#tolerance", "5")
    page.click("button:has-text('建立')")
    page.wait_for_selector("#groups >> text=第一评查组")


def _draw_and_assign(page, base):
    for county in COUNTIES:
        page.goto(f"{base}/casestudies/casefiles/selection")
        page.select_option("#bureau_id", str(user(f"admin_{county}").bureau_id))
        page.fill("#size", "1")
        page.fill("#seed", f"seed-{county}")
        with page.expect_navigation():
            page.click("button:has-text('抽取')")
        page.wait_for_selector(f"text=种子 seed-{county}")
    with page.expect_navigation():
        page.click("#assign")
    message = page.locator(".alert").first.inner_text()
    assert "已为 2 份案卷分配评查人员" in message, message


def _score(browser, base, login_page, review_id, reviewer_id, fill):
    context = browser.new_context()
    page = context.new_page()
    username = db.session.get(type(user(LEADER)), reviewer_id).username
    login_page(page, base, username)
    page.goto(f"{base}/casestudies/casefiles/reviews/{review_id}")
    fill(page)
    page.click("button:has-text('提交评查表')")
    page.wait_for_selector("text=评查表已提交")
    context.close()


def _counties_enter_files(browser, base, login_page, tmp_path):
    for county in COUNTIES:
        context = browser.new_context()
        page = context.new_page()
        login_page(page, base, f"admin_{county}")
        _enter_cases(page, base, county, tmp_path)
        context.close()


def _drawn_reviews():
    """The four reviews the draw made, none by the file's own county; grouped per file."""
    db.session.expire_all()
    reviews = db.session.scalars(select(CaseReview).order_by(CaseReview.id)).all()
    assert len(reviews) == 4
    files = sorted({r.case_file_id for r in reviews})
    for r in reviews:  # none from the file's county
        assert r.reviewer.bureau_id != r.case_file.bureau_id
    first, second = files
    one, two = [r for r in reviews if r.case_file_id == first]
    three, four = [r for r in reviews if r.case_file_id == second]
    return files, (one, two, three, four)


def _reviewers_score(browser, base, login_page, reviews):
    one, two, three, four = reviews
    _score(
        browser,
        base,
        login_page,
        one.id,
        one.reviewer_id,
        lambda p: p.fill("input[name=P7-points]", "12"),
    )
    _score(
        browser,
        base,
        login_page,
        two.id,
        two.reviewer_id,
        lambda p: (
            p.fill("input[name=P2-points]", "4"),
            p.fill("input[name=P2-comment]", "笔录缺少现场示意图"),
            p.fill("input[name=P2-page]", "12"),
        ),
    )

    def veto(p):
        p.check("input[name=S3-failed]")
        p.fill("input[name=S3-comment]", "无监测报告，超标事实无证据")

    _score(browser, base, login_page, three.id, three.reviewer_id, veto)
    _score(browser, base, login_page, four.id, four.reviewer_id, veto)


def _leader_reconciles(browser, base, login_page):
    """The pair that disagreed by more than 5 points goes to the leader."""
    leader = browser.new_context()
    lpage = leader.new_page()
    login_page(lpage, base, LEADER)
    lpage.goto(f"{base}/casestudies/casefiles/reviews")
    lpage.click("#to-reconcile a")
    lpage.fill("input[name=P2-points]", "8")
    lpage.click("button:has-text('确认裁定')")
    lpage.wait_for_selector("text=已裁定")
    leader.close()


def _assert_results(cpage, base, second):
    cpage.goto(f"{base}/casestudies/casefiles/results")
    county_rows = cpage.locator("#county-results tbody tr")
    assert county_rows.count() == 3  # two counties and the city
    failed = cpage.locator(
        f"#file-results tr[data-case='{db.session.get(CaseFile, second).case_no}']"
    )
    assert "不合格" in failed.inner_text() and "无监测报告" in failed.inner_text()
    assert "P7" in cpage.locator("#common-problems svg").inner_html()
    assert "P2" in cpage.locator("#common-problems svg").inner_html()


def _assert_officer_lines(browser, base, login_page, files):
    db.session.expire_all()
    for case_id in files:  # each handling officer has a case_file line for the file
        case = db.session.get(CaseFile, case_id)
        opage = browser.new_context().new_page()
        login_page(opage, base, case.officers[0].username)
        opage.goto(f"{base}/scores/mine")
        assert f"案卷评查 {case.case_no}" in opage.inner_text("body")


def _city_selects_and_exports(cpage):
    for row in cpage.locator("#file-results tbody tr").all():
        row.locator("button:has-text('选定')").click()
        cpage.wait_for_load_state()
    assert cpage.locator("button:has-text('已选')").count() == 2
    with cpage.expect_download() as got:
        cpage.locator("#file-results a:has-text('Word')").first.click()
    sheet = Document(got.value.path())
    assert any("评查单" in p.text for p in sheet.paragraphs)
    with cpage.expect_download() as got:
        cpage.click("text=导出汇总 Excel")
    assert load_workbook(io.BytesIO(open(got.value.path(), "rb").read()))["县区汇总"].max_row == 4
    with cpage.expect_download() as got:
        cpage.click("#package")
    names = zipfile.ZipFile(io.BytesIO(open(got.value.path(), "rb").read())).namelist()
    assert sum(n.endswith(".pdf") for n in names) == 2 and sum("评查单" in n for n in names) == 2


def test_done_when(browser, live_server, login_page, record_rubric, campaign, tmp_path):
    base = live_server
    _counties_enter_files(browser, base, login_page, tmp_path)
    city = browser.new_context(accept_downloads=True)
    cpage = city.new_page()
    login_page(cpage, base, "city_admin")
    _set_up_city(cpage, base)
    _draw_and_assign(cpage, base)

    files, reviews = _drawn_reviews()
    _reviewers_score(browser, base, login_page, reviews)
    _leader_reconciles(browser, base, login_page)
    _assert_results(cpage, base, files[1])
    _assert_officer_lines(browser, base, login_page, files)
    _city_selects_and_exports(cpage)
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(CaseResult))} == {"final"}
    city.close()


def _city_caps_general_proposals(browser, base, login_page):
    city = browser.new_context().new_page()
    login_page(city, base, "city_admin")
    city.goto(f"{base}/casestudies/casefiles/selection")
    city.fill("#quota-general", "1")
    with city.expect_navigation():
        city.click("#quota-form button")
    assert city.input_value("#quota-general") == "1"


def _county_meets_the_quota(browser, base, login_page, cases):
    county = browser.new_context().new_page()
    login_page(county, base, "admin_441402")
    for case in cases:
        county.goto(f"{base}/casestudies/casefiles/{case.id}")
        with county.expect_navigation():
            county.click("button:has-text('推荐为自评案卷')")
    assert "“一般行政处罚”类案卷每个单位最多自选 1 份" in county.inner_text("body")
    assert "已自选 1 份，限额 1 份" in county.inner_text("#quota-note")


def _disputed(case):
    """Two of the pool's reviewers submit sheets for ``case`` that disagree; their reviews."""
    from casestudies.casefiles import pool, review, tables
    from casestudies.casefiles.demo import DEMO_TABLE

    admin = user("city_admin")
    for name in (*REVIEWERS, LEADER):
        pool.mark(user(name), ["review"], actor_id=admin.id)
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    members = [user(n).id for n in REVIEWERS[:2]]
    group = review.create_group(
        review.GroupData("组", user(LEADER).id, members, table.id, 5), actor_id=admin.id
    )
    review.assign_files(group, [case], actor_id=admin.id)
    first, second = review.reviews_of(case.id)
    review.submit_review(first, review.Sheet({"P2": {"points": 2}}), actor_id=first.reviewer_id)
    review.submit_review(second, review.Sheet({}), actor_id=second.reviewer_id)
    db.session.commit()
    return first, second


def _leader_adds_a_third(browser, base, login_page, case, first, second):
    """The leader picks a third reviewer for the file; the one picked."""
    leader = browser.new_context().new_page()
    login_page(leader, base, LEADER)
    leader.goto(f"{base}/casestudies/casefiles/{case.id}/reconcile")
    options = leader.locator("#third-form option").all_inner_texts()
    # the pool's reviewers (all of other counties) not yet on the file
    taken = {first.reviewer_id, second.reviewer_id}
    free = [user(n) for n in (*REVIEWERS, LEADER) if user(n).id not in taken]
    expected = {f"{u.display_name}（{u.bureau.short_name}）" for u in free}
    assert set(options) == expected
    leader.select_option("#reviewer_id", str(free[0].id))
    with leader.expect_navigation():
        leader.click("#third-form button")
    assert "已增派" in leader.inner_text("body")
    return free[0]


def _third_sees_the_file(browser, base, login_page, third_user, case):
    third = browser.new_context().new_page()
    login_page(third, base, third_user.username)
    third.goto(f"{base}/casestudies/casefiles/reviews")
    assert case.case_no in third.inner_text("#my-reviews")


def test_quota_and_third_reviewer_in_the_browser(browser, live_server, login_page, make_case):
    """The city caps proposals per category and the county meets the refusal; a leader adds a
    third reviewer to a disputed file instead of reconciling, and the third reviewer sees it."""
    base, cases = live_server, [make_case(n) for n in (1, 2)]
    _city_caps_general_proposals(browser, base, login_page)
    _county_meets_the_quota(browser, base, login_page, cases)
    first, second = _disputed(cases[0])
    third = _leader_adds_a_third(browser, base, login_page, cases[0], first, second)
    _third_sees_the_file(browser, base, login_page, third, cases[0])
