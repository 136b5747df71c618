"""Services of the casestudies part, without HTTP."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing import signals
from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry

from casestudies import demo, exporters, rubrics_demo, services
from casestudies.models import CaseLesson, GradeChange
from casestudies.records import Draft

from casestudies.demo import inspection_draft


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def good_draft(officer):
    return inspection_draft(officer, 3)


def bad_draft(officer):
    """Forgets the recusal notice and writes 严重."""
    return inspection_draft(officer, 4)


def ledger(user_id):
    return db.session.scalars(select(ScoreEntry).where(ScoreEntry.user_id == user_id,
                                                       ScoreEntry.kind == "record_exercise")).all()


def submitted(make_exercise, draft_fn=bad_draft, username="officer_441424_1", **kw):
    ex = make_exercise(**kw)
    officer = user(username)
    sub = services.submit(ex, officer, draft_fn(officer))
    db.session.commit()
    return ex, sub


def test_submission_pregrades_flags_and_locks_rubric(make_exercise):
    ex, sub = submitted(make_exercise)
    pre = sub.pregrade["criteria"]
    assert pre["P4"]["points"] == 0 and pre["A1"]["points"] == 0
    assert "严重" in [sub.text[s:e] for s, e in pre["A1"]["checks"][0]["spans"]]
    assert ex.rubric.is_locked and sub.status == "submitted"
    with pytest.raises(services.Conflict, match="已锁定"):
        services.delete_criterion(ex.rubric, "P1", actor_id=user("trainer").id)
    new = services.copy_rubric(ex.rubric, actor_id=user("trainer").id, as_version=True)
    assert (new.family, new.version, new.is_locked) == (ex.rubric.family, 2, False)


def test_one_final_submission_only(make_exercise):
    ex, sub = submitted(make_exercise)
    with pytest.raises(services.Conflict):
        services.save_draft(ex, sub.user, good_draft(sub.user))
    with pytest.raises(services.Conflict):
        services.submit(ex, sub.user, good_draft(sub.user))


@pytest.mark.parametrize("draft, error", [
    (Draft(header={"place": "某地"}), services.CaseError),
    (Draft(body="字" * 30_001), services.TooLarge),
])
def test_empty_and_oversized_records_are_refused(make_exercise, draft, error):
    ex = make_exercise()
    with pytest.raises(error):
        services.submit(ex, user("officer_441402_1"), draft)
    db.session.rollback()
    assert services.submission_for(ex, user("officer_441402_1").id) is None


def test_submission_after_due_time_is_refused(make_exercise):
    ex = make_exercise(due_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(services.Conflict, match="截止"):
        services.submit(ex, user("officer_441402_1"), good_draft(user("officer_441402_1")))


def test_trainer_cannot_grade_own_submission(make_exercise, make_user):
    trainer2 = make_user("trainer", "441400")
    ex, sub = submitted(make_exercise, good_draft, trainer2.username)
    with pytest.raises(services.NotAllowed, match="自己"):
        services.save_grade(sub, trainer2, "first", services.starting_scores(sub, "first"), "")


def _full(sub, **changes):
    scores = services.starting_scores(sub, "first")
    for key, value in scores.items():
        if value["points"] is None:
            value["points"] = 5.0
    for key, points in changes.items():
        scores[key]["points"] = points
    return scores


def test_grade_release_regrade_flow_keeps_history_ledger_and_audit(make_exercise, world):
    ex, sub = submitted(make_exercise)
    trainer, officer = user("trainer"), sub.user
    services.save_grade(sub, trainer, "first", _full(sub, P4=2.0), "请注意告知回避。")
    services.release(sub, trainer, world.id)
    db.session.commit()
    changes = db.session.scalars(select(GradeChange)).all()
    assert {(c.criterion, c.old_points, c.new_points, c.grader_id) for c in changes} >= {("P4", 0.0, 2.0, trainer.id)}
    [entry] = ledger(officer.id)
    assert entry.points == sub.final_points == 87.0 and entry.max_points == 100
    req = services.request_regrade(sub, officer, "P4", "我口头告知了回避")
    services.answer_regrade(req, trainer, 5.0, "口头告知未记录，酌情给分", world.id)
    db.session.commit()
    [entry] = ledger(officer.id)
    assert entry.points == 90.0
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"casestudies.grade.release", "casestudies.regrade.request", "casestudies.regrade.answer", "score.update"} <= actions


def test_regrade_refusals(make_exercise, world):
    ex, sub = submitted(make_exercise)
    trainer = user("trainer")
    with pytest.raises(services.Conflict, match="发布后"):
        services.request_regrade(sub, sub.user, "P4", "理由")
    services.save_grade(sub, trainer, "first", _full(sub), "")
    services.release(sub, trainer, world.id)
    with pytest.raises(services.NotAllowed):
        services.request_regrade(sub, user("officer_441402_2"), "P4", "理由")
    late = utcnow() + timedelta(days=ex.regrade_days, minutes=1)
    with pytest.raises(services.Conflict, match="期限"):
        services.request_regrade(sub, sub.user, "P4", "理由", now=late)
    with pytest.raises(services.CaseError, match="理由"):
        services.request_regrade(sub, sub.user, "P4", "  ")


def test_second_marker_differences_must_be_reconciled(make_exercise, world, make_user):
    ex, sub = submitted(make_exercise, needs_second_marker=True, margin=2.0)
    first, second = user("trainer"), make_user("trainer", "441400")
    services.save_grade(sub, first, "first", _full(sub, P4=0.0), "")
    with pytest.raises(services.Conflict, match="第二评分人"):
        services.release(sub, first, world.id)
    with pytest.raises(services.NotAllowed):
        services.save_grade(sub, first, "second", _full(sub), "")
    services.save_grade(sub, second, "second", _full(sub, P4=10.0), "")
    assert [d["criterion"]["key"] for d in services.differences(sub)] == ["P4"]
    with pytest.raises(services.Conflict, match="核定"):
        services.release(sub, first, world.id)
    services.reconcile(sub, first, {"P4": {"points": 6.0}})
    services.release(sub, first, world.id)
    assert services.grade_of(sub, "first").scores["P4"]["points"] == 6.0 and sub.status == "released"


def test_case_lesson_attempt_scores_once(world):
    lesson = db.session.scalars(select(CaseLesson)).first()
    officer = user("officer_441403_1")
    choice, text = lesson.questions
    attempt = services.submit_lesson(lesson, officer, {str(choice.id): choice.answer, str(text.id): "写明起止位置"}, world.id)
    assert attempt.points == 2 and attempt.max_points == 2
    with pytest.raises(services.Conflict):
        services.submit_lesson(lesson, officer, {str(choice.id): "1"}, world.id)
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.kind == "case_lesson", ScoreEntry.user_id == officer.id))
    assert entry.ref == f"case:{lesson.id}" and entry.points == 2


def test_citations_must_be_reference_keys():
    assert services.parse_citations("EPL2014:24\nWPL2017:83") == ("EPL2014:24", "WPL2017:83")
    with pytest.raises(services.CaseError, match="环保法第24条"):
        services.parse_citations("环保法第24条")


def test_rubric_json_roundtrip_and_bad_import(demo_people):
    trainer = user("trainer")
    rubric = services.create_rubric(rubrics_demo.INQUIRY, actor_id=trainer.id, complete=True)
    raw = exporters.rubric_json(services.rubric_data(rubric))
    again = services.import_rubric(raw, actor_id=trainer.id)
    assert services.rubric_data(again)["criteria"] == services.rubric_data(rubric)["criteria"]
    data = json.loads(raw)
    data["criteria"][0]["checks"] = [{"type": "mentions", "patterns": [{"label": "x", "regex": "[坏"}]}]
    with pytest.raises(services.CaseError, match="Q1"):
        services.import_rubric(json.dumps(data).encode(), actor_id=trainer.id)
    with pytest.raises(services.CaseError, match="JSON"):
        services.import_rubric(b"{not json", actor_id=trainer.id)


def test_statistics_show_missed_criteria(world):
    ex = next(e for e in services.exercises(True) if e.record_type == "inspection")
    stats = services.criterion_stats(ex)
    assert stats["count"] == 6 and stats["overall"]["P4"] < 100 and stats["overall"]["P1"] == 100
    assert set(stats["by_bureau"]) == {"梅江区", "梅县区"}
    missed = dict(stats["missed"])
    assert missed["P4 未记载：告知申请回避的权利"] == 2 and missed["A1 出现不应使用的用语"] == 2


def test_demo_is_idempotent_and_graded(world):
    demo.load(world.id)
    assert len(services.exercises(True)) == 2 and len(services.lessons(True)) == 2
    assert len(ledger(user("officer_441402_1").id)) == 2


def test_release_sends_record_released(make_exercise, world):
    ex, sub = submitted(make_exercise, good_draft)
    seen = []

    def receiver(sender, **kw):
        seen.append((sender, kw["submission_id"], kw["points"], kw["max_points"]))

    signals.record_released.connect(receiver)
    try:
        services.save_grade(sub, user("trainer"), "first", _full(sub), "")
        services.release(sub, user("trainer"), world.id)
    finally:
        signals.record_released.disconnect(receiver)
    assert seen == [("casestudies", sub.id, 100.0, 100.0)]
