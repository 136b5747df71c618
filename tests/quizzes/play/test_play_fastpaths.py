"""The lean start and save paths: one-statement insert of an attempt, the inline category subtree,
seen questions from papers and practice in one query, freezing in one UPDATE, prebuilt save."""

from __future__ import annotations

import fcntl
import os
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.models import QuestionVersion
from quizzes.play import gate, plan, practice, services
from quizzes.play.models import Attempt, AttemptItem, PracticeAnswer
from quizzes.play.services import PlayError
from quizzes.services import QuestionData

OPTIONS = [{"text": "对", "weight": 1.0}, {"text": "错", "weight": 0}]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_start_racing_an_open_attempt_returns_that_attempt(make_quiz, user):
    """Another tab or worker inserted the open attempt first.

    ON CONFLICT DO NOTHING, and its id comes back.
    """
    quiz = make_quiz()
    officer = user("officer_441402_1")
    first = services.start_attempt(quiz, officer)
    db.session.commit()
    items = _count(AttemptItem)
    # as if the first start came too late
    again = services._insert_attempt(plan.build(quiz), officer, 1, utcnow())
    assert again == first.id
    assert _count(Attempt) == 1 and _count(AttemptItem) == items


def test_a_start_refused_by_another_unique_index_changes_nothing(make_quiz, user):
    """A conflict on (quiz, user, number) with no open attempt left: 409, no attempt, no paper."""
    quiz = make_quiz(attempts_allowed=2)
    officer = user("officer_441402_1")
    services.submit(services.start_attempt(quiz, officer))
    db.session.commit()
    items = _count(AttemptItem)
    with pytest.raises(PlayError) as err:
        services._insert_attempt(plan.build(quiz), officer, 1, utcnow())
    assert err.value.status == 409
    assert _count(Attempt) == 1 and _count(AttemptItem) == items


def test_pool_takes_the_subtree_by_path_not_by_like_pattern(qbank):
    """'水_a' holds its own and '水_a/子' questions.

    '水Ba/子' (matched by a LIKE '水_a/%') is not below it.
    """
    for path in ("水_a", "水_a/子", "水Ba/子", "水_ab"):
        bank_services.create_question(
            qbank,
            QuestionData(
                qtype="single", stem=f"题 {path}", category=path, content={"options": OPTIONS}
            ),
        )
    db.session.commit()
    top = bank_services.category_by_path(qbank.id, "水_a")
    found = services.candidates(
        services.QuizSlot(category_id=top.id, min_difficulty=1, max_difficulty=5)
    )
    stems = set(
        db.session.scalars(
            select(QuestionVersion.stem).where(QuestionVersion.question_id.in_(found))
        )
    )
    assert stems == {"题 水_a", "题 水_a/子"}


def test_pool_filters_type_difficulty_and_inactive(qbank, category):
    slot = services.QuizSlot(
        category_id=category("法律").id, qtype="single", min_difficulty=2, max_difficulty=3
    )
    found = services.candidates(slot)
    codes = {q.code for q in bank_services.questions_in(qbank.id, found)}
    assert codes == {f"S{i:02d}" for i in range(12) if 2 <= 1 + i % 5 <= 3}
    bank_services.bulk_set_active(qbank, found[:1], False)
    assert services.candidates(slot) == found[1:]


def test_practised_questions_count_as_seen(make_quiz, user, qbank):
    officer = user("officer_441402_1")
    question = bank_services.question_by_code(qbank.id, "S03")
    db.session.add(
        PracticeAnswer(
            user_id=officer.id,
            question_id=question.id,
            version_id=_version_id(question.id),
            response=0,
            is_correct=True,
            source="sequential",
        )
    )
    db.session.flush()
    assert question.id in services.seen_questions(officer.id)
    assert practice.practiced_questions(officer.id) == {question.id}


def _practise(officer, question) -> None:
    db.session.add(
        PracticeAnswer(
            user_id=officer.id,
            question_id=question.id,
            version_id=_version_id(question.id),
            response=True,
            is_correct=True,
            source="sequential",
        )
    )
    db.session.commit()


def _statements(run) -> list[str]:
    """The SQL statements ``run()`` sends, upper-cased."""
    sent = []

    def note(conn, cursor, statement, *rest):
        sent.append(statement.lstrip().upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return sent


def test_a_start_reads_the_seen_questions_with_the_officers_attempts(make_quiz, user, qbank):
    """A pool larger than its draw: one read before the inserts (attempts, version and seen
    questions together), and a practised question is not drawn while fresh ones remain."""
    quiz = make_quiz(fixed=(), draws=(("法律/水", "truefalse", 5),))
    services.start_by_id(quiz.id, user("officer_441402_2"))  # keeps the plan
    db.session.commit()
    officer = user("officer_441402_1")
    practised = bank_services.question_by_code(qbank.id, "T03")
    _practise(officer, practised)
    quiz_id, _ = quiz.id, officer.bureau_id  # loaded again after the commit, before counting
    sent = _statements(lambda: services.start_by_id(quiz_id, officer))
    reads = [s for s in sent if s.startswith("SELECT")]
    assert len(reads) == 1 and "PRACTICE_ANSWERS" in reads[0]
    drawn = db.session.scalars(
        select(AttemptItem.question_id)
        .join(Attempt)
        .where(Attempt.user_id == officer.id, Attempt.quiz_id == quiz_id)
    ).all()
    assert len(drawn) == 5 and practised.id not in drawn


@pytest.mark.parametrize("kept", [True, False])
def test_a_start_drawing_whole_pools_reads_no_seen_questions(app, make_quiz, user, kept):
    """Every pool drawn whole: what the officer has seen cannot change the paper."""
    quiz = make_quiz(draws=(("法律/水", "truefalse", 6),))
    if kept:
        services.start_by_id(quiz.id, user("officer_441402_2"))
        db.session.commit()
    officer = user("officer_441402_1")
    start = services.start_by_id if kept else services.start_attempt_id
    sent = _statements(lambda: start(quiz.id if kept else quiz, officer))
    assert any("INSERT INTO QUIZ_ATTEMPTS" in s for s in sent)
    assert not [s for s in sent if "PRACTICE_ANSWERS" in s]


def test_a_started_paper_is_stored_as_drawn_with_its_defaults(make_quiz, user):
    """Positions, slots, points and option orders as drawn; no mark, mask or feedback yet."""
    quiz = make_quiz(draws=(("法律/水", "truefalse", 2),), shuffle_options=True)
    officer = user("officer_441402_1")
    attempt_id = services.start_by_id(quiz.id, officer)
    db.session.commit()
    items = db.session.scalars(
        select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.slot_no)
    ).all()
    assert sorted(i.position for i in items) == [1, 2, 3, 4]
    assert [i.points for i in items] == [2.0, 2.0, 1.0, 1.0]
    assert [sorted(i.option_order) for i in items[:2]] == [[0, 1, 2], [0, 1, 2, 3]]
    assert items[2].option_order is None and items[3].option_order is None
    assert all(i.option_mask == 0 and i.feedback == "" and i.response is None for i in items)
    assert db.session.get(Attempt, attempt_id).max_score == 6


def test_a_start_on_postgresql_writes_the_attempt_and_its_paper_in_one_statement(make_quiz, user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a data-modifying CTE is PostgreSQL's")
    quiz = make_quiz()
    services.start_by_id(quiz.id, user("officer_441402_2"))  # keeps the plan, freezes
    db.session.commit()
    officer = user("officer_441402_1")
    sent = _statements(lambda: services.start_by_id(quiz.id, officer))
    writes = [s for s in sent if "INSERT" in s]
    assert len(writes) == 1 and "INSERT INTO QUIZ_ATTEMPT_ITEMS" in writes[0]


def _version_id(question_id: int) -> int:
    return db.session.scalar(
        select(QuestionVersion.id).where(QuestionVersion.question_id == question_id)
    )


def test_start_freezes_only_what_is_not_frozen_yet(make_quiz, user):
    quiz = make_quiz()
    first = services.start_attempt(quiz, user("officer_441402_1"))
    second = services.start_attempt(quiz, user("officer_441402_2"))
    ids = {i.version_id for i in first.items} | {i.version_id for i in second.items}
    assert all(db.session.get(QuestionVersion, v).is_frozen for v in ids)
    unfrozen = db.session.scalar(
        select(func.count())
        .select_from(QuestionVersion)
        .where(QuestionVersion.is_frozen.is_(False))
    )
    assert unfrozen == _count(QuestionVersion) - len(ids)


def test_a_start_drawing_only_frozen_versions_writes_no_freeze(make_quiz, user):
    """After a quiz's first starts every version is frozen: later starts skip the UPDATE."""
    quiz = make_quiz()
    services.start_attempt(quiz, user("officer_441402_1"))
    second = user("officer_441402_2")
    db.session.commit()
    seen = []

    def note(conn, cursor, statement, *rest):
        seen.append(statement.lstrip().upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        attempt = services.start_attempt(quiz, second)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(attempt.items) == 2 and any("INSERT INTO QUIZ_ATTEMPTS" in s for s in seen)
    assert not [s for s in seen if s.startswith("UPDATE QUIZ_QUESTION_VERSIONS")]


def test_the_kept_plan_learns_at_commit_what_its_start_froze(app, make_quiz, user):
    """The start view's kept plan: the first start freezes and, once committed, the plan says
    frozen, so the next start writes no freeze and the plan is not rebuilt."""
    quiz = make_quiz()
    services.start_by_id(quiz.id, user("officer_441402_1"))
    db.session.commit()
    kept = app.extensions["quiz_plans"][quiz.id]
    assert all(v.is_frozen for v in kept[1].versions.values())
    seen = []

    def note(conn, cursor, statement, *rest):
        seen.append(statement.lstrip().upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        services.start_by_id(quiz.id, user("officer_441402_2"))
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert any("INSERT INTO QUIZ_ATTEMPTS" in s for s in seen)
    assert not [s for s in seen if s.startswith("UPDATE QUIZ_QUESTION_VERSIONS")]
    assert app.extensions["quiz_plans"][quiz.id] is kept


def test_a_rolled_back_freeze_leaves_the_kept_plan_unfrozen(app, make_quiz, user):
    quiz = make_quiz()
    services.start_by_id(quiz.id, user("officer_441402_1"))
    db.session.rollback()
    kept = app.extensions["quiz_plans"][quiz.id][1]
    assert not any(v.is_frozen for v in kept.versions.values())


def test_saved_answer_replaces_the_previous_one_and_sets_the_mask(make_quiz, user):
    quiz = make_quiz(fixed=("M01",))
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    services.save_answer(attempt.id, officer, 1, [0])
    services.save_answer(attempt.id, officer, 1, [1, 2])
    db.session.commit()
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
    assert (
        sorted(item.response) == [1, 2]
        and item.option_mask == 0b110
        and item.answered_at is not None
    )


def test_drawn_paper_is_plain_data_and_not_stored(make_quiz, user):
    quiz = make_quiz(draws=(("法律/大气", "single", 3),), shuffle_options=True)
    items = services.draw_paper(quiz, user("officer_441402_1").id)
    assert [i.position for i in items] == [1, 2, 3, 4, 5]
    assert all(isinstance(i, services.Drawn) for i in items) and _count(AttemptItem) == 0
    assert all(
        sorted(i.option_order) == list(range(len(i.option_order))) for i in items if i.option_order
    )


def _other_holder_blocked(path: str) -> bool:
    """Does another open file (as another worker would have) find the gate taken?"""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_write_gate_is_held_from_the_first_write_until_commit_or_rollback(make_quiz, user):
    path = gate._lock_path(db.session())
    if path is None:
        pytest.skip("the write gate exists only for a SQLite file database")
    quiz = make_quiz()
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    assert gate.held(db.session()) and _other_holder_blocked(path)
    db.session.commit()
    assert not gate.held(db.session()) and not _other_holder_blocked(path)
    services.save_answer(attempt.id, officer, 1, 0)
    assert gate.held(db.session()) and _other_holder_blocked(path)
    db.session.rollback()
    assert not gate.held(db.session()) and not _other_holder_blocked(path)


def test_write_gate_is_released_when_the_host_ends_each_request(client, auth, make_quiz):
    """Views do not commit.

    The host's commit, rollback or kept refusal at the request's end frees the gate.
    """
    path = gate._lock_path(db.session())
    if path is None:
        pytest.skip("the write gate exists only for a SQLite file database")
    quiz = make_quiz(time_limit_minutes=5)
    auth.login("officer_441402_1")
    started = client.post(f"/quizzes/q/{quiz.id}/start")
    assert started.status_code == 302 and not _other_holder_blocked(path)
    attempt_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    saved = client.post(
        f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 0}
    )
    assert saved.status_code == 200 and not _other_holder_blocked(path)
    db.session.execute(
        Attempt.__table__.update().values(deadline_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    late = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 1})
    assert late.status_code == 409 and late.json["ok"] is False and not _other_holder_blocked(path)
    again = client.post(f"/quizzes/attempt/{attempt_id}/submit")  # takes the gate, then is refused
    assert again.status_code == 409 and not _other_holder_blocked(path)
    assert db.session.get(Attempt, attempt_id).status == "submitted"


def test_write_gate_is_not_taken_by_a_refused_save(make_quiz, user):
    quiz = make_quiz()
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    db.session.commit()
    with pytest.raises(PlayError):
        services.save_answer(attempt.id, officer, 1, 99)
    assert not gate.held(db.session())


def test_write_gate_is_only_for_sqlite_files(app):
    url = db.session().get_bind().url
    expected = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    assert (gate._lock_path(db.session()) is not None) == expected
