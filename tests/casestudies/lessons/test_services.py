"""Case lessons without HTTP: one attempt, its score, citation keys."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casestudies import errors
from casestudies.lessons import services as lessons
from casestudies.lessons.models import CaseLesson
from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.campaign.schedule import today_local
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_case_lesson_attempt_scores_once(world):
    lesson = db.session.scalars(select(CaseLesson).order_by(CaseLesson.id)).first()
    officer = user("officer_441403_1")
    choice, text = lesson.questions
    attempt = lessons.submit_lesson(
        lesson, officer, {str(choice.id): choice.answer, str(text.id): "写明起止位置"}, world.id
    )
    assert attempt.points == 2 and attempt.max_points == 2
    with pytest.raises(errors.Conflict):
        lessons.submit_lesson(lesson, officer, {str(choice.id): "1"}, world.id)
    entry = db.session.scalar(
        select(ScoreEntry).where(ScoreEntry.kind == "case_lesson", ScoreEntry.user_id == officer.id)
    )
    assert entry.ref == f"case:{lesson.id}" and entry.points == 2


def test_citations_must_be_reference_keys():
    assert lessons.parse_citations("EPL2014:24\nWPL2017:83") == ("EPL2014:24", "WPL2017:83")
    with pytest.raises(errors.CaseError, match="环保法第24条"):
        lessons.parse_citations("环保法第24条")


def test_an_answer_after_the_campaign_is_kept_but_not_counted(world):
    lesson = db.session.scalars(select(CaseLesson).order_by(CaseLesson.id)).first()
    officer = user("officer_441403_5")
    world.end_date = today_local() - timedelta(days=1)
    db.session.commit()
    choice, _ = lesson.questions
    attempt = lessons.submit_lesson(lesson, officer, {str(choice.id): choice.answer}, world.id)
    assert attempt.id and "不计入练兵成绩" in attempt.not_counted
    assert db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id)) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "score.refused"))
