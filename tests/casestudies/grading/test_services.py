"""Grading without HTTP: markers, reconciliation, release to the ledger, regrades, statistics."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from casestudies import errors
from casestudies.exercises import services as exercises
from casestudies.exercises.demo import inspection_draft
from casestudies.grading import regrades
from casestudies.grading import services as grading
from casestudies.grading import stats as statistics
from casestudies.grading.models import GradeChange
from lianbing import signals
from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def good_draft(officer):
    return inspection_draft(officer, 3)


def bad_draft(officer):
    """Forgets the recusal notice and writes 严重."""
    return inspection_draft(officer, 4)


def ledger(user_id):
    return db.session.scalars(
        select(ScoreEntry).where(
            ScoreEntry.user_id == user_id, ScoreEntry.kind == "record_exercise"
        )
    ).all()


def submitted(make_exercise, draft_fn=bad_draft, username="officer_441424_1", **kw):
    ex = make_exercise(**kw)
    officer = user(username)
    sub = exercises.submit(ex, officer, draft_fn(officer))
    db.session.commit()
    return ex, sub


def test_trainer_cannot_grade_own_submission(make_exercise, make_user):
    trainer2 = make_user("trainer", "441400")
    ex, sub = submitted(make_exercise, good_draft, trainer2.username)
    with pytest.raises(errors.NotAllowed, match="自己"):
        grading.save_grade(sub, trainer2, "first", grading.starting_scores(sub, "first"), "")


def _full(sub, **changes):
    scores = grading.starting_scores(sub, "first")
    for _key, value in scores.items():
        if value["points"] is None:
            value["points"] = 5.0
    for key, points in changes.items():
        scores[key]["points"] = points
    return scores


def test_grade_release_regrade_flow_keeps_history_ledger_and_audit(make_exercise, world):
    ex, sub = submitted(make_exercise)
    trainer, officer = user("trainer"), sub.user
    grading.save_grade(sub, trainer, "first", _full(sub, P4=2.0), "请注意告知回避。")
    grading.release(sub, trainer, world.id)
    db.session.commit()
    changes = db.session.scalars(select(GradeChange)).all()
    assert {(c.criterion, c.old_points, c.new_points, c.grader_id) for c in changes} >= {
        ("P4", 0.0, 2.0, trainer.id)
    }
    [entry] = ledger(officer.id)
    assert entry.points == sub.final_points == 87.0 and entry.max_points == 100
    req = regrades.request_regrade(sub, officer, "P4", "我口头告知了回避")
    regrades.answer_regrade(req, trainer, 5.0, "口头告知未记录，酌情给分", world.id)
    db.session.commit()
    [entry] = ledger(officer.id)
    assert entry.points == 90.0
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {
        "casestudies.grade.release",
        "casestudies.regrade.request",
        "casestudies.regrade.answer",
        "score.update",
    } <= actions


def test_regrade_refusals(make_exercise, world):
    ex, sub = submitted(make_exercise)
    trainer = user("trainer")
    with pytest.raises(errors.Conflict, match="发布后"):
        regrades.request_regrade(sub, sub.user, "P4", "理由")
    grading.save_grade(sub, trainer, "first", _full(sub), "")
    grading.release(sub, trainer, world.id)
    with pytest.raises(errors.NotAllowed):
        regrades.request_regrade(sub, user("officer_441402_2"), "P4", "理由")
    late = utcnow() + timedelta(days=ex.regrade_days, minutes=1)
    with pytest.raises(errors.Conflict, match="期限"):
        regrades.request_regrade(sub, sub.user, "P4", "理由", now=late)
    with pytest.raises(errors.CaseError, match="理由"):
        regrades.request_regrade(sub, sub.user, "P4", "  ")


def test_second_marker_differences_must_be_reconciled(make_exercise, world, make_user):
    ex, sub = submitted(make_exercise, needs_second_marker=True, margin=2.0)
    first, second = user("trainer"), make_user("trainer", "441400")
    grading.save_grade(sub, first, "first", _full(sub, P4=0.0), "")
    with pytest.raises(errors.Conflict, match="第二评分人"):
        grading.release(sub, first, world.id)
    with pytest.raises(errors.NotAllowed):
        grading.save_grade(sub, first, "second", _full(sub), "")
    grading.save_grade(sub, second, "second", _full(sub, P4=10.0), "")
    assert [d["criterion"]["key"] for d in grading.differences(sub)] == ["P4"]
    with pytest.raises(errors.Conflict, match="核定"):
        grading.release(sub, first, world.id)
    grading.reconcile(sub, first, {"P4": {"points": 6.0}})
    grading.release(sub, first, world.id)
    assert grading.grade_of(sub, "first").scores["P4"]["points"] == 6.0 and sub.status == "released"


def test_statistics_show_missed_criteria(world):
    ex = next(e for e in exercises.exercises(True) if e.record_type == "inspection")
    stats = statistics.criterion_stats(ex)
    assert stats["count"] == 6 and stats["overall"]["P4"] < 100 and stats["overall"]["P1"] == 100
    assert set(stats["by_bureau"]) == {"梅江区", "梅县区"}
    missed = dict(stats["missed"])
    assert (
        missed["P4 未发现：告知申请回避的权利，请核对"] == 2
        and missed["A1 出现不应使用的用语"] == 2
    )


def test_release_sends_record_released(make_exercise, world):
    ex, sub = submitted(make_exercise, good_draft)
    seen = []

    def receiver(sender, **kw):
        seen.append((sender, kw["submission_id"], kw["points"], kw["max_points"]))

    signals.record_released.connect(receiver)
    try:
        grading.save_grade(sub, user("trainer"), "first", _full(sub), "")
        grading.release(sub, user("trainer"), world.id)
    finally:
        signals.record_released.disconnect(receiver)
    assert seen == [("casestudies", sub.id, 100.0, 100.0)]


def test_operator_log_names_who_and_what(make_exercise, world, caplog):
    caplog.set_level(logging.INFO, logger="lianbing.casestudies")
    ex, sub = submitted(make_exercise)
    trainer = user("trainer")
    grading.save_grade(sub, trainer, "first", _full(sub), "")
    grading.release(sub, trainer, world.id)
    req = regrades.request_regrade(sub, sub.user, "P4", "我口头告知了回避")
    regrades.answer_regrade(req, trainer, 5.0, "酌情给分", world.id)
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.casestudies"]
    expected = [
        f"submission {sub.id} for exercise {ex.id} submitted by user {sub.user_id}",
        f"submission {sub.id} pre-graded:",
        f"submission {sub.id} graded (first marker, grade) by user {trainer.id}",
        f"submission {sub.id} released by user {trainer.id}",
        f"regrade of submission {sub.id} criterion P4 requested by user {sub.user_id}",
        f"regrade {req.id} of submission {sub.id} answered by user {trainer.id}",
    ]
    for text in expected:
        assert any(text in line for line in lines), (text, lines)
