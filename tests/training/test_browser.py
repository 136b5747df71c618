"""Done-when, in a browser: assign, study on a phone, pass the check, sign in, see it counted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from training.lectures import services as lectures


def _setup(make_module):
    module = make_module(
        roles=("trainer",), title="查封扣押专题"
    )  # officers see it only once assigned
    city = db.session.scalar(select(Bureau).where(Bureau.code == "441400"))
    admin = db.session.scalar(select(User).where(User.username == "city_admin"))
    lecture = lectures.create_lecture(
        admin,
        lectures.LectureData(
            "以案释法：暗管偷排",
            "case",
            utcnow() - timedelta(minutes=5),
            utcnow() + timedelta(minutes=85),
            "市局三楼",
            "执法支队",
            city.id,
        ),
    )
    db.session.commit()
    return module, lecture


def _city_assigns(admin, live_server, module) -> None:
    admin.goto(f"{live_server}/training/plans")
    admin.select_option("select[name=module_id]", label=module.title)
    admin.select_option("select[name=role]", "officer")
    admin.select_option("select[name=bureau_id]", "0")
    admin.fill("input[name=due_on]", "2030-12-31")
    admin.get_by_role("button", name="分配").click()
    admin.wait_for_selector("text=学习任务已分配")
    assert module.title in admin.inner_text("#plans")


def _officer_studies_and_passes(page, module) -> None:
    page.click(f"text=【待完成】{module.title}")
    page.wait_for_selector("text=参加测验")
    for lesson in module.lessons:
        page.click(f"a:has-text('{lesson.title}')")
        page.wait_for_selector("blockquote")  # the cited article, quoted inline
        page.click("#mark-done")
        page.wait_for_selector(f"text=已完成：{lesson.title}")
    page.click("text=参加测验")
    for q in module.questions:
        page.check(f"#q{q.id}_{q.answer[0]}")
    page.click("text=提交答卷")
    assert "已通过" in page.inner_text("#check-result")


def _officer_signs_in(page, live_server, code: str) -> None:
    page.goto(f"{live_server}/training/signin")
    page.fill("input[name=code]", code.lower())
    page.get_by_role("button", name="签到", exact=True).click()
    page.wait_for_selector("text=签到成功")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling


def _assert_in_own_ledger(page, live_server, module, lecture) -> None:
    page.goto(f"{live_server}/scores/mine")
    ledger = page.inner_text("#ledger")
    assert f"学习模块：{module.title}" in ledger and lecture.title in ledger


def _assert_on_bureau_dashboard(browser, live_server, login_page) -> None:
    board = browser.new_context().new_page()
    login_page(board, live_server, "admin_441402")
    board.goto(f"{live_server}/training/dashboard")
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    row = board.inner_text(f"#officers tr:has-text('{officer.display_name}')")
    cells = row.split("\t")
    assert (
        cells[1].strip() == "1" and cells[4].strip() == "1" and "已开始" in row
    )  # module done, lecture attended


def test_assign_study_check_signin_and_see_it_everywhere(
    browser, live_server, login_page, demo_people, campaign, make_module
):
    module, lecture = _setup(make_module)
    code = lecture.code

    admin = browser.new_context().new_page()
    login_page(admin, live_server, "city_admin")
    _city_assigns(admin, live_server, module)

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login_page(page, live_server, "officer_441402_1")
    _officer_studies_and_passes(page, module)
    _officer_signs_in(page, live_server, code)

    _assert_in_own_ledger(page, live_server, module, lecture)
    _assert_on_bureau_dashboard(browser, live_server, login_page)
    admin.goto(f"{live_server}/training/dashboard")
    assert "梅江区" in admin.inner_text("#bureaus") and "兴宁市" in admin.inner_text("#bureaus")
