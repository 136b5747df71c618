"""Done-when, first step, in a browser: a county admin builds a competition for its officers
from the city's question bank; when it opens, the county's officers get an in-app notice and
an e-mail (a real local SMTP server), and an officer of another county gets neither."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.notify.cli import run_once
from lianbing.notify.models import Notification
from quizzes import services as bank_services
from quizzes.play.models import Quiz
from quizzes.services import QuestionData

TITLE = "梅江区环境法律知识竞赛"
FMT = "%Y-%m-%dT%H:%M"


def _city_bank() -> None:
    bank = bank_services.create_bank("市局法律题库")
    for n in range(3):
        bank_services.create_question(
            bank,
            QuestionData(
                qtype="truefalse",
                stem=f"大气污染防治法判断题 {n}",
                content={"answer": n % 2 == 0},
                code=f"T{n}",
                category="法律",
            ),
        )
    db.session.commit()


def _people(make_user) -> dict:
    people = {
        "admin": make_user("bureau_admin", "441402", username="meijiang_admin"),
        "mine": make_user("officer", "441402", username="meijiang_officer"),
        "other": make_user("officer", "441403", username="meixian_officer"),
    }
    for key, user in people.items():
        user.email = f"{key}@county.example"
    db.session.commit()
    return people


def test_a_county_competition_is_announced_to_its_own_officers_only(
    browser, live_server, login_page, campaign, make_user, smtp_server
):
    _city_bank()
    people = _people(make_user)
    now = utcnow().replace(second=0, microsecond=0)
    opens = now + timedelta(hours=1)

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, live_server, "meijiang_admin")
    _build_competition(page, live_server, opens)

    quiz = db.session.scalar(select(Quiz).where(Quiz.title == TITLE))
    assert quiz.is_published and quiz.owner_bureau_id == people["mine"].bureau_id
    run_once(now)  # not open yet: nobody hears of it
    assert _titles(people["mine"]) == []
    run_once(opens + timedelta(minutes=5))
    run_once(opens + timedelta(minutes=10))  # a second run sends nothing again

    assert _titles(people["mine"]) == [f"知识竞赛开始了：{TITLE}"]
    assert _titles(people["other"]) == []
    assert [m["Subject"] for m in smtp_server.to("mine@county.example")] == [
        f"知识竞赛开始了：{TITLE}"
    ]
    assert smtp_server.to("other@county.example") == []
    _officer_sees_the_bell(browser, live_server, login_page, "meijiang_officer", "1")
    _officer_sees_the_bell(browser, live_server, login_page, "meixian_officer", None)


def _build_competition(page, base: str, opens) -> None:
    """Settings, one question of the city bank by its code, then publish."""
    page.goto(f"{base}/quizzes/manage/new")
    page.fill("#title", TITLE)
    page.select_option("#mode", "competition")
    page.fill("#opens_at", to_local(opens).strftime(FMT))
    page.fill("#closes_at", to_local(opens + timedelta(days=2)).strftime(FMT))
    assert page.locator("#audience_bureaus option").all_inner_texts() == ["梅江区"]
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert TITLE in page.locator("h1").inner_text()
    page.select_option("#bank_id", label="市局法律题库")
    page.fill("#question_code", "T0")
    with page.expect_navigation():
        page.click("button:has-text('添加')")
    assert "固定题目 T0" in page.content()
    with page.expect_navigation():
        page.click("button:has-text('发布')")
    assert "已发布" in page.locator("h1").inner_text()


def _officer_sees_the_bell(browser, base: str, login_page, username: str, count) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, base, username)
    bell = page.locator("#notify-count")
    if count is None:
        assert bell.count() == 0
        return
    assert bell.inner_text() == count
    page.goto(f"{base}/notify/")
    assert f"知识竞赛开始了：{TITLE}" in page.locator("#notifications").inner_text()


def _titles(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.title).where(Notification.user_id == user.id))
    )
