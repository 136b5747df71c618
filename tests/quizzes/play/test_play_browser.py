"""Done-when, in a real browser: a trainer builds a random-draw competition from the demo bank;
twenty officers take it at once (one reloads mid-way, one submits from two tabs, one double-clicks);
the leaderboard shows all twenty in tie-break order; item analysis shows;
the ledger has each once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianbing.accounts.models import User
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from quizzes import load_all_demo as part_demo
from quizzes.play import board
from quizzes.play.demo import _bank, _top_categories
from quizzes.play.models import Attempt, Quiz

DRAW = 5


def _local(dt) -> str:
    return to_local(dt).strftime("%Y-%m-%dT%H:%M")


def _build_competition(page, base, category_id) -> int:
    page.goto(f"{base}/quizzes/manage/new")
    page.fill("input[name=title]", "浏览器竞赛")
    page.select_option("select[name=mode]", "competition")
    page.fill("input[name=opens_at]", _local(utcnow() - timedelta(minutes=2)))
    page.fill("input[name=closes_at]", _local(utcnow() + timedelta(hours=2)))
    page.fill("input[name=time_limit_minutes]", "60")
    page.check("input[name=staggered_start]")
    page.check("#review_after_score")
    page.check("#review_after_responses")
    page.check("#review_after_keys")
    page.check("input[name=shuffle_options]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/quizzes/manage/*")
    page.select_option("select[name=category_id]", str(category_id))
    page.select_option("select[name=qtype]", "single")  # the answering helper clicks radios
    page.fill("input[name=count]", str(DRAW))
    page.fill("input[name=points]", "2")
    with page.expect_navigation():
        page.click("form[action$='/slots'] button[type=submit]")
    with page.expect_navigation():
        page.click("text=预览样卷")
    assert page.locator("text=样卷预览").count() == 1
    page.click("form[action$='/publish'] button")
    page.wait_for_selector("text=已发布")
    return int(page.url.rstrip("/").split("/")[-1])


def _answer(page, position: int, pick: int) -> None:
    q = page.locator(f"#q{position}")
    q.locator("input").nth(pick % q.locator("input").count()).check()
    q.locator(".save-state", has_text="已保存").wait_for()


def _officers_start(browser, live_server, login_page, quiz_id) -> list:
    """Twenty officers, each in a phone-sized context, start the competition."""
    officers = list(
        db.session.scalars(
            select(User.username).where(User.role == "officer").order_by(User.username).limit(20)
        )
    )
    pages = []
    for name in officers:
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        login_page(page, live_server, name)
        page.goto(f"{live_server}/quizzes/q/{quiz_id}")
        page.click("button:has-text('开始答题')")
        page.wait_for_url("**/quizzes/attempt/*")
        pages.append(page)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id)
        )
        == 20
    )
    return pages


def _officers_answer(pages) -> None:
    for position in range(1, DRAW + 1):  # everyone answers question by question: attempts overlap
        for i, page in enumerate(pages):
            _answer(page, position, i + position if i % 3 else 0)
            if i == 4 and position == 2:  # one officer reloads mid-way: nothing is lost
                page.reload()
                assert page.locator("#q1 input:checked").count() == 1
                assert page.locator("#answered").inner_text() == "2"


def _officers_submit(pages) -> None:
    """Everyone submits; officer 7 double-clicks; officer 6 also submits from a second tab."""
    second_tab = pages[6].context.new_page()
    # the tab's own poll (every 30 s) would reload it to the result once the first tab has
    # submitted; held back here, it stands for a tab whose poll has not come yet
    second_tab.route("**/quizzes/attempt/*/state", lambda route: route.abort())
    second_tab.goto(pages[6].url)
    for i, page in enumerate(pages):
        if i == 7:
            page.dblclick("#submit-btn")
        else:
            page.click("#submit-btn")
        page.wait_for_url("**/result")
    second_tab.click("#submit-btn")
    second_tab.wait_for_selector("text=已经交卷")


def _assert_leaderboard(tpage, live_server, quiz_id) -> None:
    tpage.goto(f"{live_server}/quizzes/q/{quiz_id}/board")
    rows = tpage.locator("#individuals tr")
    assert rows.count() == 20
    quiz = db.session.get(Quiz, quiz_id)
    expected = board.compute(quiz)["individuals"]
    assert [r["name"] for r in expected] == [
        rows.nth(k).locator("td").nth(1).inner_text() for k in range(20)
    ]
    keys = [(-r["score"], r["seconds"], r["submitted_at"]) for r in expected]
    assert keys == sorted(keys)
    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)).all()
    assert len(attempts) == 20 and all(a.status == "submitted" for a in attempts)


def _assert_item_analysis(tpage, live_server, quiz_id) -> None:
    tpage.goto(f"{live_server}/quizzes/manage/{quiz_id}/stats")
    assert "20" in tpage.locator("#test-stats").inner_text()
    assert tpage.locator("#item-stats tbody tr").count() >= DRAW
    assert tpage.locator("figure.chart svg").count() == 1


def _assert_ledger_once_each(quiz_id) -> None:
    entries = db.session.execute(
        select(ScoreEntry.user_id, func.count())
        .where(ScoreEntry.ref == f"quiz:{quiz_id}", ScoreEntry.kind == "competition")
        .group_by(ScoreEntry.user_id)
    ).all()
    assert len(entries) == 20 and all(n == 1 for _, n in entries)


def test_twenty_officers_take_a_competition(
    app, browser, live_server, login_page, demo_people, campaign
):
    part_demo(campaign.id)
    db.session.commit()
    bank = _bank()
    category = next(c for c in _top_categories(bank))
    trainer = browser.new_context()
    tpage = trainer.new_page()
    login_page(tpage, live_server, "trainer")
    quiz_id = _build_competition(tpage, live_server, category.id)

    pages = _officers_start(browser, live_server, login_page, quiz_id)
    _officers_answer(pages)
    _officers_submit(pages)

    _assert_leaderboard(tpage, live_server, quiz_id)
    _assert_item_analysis(tpage, live_server, quiz_id)
    _assert_ledger_once_each(quiz_id)
