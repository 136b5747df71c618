"""The end-of-module check: submitted once, retaken until passed, graded all or nothing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from lianbing.extensions import db
from lianbing.host import Conflict, NotFound
from training.modules import checks, study
from training.modules.models import CheckAttempt

# ten days ago, inside the campaign fixture (as in ../conftest.py)
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


def right(module):
    return {q.id: list(q.answer) for q in module.questions}


def wrong(module):
    return {q.id: [1 - q.answer[0]] for q in module.questions}


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def test_check_submitted_twice_is_refused_and_nothing_changes(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    attempt = checks.start_check(officer, module)
    checks.submit_check(officer, attempt.id, wrong(module), at(1))
    db.session.commit()
    with pytest.raises(Conflict, match="重复提交"):
        checks.submit_check(officer, attempt.id, right(module), at(2))
    db.session.rollback()
    assert db.session.get(CheckAttempt, attempt.id).score == 0.0


def test_failed_check_can_be_retaken_passed_cannot(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    first = checks.start_check(officer, module)
    assert checks.start_check(officer, module).id == first.id  # open attempt is reused
    checks.submit_check(officer, first.id, wrong(module))
    second = checks.start_check(officer, module)
    assert second.number == 2
    checks.submit_check(officer, second.id, right(module))
    with pytest.raises(Conflict):
        checks.start_check(officer, module)


def test_partial_credit_and_pass_mark(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    attempt = checks.start_check(officer, module)
    answers = right(module)
    answers[module.questions[1].id] = [1]
    checks.submit_check(officer, attempt.id, answers)
    assert attempt.score == 0.5 and not attempt.is_passed


def test_someone_elses_attempt_is_not_found(app, make_module, make_user):
    module = make_module()
    attempt = checks.start_check(make_user("officer"), module)
    with pytest.raises(NotFound):
        checks.submit_check(make_user("officer"), attempt.id, right(module))


def test_a_submission_racing_another_is_refused(app, make_module, make_user):
    from sqlalchemy import update

    module = make_module()
    officer = make_user("officer")
    attempt = checks.start_check(officer, module)
    db.session.execute(
        update(CheckAttempt).values(submitted_at=at(1)).execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict):
        checks.submit_check(officer, attempt.id, right(module), at(2))


def test_refused_submissions_and_completions_are_logged(app, make_module, make_user, caplog):
    module = make_module()
    officer = make_user("officer")
    for lesson in module.lessons:
        study.mark_done(officer, lesson)
    attempt = checks.start_check(officer, module)
    with caplog.at_level(logging.INFO, logger="lianbing.training"):
        checks.submit_check(officer, attempt.id, right(module), at(1))
        with pytest.raises(Conflict):
            checks.submit_check(officer, attempt.id, right(module), at(2))
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.training"]
    assert f"module {module.id} completed by user {officer.id} (check score 1.0)" in lines
    assert (
        f"check submission refused: attempt {attempt.id} by user {officer.id} (already submitted)"
        in lines
    )
