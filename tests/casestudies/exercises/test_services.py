"""Exercises and submissions without HTTP: drafts, the one final submission, its pre-grade."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casestudies import errors
from casestudies.exercises import services as exercises
from casestudies.exercises.demo import inspection_draft
from casestudies.exercises.records import Draft
from casestudies.rubrics import services as rubrics
from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def good_draft(officer):
    return inspection_draft(officer, 3)


def bad_draft(officer):
    """Forgets the recusal notice and writes 严重."""
    return inspection_draft(officer, 4)


def submitted(make_exercise, draft_fn=bad_draft, username="officer_441424_1", **kw):
    ex = make_exercise(**kw)
    officer = user(username)
    sub = exercises.submit(ex, officer, draft_fn(officer))
    db.session.commit()
    return ex, sub


def test_submission_pregrades_flags_and_locks_rubric(make_exercise):
    ex, sub = submitted(make_exercise)
    pre = sub.pregrade["criteria"]
    assert pre["P4"]["points"] == 0 and pre["A1"]["points"] == 0
    assert "严重" in [sub.text[s:e] for s, e in pre["A1"]["checks"][0]["spans"]]
    assert ex.rubric.is_locked and sub.status == "submitted"
    with pytest.raises(errors.Conflict, match="已锁定"):
        rubrics.delete_criterion(ex.rubric, "P1", actor_id=user("trainer").id)
    new = rubrics.copy_rubric(ex.rubric, actor_id=user("trainer").id, as_version=True)
    assert (new.family, new.version, new.is_locked) == (ex.rubric.family, 2, False)


def test_one_final_submission_only(make_exercise):
    ex, sub = submitted(make_exercise)
    with pytest.raises(errors.Conflict):
        exercises.save_draft(ex, sub.user, good_draft(sub.user))
    with pytest.raises(errors.Conflict):
        exercises.submit(ex, sub.user, good_draft(sub.user))


@pytest.mark.parametrize(
    "draft, error",
    [
        (Draft(header={"place": "某地"}), errors.CaseError),
        (Draft(body="字" * 30_001), errors.TooLarge),
    ],
)
def test_empty_and_oversized_records_are_refused(make_exercise, draft, error):
    ex = make_exercise()
    with pytest.raises(error):
        exercises.submit(ex, user("officer_441402_1"), draft)
    db.session.rollback()
    assert exercises.submission_for(ex, user("officer_441402_1").id) is None


def test_submission_after_due_time_is_refused(make_exercise):
    ex = make_exercise(due_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(errors.Conflict, match="截止"):
        exercises.submit(ex, user("officer_441402_1"), good_draft(user("officer_441402_1")))
