"""The projector view fits a 1280×800 projector: the top ten and every county, no scrolling."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.extensions import db
from quizzes import load_all_demo as part_demo
from quizzes.play.models import Quiz

PROJECTOR = {"width": 1280, "height": 800}


def test_projector_shows_every_county_within_800_pixels(
    browser, live_server, login_page, demo_people, campaign
):
    part_demo(campaign.id)
    db.session.commit()
    quiz = db.session.scalar(select(Quiz).where(Quiz.mode == "competition"))
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    login_page(page, live_server, "trainer")
    page.goto(f"{live_server}/quizzes/q/{quiz.id}/projector")
    counties = page.locator("#bureaus tr")
    assert counties.count() == 8
    for table in ("#bureaus", "#individuals"):
        rows = page.locator(f"{table} tr")
        if rows.count():
            last = rows.last.bounding_box()
            assert last["y"] + last["height"] <= PROJECTOR["height"], (table, last)
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    context.close()
