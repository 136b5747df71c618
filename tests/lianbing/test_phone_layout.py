"""On a 390-pixel-wide phone no main page of any part scrolls sideways, for each role.

Each role logs in on the demo data and visits the pages it reaches from the menu, plus the
first detail page linked from some of them (a quiz, its leaderboard and projector view, a
training module and lesson, a case lesson and a record exercise, a grading page, a bank, an
item analysis, a drill round). A page passes when the document is no wider than the window
(wide tables scroll inside their own .table-responsive box instead).
"""

import re

import pytest

PHONE = {"width": 390, "height": 844}
EVERYONE = [
    "/home",
    "/campaigns/",
    "/scores/mine",
    "/calendar/",
    "/column/",
    "/column/cases/",
    "/training/",
    "/training/laws",
    "/training/lectures",
    "/quizzes/",
    "/quizzes/play/",
    "/quizzes/practice/",
    "/quizzes/history",
    "/quizzes/wrongbook",
    "/casestudies/",
]
ADMINS = [
    "/roster",
    "/scores/rankings",
    "/scores/bureaus",
    "/scores/charts",
    "/bulletins/",
    "/drills/",
    "/evaluation/",
    "/training/dashboard",
    "/quizzes/overview",
]
AUTHORS = [
    "/quizzes/banks",
    "/quizzes/manage/",
    "/quizzes/essays",
    "/training/manage",
    "/casestudies/grading",
]
PAGES = {
    "officer_441402_1": EVERYONE,
    "trainer": EVERYONE + AUTHORS,
    "admin_441402": EVERYONE + ADMINS,
    "city_admin": EVERYONE + ADMINS + AUTHORS + ["/audit/"],
}
#: (page to look on, link pattern): the first matching link is visited too
DETAILS = [
    ("/quizzes/play/", r"^/quizzes/q/\d+$"),
    ("/quizzes/play/", r"^/quizzes/q/\d+/board$"),
    ("/quizzes/play/", r"^/quizzes/q/\d+$"),
    ("/training/", r"^/training/modules/\d+$"),
    ("/casestudies/", r"^/casestudies/lessons/\d+$"),
    ("/casestudies/", r"^/casestudies/exercises/\d+$"),
    ("/quizzes/banks", r"^/quizzes/banks/\d+$"),
    ("/quizzes/manage/", r"^/quizzes/manage/\d+/stats$"),
    ("/casestudies/grading", r"^/casestudies/submissions/\d+/grade$"),
    ("/drills/", r"^/drills/\d+$"),
    ("/bulletins/", r"^/bulletins/\d+/board$"),
    ("/scores/rankings", r"^/scores/officer/\d+"),
]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo_site(runner, live_server):
    assert runner.invoke(args=["demo"]).exit_code == 0
    return live_server


def _first_link(page, pattern: str):
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return next((h for h in hrefs if re.match(pattern, h)), None)


def _visit(page, base: str, path: str, wide: list, broken: list) -> None:
    response = page.goto(base + path)
    if response is None or response.status >= 400:
        broken.append(f"{path} → {response.status if response else '无响应'}")
    elif page.evaluate(OVERFLOW) > 1:
        wide.append(f"{path} 宽出 {page.evaluate(OVERFLOW)}px")


def _details(page, base: str, pages: list) -> list:
    found = []
    for where, pattern in DETAILS:
        if where in pages:
            page.goto(base + where)
            link = _first_link(page, pattern)
            found += [link] if link else []
    projector = [f"{q}/projector" for q in found if re.match(r"^/quizzes/q/\d+$", q)][:1]
    return found + projector


@pytest.mark.parametrize("username", sorted(PAGES))
def test_main_pages_fit_a_phone(browser, demo_site, login_page, username):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login_page(page, demo_site, username)
    pages = PAGES[username]
    details = _details(page, demo_site, pages)
    assert len(details) >= 4, f"演示数据中找不到足够的详情页：{details}"
    wide, broken = [], []
    for path in pages + details:
        _visit(page, demo_site, path, wide, broken)
    context.close()
    assert not broken, f"{username} 打不开：{broken}"
    assert not wide, f"{username} 在手机上横向溢出：{wide}"
