"""A published case lesson with a due date is expected of every officer (one point a question);
unpublishing or clearing the due date withdraws it; a missed one counts 0 once due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casestudies.lessons import services as lessons
from casestudies.lessons.models import CaseLesson
from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity
from lianbing.rankings.ranking import ranking_for


def _expected(lesson_id: int) -> ExpectedActivity | None:
    return db.session.scalar(
        select(ExpectedActivity).where(
            ExpectedActivity.kind == "case_lesson", ExpectedActivity.ref == f"case:{lesson_id}"
        )
    )


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _question(n: int) -> lessons.QuestionData:
    return lessons.QuestionData("choice", f"第{n}题", ("甲", "乙"), "1")


def _save(lesson, trainer, **kw) -> CaseLesson:
    data = {"title": "非法倾倒案", "is_published": True, **kw}
    return lessons.save_lesson(lesson, lessons.LessonData(**data), actor_id=trainer.id)


def test_published_lesson_with_due_date_is_declared_and_follows_its_questions(
    demo_people, campaign
):
    trainer, due = _user("trainer"), utcnow() + timedelta(days=7)
    lesson = _save(None, trainer, due_at=due)
    assert _expected(lesson.id) is None  # no question yet: nothing to miss
    lessons.add_question(lesson, _question(1), actor_id=trainer.id)
    lessons.add_question(lesson, _question(2), actor_id=trainer.id)
    row = _expected(lesson.id)
    assert (row.max_points, row.closes_at, row.audience) == (2.0, due, "all")
    lessons.delete_question(lesson.questions[-1], actor_id=trainer.id)
    assert _expected(lesson.id).max_points == 1.0
    _save(lesson, trainer, due_at=due, is_published=False)
    assert _expected(lesson.id) is None
    _save(lesson, trainer, due_at=due)
    assert _expected(lesson.id) is not None
    _save(lesson, trainer, due_at=None)
    assert _expected(lesson.id) is None


def test_a_missed_lesson_counts_zero_once_due(demo_people, campaign):
    trainer, did, skipped = (
        _user("trainer"),
        _user("officer_441402_1"),
        _user("officer_441402_2"),
    )
    lesson = _save(None, trainer, due_at=utcnow() + timedelta(hours=1))
    lessons.add_question(lesson, _question(1), actor_id=trainer.id)
    choice = lesson.questions[0]
    lessons.submit_lesson(lesson, did, {str(choice.id): choice.answer}, campaign.id)
    db.session.commit()
    ranking = ranking_for(campaign, utcnow() + timedelta(hours=2))
    assert ranking.row_of(did.id).share("case_lesson") == pytest.approx(1.0)
    assert ranking.row_of(skipped.id).available["case_lesson"] == pytest.approx(1.0)
    assert ranking.row_of(skipped.id).share("case_lesson") == 0.0


def test_lesson_editor_declares_and_withdraws(client, auth, demo_people, campaign):
    auth.login("trainer")
    form = {"title": "超标排放案", "is_published": "y", "due_at": "2030-10-08T18:00"}
    assert client.post("/casestudies/lessons/new", data=form).status_code == 302
    lesson = db.session.scalars(select(CaseLesson)).one()
    question = {"kind": "choice", "prompt": "罚款依据？", "options": "甲\n乙", "answer": "2"}
    url = f"/casestudies/lessons/{lesson.id}/questions/add"
    assert client.post(url, data=question).status_code == 302
    row = _expected(lesson.id)
    assert row.max_points == 1.0 and row.closes_at.isoformat() == "2030-10-08T10:00:00+00:00"
    page = client.get(f"/casestudies/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert 'value="2030-10-08T18:00"' in page
    unpublished = {"title": "超标排放案", "due_at": "2030-10-08T18:00"}
    edit = f"/casestudies/lessons/{lesson.id}/edit"
    assert client.post(edit, data=unpublished).status_code == 302
    assert _expected(lesson.id) is None
