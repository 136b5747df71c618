"""Quiz services, no HTTP: drawing, saving, submitting once, marking, essays, regrades, ledger."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.host import Refused
from lianbing.ledger.models import ScoreEntry
from quizzes import services as bank_services
from quizzes.models import QuestionVersion
from quizzes.play import board, practice, services
from quizzes.play.models import Attempt, AttemptItem, WrongBookEntry
from quizzes.play.services import PlayError


def _answer_all_right(attempt, officer):
    for item in attempt.items:
        version = db.session.get(QuestionVersion, item.version_id)
        right = {
            "single": 0,
            "multiple": [0, 1],
            "truefalse": version.content.get("answer"),
            "fill": ["十日"],
            "essay": "我的回答",
        }[version.qtype]
        services.save_answer(attempt.id, officer, item.position, right)


def test_paper_drawn_once_and_stored_with_versions(make_quiz, user):
    quiz = make_quiz(
        draws=(("法律/大气", "single", 5),), shuffle_questions=True, shuffle_options=True
    )
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    db.session.commit()
    again = services.start_attempt(quiz, officer)
    assert again.id == attempt.id
    assert len(attempt.items) == 7
    assert len({i.question_id for i in attempt.items}) == 7
    assert all(db.session.get(QuestionVersion, i.version_id).is_frozen for i in attempt.items)
    assert attempt.max_score == 2 * 2 + 5


def test_random_draw_prefers_unseen_questions(make_quiz, user):
    quiz = make_quiz(fixed=(), draws=(("法律/大气", "single", 6),), attempts_allowed=2)
    officer = user("officer_441402_1")
    first = services.start_attempt(quiz, officer)
    services.submit(first)
    second = services.start_attempt(quiz, officer)
    assert not {i.question_id for i in first.items} & {i.question_id for i in second.items}


def test_draw_asking_for_more_than_category_holds_is_refused(make_quiz, category, qbank):
    quiz = make_quiz(fixed=(), publish=False)
    with pytest.raises(PlayError) as err:
        services.add_slot(
            quiz, services.SlotData(category_id=category("法律/水").id, qtype="truefalse", count=7)
        )
    assert err.value.status == 409 and "只有 6 题" in err.value.reasons[0]
    assert quiz.slots == []


def test_submit_marks_and_reports_once(make_quiz, user):
    quiz = make_quiz(fixed=("S00", "M01", "F01", "T00"))
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    _answer_all_right(attempt, officer)
    services.submit(attempt)
    db.session.commit()
    assert attempt.score == attempt.max_score == 8
    with pytest.raises(PlayError) as err:
        services.submit(attempt)
    assert err.value.status == 409
    entries = db.session.scalars(select(ScoreEntry).where(ScoreEntry.user_id == officer.id)).all()
    assert [(e.kind, e.points, e.max_points) for e in entries] == [("quiz", 8.0, 8.0)]


def test_second_submission_from_a_stale_copy_is_refused(make_quiz, user):
    quiz = make_quiz()
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    db.session.commit()
    db.session.execute(Attempt.__table__.update().values(status="submitted"))  # the other tab won
    with pytest.raises(PlayError):
        services.submit(attempt)


def test_partial_credit_for_multiple_only_when_allowed(make_quiz, user):
    for partial, expected in ((True, 1.0), (False, 0.0)):
        quiz = make_quiz(fixed=("M01",), partial_credit=partial)
        officer = user("officer_441403_1")
        attempt = services.start_attempt(quiz, officer)
        services.save_answer(attempt.id, officer, 1, [0])
        services.submit(attempt)
        assert attempt.score == expected


def test_essay_queue_and_grade_updates_score_and_ledger(make_quiz, user):
    quiz = make_quiz(fixed=("S00", "E01"))
    officer, trainer = user("officer_441402_1"), user("trainer")
    attempt = services.start_attempt(quiz, officer)
    _answer_all_right(attempt, officer)
    services.submit(attempt)
    assert attempt.pending == 1 and attempt.score == 2
    [item] = services.essay_queue(quiz.id)
    services.grade_essay(item.id, 1.5, "不错", trainer)
    db.session.commit()
    assert attempt.score == 3.5 and attempt.pending == 0 and services.essay_queue() == []
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert entry.points == 3.5
    with pytest.raises(PlayError):
        services.grade_essay(item.id, 5, "", trainer)


def test_regrade_after_key_fix_updates_attempts_ledger_and_audit(make_quiz, user, qbank):
    quiz = make_quiz(fixed=("S00",))
    officer, trainer = user("officer_441402_1"), user("trainer")
    attempt = services.start_attempt(quiz, officer)
    services.save_answer(attempt.id, officer, 1, 1)  # "错误项一": wrong under the old key
    services.submit(attempt)
    assert attempt.score == 0
    question = bank_services.question_by_code(qbank.id, "S00")
    data = bank_services.to_data(question)
    data.content = {
        "options": [
            {"text": "正确项", "weight": 0},
            {"text": "错误项一", "weight": 1.0},
            {"text": "错误项二", "weight": 0},
        ]
    }
    bank_services.update_question(question, data)
    assert services.regrade_question(quiz, question.id, trainer, "答案更正") == 1
    db.session.commit()
    assert attempt.score == 2
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert entry.points == 2
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "quiz.regrade")
        )
        == 1
    )


def test_best_or_last_attempt_counts(make_quiz, user):
    quiz = make_quiz(fixed=("S00",), attempts_allowed=2, grading="last")
    officer = user("officer_441402_1")
    for answer in (0, 1):
        attempt = services.start_attempt(quiz, officer)
        services.save_answer(attempt.id, officer, 1, answer)
        services.submit(attempt)
    assert services.counting_attempt(quiz, officer.id).score == 0
    with pytest.raises(PlayError) as err:
        services.start_attempt(quiz, officer)
    assert err.value.status == 409


@pytest.mark.parametrize(
    "settings, status",
    [
        (
            {"opens_at": utcnow() + timedelta(hours=1), "closes_at": utcnow() + timedelta(hours=2)},
            409,
        ),
        (
            {"opens_at": utcnow() - timedelta(hours=2), "closes_at": utcnow() - timedelta(hours=1)},
            409,
        ),
        ({"audience": "bureaus", "audience_ids": [999999]}, 403),
    ],
)
def test_starting_refused_outside_window_or_audience(make_quiz, user, settings, status):
    quiz = make_quiz(**settings)
    with pytest.raises(PlayError) as err:
        services.start_attempt(quiz, user("officer_441402_1"))
    assert err.value.status == status
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_unpublished_quiz_cannot_be_started(make_quiz, user):
    quiz = make_quiz(publish=False)
    with pytest.raises(PlayError) as err:
        services.start_attempt(quiz, user("officer_441402_1"))
    assert err.value.status == 404


def test_answers_after_deadline_are_refused_and_attempt_auto_submitted(make_quiz, user):
    quiz = make_quiz(time_limit_minutes=10)
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    services.save_answer(attempt.id, officer, 1, 0)
    late = attempt.deadline_at + timedelta(seconds=services.GRACE_SECONDS + 1)
    with pytest.raises(PlayError) as err:
        services.save_answer(attempt.id, officer, 2, [0, 1], now=late)
    assert err.value.status == 409
    assert (
        attempt.status == "submitted"
        and attempt.is_auto_submitted
        and attempt.submitted_at == attempt.deadline_at
    )
    assert attempt.score == 2  # the first answer counted, the late one did not


def test_refusals_are_the_hosts_and_only_a_late_save_keeps_its_changes(make_quiz, user):
    """A late save is refused, but the auto-submission it caused is committed (keep)."""
    quiz = make_quiz(time_limit_minutes=10)
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    late = attempt.deadline_at + timedelta(seconds=services.GRACE_SECONDS + 1)
    with pytest.raises(Refused) as err:
        services.save_answer(attempt.id, officer, 1, 0, now=late)
    assert isinstance(err.value, PlayError) and err.value.keep and err.value.status == 409
    with pytest.raises(Refused) as err:
        services.submit(attempt)
    assert not err.value.keep and str(err.value) == "本次答题已经交卷，不能重复提交"


def test_publishing_grading_regrading_and_closing_are_logged(make_quiz, user, qbank, caplog):
    caplog.set_level(logging.INFO, logger="lianbing.quizzes")
    quiz = make_quiz(fixed=("S00", "E01"), mode="competition")
    officer, trainer = user("officer_441402_1"), user("trainer")
    attempt = services.start_attempt(quiz, officer)
    _answer_all_right(attempt, officer)
    services.submit(attempt)
    [item] = services.essay_queue(quiz.id)
    services.grade_essay(item.id, 1.5, "", trainer)
    services.regrade_question(quiz, bank_services.question_by_code(qbank.id, "S00").id, trainer, "")
    board.freeze(quiz, utcnow())
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.quizzes"]
    assert f"competition {quiz.id} '测验' published (open to its audience)" in lines
    assert f"essay answer {item.id} of attempt {attempt.id} graded 1.5 / 2" in lines
    assert any(
        f"regraded in quiz {quiz.id}: 1 answers marked again, 0 attempts changed" in line
        for line in lines
    )
    assert f"competition {quiz.id} '测验' closed: final board frozen with 1 officers" in lines


def test_save_within_grace_is_accepted(make_quiz, user):
    quiz = make_quiz(time_limit_minutes=10)
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    services.save_answer(attempt.id, officer, 1, 0, now=attempt.deadline_at + timedelta(seconds=2))
    db.session.expire_all()
    assert attempt.items[0].response == 0


@pytest.mark.parametrize(
    "position, raw, status",
    [
        (99, 0, 404),  # not on one's paper
        (1, 7, 400),  # tampered option id
        (1, "0", 400),  # wrong shape
        (2, [0, 9], 400),  # tampered option in a multiple choice
    ],
)
def test_bad_answers_are_refused_and_nothing_changes(make_quiz, user, position, raw, status):
    quiz = make_quiz()
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    with pytest.raises(PlayError) as err:
        services.save_answer(attempt.id, officer, position, raw)
    assert err.value.status == status
    db.session.expire_all()
    assert all(i.response is None for i in attempt.items)


def test_answer_to_another_officers_attempt_is_refused(make_quiz, user):
    quiz = make_quiz()
    attempt = services.start_attempt(quiz, user("officer_441402_1"))
    with pytest.raises(PlayError) as err:
        services.save_answer(attempt.id, user("officer_441402_2"), 1, 0)
    assert err.value.status == 403


def test_common_start_deadline_and_staggered_start(make_quiz, user):
    opens = utcnow() - timedelta(minutes=5)
    common = make_quiz(
        mode="competition",
        time_limit_minutes=20,
        opens_at=opens,
        closes_at=opens + timedelta(minutes=20),
    )
    staggered = make_quiz(
        mode="competition", time_limit_minutes=20, opens_at=opens, staggered_start=True
    )
    officer = user("officer_441402_1")
    a = services.start_attempt(common, officer)
    b = services.start_attempt(staggered, officer)
    assert a.deadline_at == opens + timedelta(minutes=20)
    assert b.deadline_at == b.started_at + timedelta(minutes=20)


def test_no_key_in_public_paper(make_quiz, user):
    quiz = make_quiz(fixed=("S00", "M01", "T00", "F01"))
    attempt = services.start_attempt(quiz, user("officer_441402_1"))
    text = repr(services.paper(attempt))
    assert "weight" not in text and "十日" not in text and "answer" not in text


def test_wrong_book_until_right_twice(qbank, user):
    officer = user("officer_441402_1")
    qid = bank_services.question_by_code(qbank.id, "S01").id
    assert practice.answer(officer.id, qid, 1, "random")["right"] is False
    assert [e.question_id for e in practice.wrong_book(officer.id)] == [qid]
    practice.answer(officer.id, qid, 0, "wrongbook")
    assert practice.wrong_book(officer.id)
    practice.answer(officer.id, qid, 0, "wrongbook")
    assert practice.wrong_book(officer.id) == []
    assert db.session.scalar(select(WrongBookEntry.wrong_count)) == 1


def test_sequential_practice_moves_on_and_daily_set_is_stable(qbank, user, category):
    officer = user("officer_441402_1")
    cat = category("法律/水").id
    first = practice.next_question(officer.id, cat, "sequential")
    practice.answer(officer.id, first, True, "sequential")
    assert practice.next_question(officer.id, cat, "sequential") != first
    day = utcnow().date()
    assert practice.daily_set(officer.id, day) == practice.daily_set(officer.id, day)
    assert len(practice.daily_set(officer.id, day)) == practice.DAILY_SIZE


def test_quiz_wrong_answers_feed_the_wrong_book(make_quiz, user):
    quiz = make_quiz(fixed=("S00",))
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    services.submit(attempt)
    assert len(practice.wrong_book(officer.id)) == 1


def test_item_rows_are_unique_per_attempt(make_quiz, user):
    quiz = make_quiz()
    attempt = services.start_attempt(quiz, user("officer_441402_1"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AttemptItem)) == len(attempt.items)
