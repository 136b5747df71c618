"""Case lessons through the test client: answers hidden until submitted, the editor's checks."""

import pytest
from sqlalchemy import func, select

from casestudies.lessons.models import CaseLesson
from lianbing import TestingConfig, create_app
from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from lianbing.parts import load_part
from training.laws import demo as laws_demo


@pytest.fixture
def library(world):
    """The law library's demo laws, so that citations have articles to name and open."""
    laws_demo.load()
    db.session.commit()
    return world


def test_case_lesson_stages_hide_answers_until_submitted(client, auth, library):
    lesson = db.session.scalars(select(CaseLesson).order_by(CaseLesson.id)).first()
    choice = lesson.questions[0]
    auth.login("officer_441424_1")
    officer = db.session.scalar(select(User).where(User.username == "officer_441424_1"))
    page = client.get(f"/casestudies/lessons/{lesson.id}/questions").get_data(as_text=True)
    assert (
        "EPL2014:63" not in page
        and "正确答案" not in page
        and lesson.interpretation[:10] not in page
    )
    r = client.post(
        f"/casestudies/lessons/{lesson.id}/questions", data={f"q{choice.id}": choice.answer}
    )
    assert r.status_code == 302
    page = client.get(f"/casestudies/lessons/{lesson.id}/result").get_data(as_text=True)
    assert "《中华人民共和国环境保护法》第63条" in page and "正确答案" in page and "✓" in page
    assert (
        db.session.scalar(
            select(ScoreEntry.points).where(
                ScoreEntry.kind == "case_lesson", ScoreEntry.user_id == officer.id
            )
        )
        == 1.0
    )


def test_lesson_editor_refuses_bad_citation(client, auth, demo_people):
    auth.login("trainer")
    r = client.post(
        "/casestudies/lessons/new", data={"title": "案例", "citations": "EPL2014:24\n环保法"}
    )
    assert r.status_code == 400 and "环保法" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseLesson.id))) == 0


def test_citations_link_to_the_law_library_only_when_a_part_declares_it(client, auth, library):
    lesson = db.session.scalars(select(CaseLesson).order_by(CaseLesson.id)).first()
    auth.login("trainer")
    page = client.get(f"/casestudies/lessons/{lesson.id}/result").get_data(as_text=True)
    assert 'href="/training/articles/EPL2014:63">《中华人民共和国环境保护法》第63条</a>' in page
    alone = create_app(TestingConfig(), parts=[load_part("casestudies")])
    try:
        other = alone.test_client()
        other.post("/login", data={"username": "trainer", "password": "lianbing-demo"})
        page = other.get(f"/casestudies/lessons/{lesson.id}/result").get_data(as_text=True)
        assert "EPL2014 第63条（本库未收录）" in page and "/training/articles/" not in page
    finally:
        with alone.app_context():
            db.engine.dispose()


def test_a_citation_missing_from_the_library_says_so_instead_of_linking(client, auth, library):
    lesson = db.session.scalars(select(CaseLesson).order_by(CaseLesson.id)).first()
    lesson.citations = ["EPL2014:63", "EPL2014:999", "APL2015:99"]
    db.session.commit()
    auth.login("trainer")
    page = client.get(f"/casestudies/lessons/{lesson.id}/result").get_data(as_text=True)
    assert "《中华人民共和国环境保护法》第999条（本库未收录）" in page
    assert "APL2015 第99条（本库未收录）" in page
    assert "/training/articles/EPL2014:999" not in page and "/training/articles/APL2015" not in page
