"""Modules without HTTP: authoring checks, completion and the ledger, progress."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lianbing import signals
from lianbing.extensions import db
from lianbing.host import Refused
from lianbing.ledger.models import ScoreEntry
from lianbing.markup import render_markdown
from training.laws import services as laws
from training.modules import checks, study
from training.modules import services as modules

# ten days ago, inside the campaign fixture (as in ../conftest.py)
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


def right(module):
    return {q.id: list(q.answer) for q in module.questions}


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def test_citations_expand_inline_and_missing_keys_are_refused(app, make_module):
    module = make_module()
    html = str(render_markdown(laws.expand_citations(module.lessons[1].body)))
    assert "《中华人民共和国环境保护法》第25条" in html and "查封、扣押" in html
    with pytest.raises(Refused, match="EPL2014:99"):
        modules.save_lesson(module, modules.LessonData("x", "见 [[EPL2014:99]]", 5))


def test_question_validation(app, make_module):
    module = make_module(questions=False)
    for bad in [
        modules.QuestionData("single", "x", ("a", "b"), (0, 1)),
        modules.QuestionData("single", "x", ("a",), (0,)),
        modules.QuestionData("multiple", "x", ("a", "b"), (5,)),
        modules.QuestionData("essay", "x", ("a", "b"), (0,)),
        modules.QuestionData("single", " ", ("a", "b"), (0,)),
    ]:
        with pytest.raises(Refused):
            modules.add_question(module, bad)


def test_completion_needs_lessons_and_passed_check_and_reaches_the_ledger(
    app, campaign, make_module, make_user
):
    module = make_module()
    officer = make_user("officer")
    sent = []
    receiver = lambda sender, **kw: sent.append(kw)  # noqa: E731
    signals.module_completed.connect(receiver)
    try:
        attempt = checks.start_check(officer, module)
        checks.submit_check(officer, attempt.id, right(module), at(1))
        assert modules.completion(officer.id, module.id) is None  # lessons not done yet
        study.mark_done(officer, module.lessons[0], at(2))
        study.mark_done(officer, module.lessons[1], at(3))
    finally:
        signals.module_completed.disconnect(receiver)
    assert modules.completion(officer.id, module.id).score == 1.0
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert (entry.kind, entry.ref, entry.points, entry.max_points) == (
        "study",
        f"module:{module.id}",
        100.0,
        100.0,
    )
    assert sent == [
        {"user_id": officer.id, "module_id": module.id, "campaign_id": campaign.id, "score": 1.0}
    ]


def test_module_without_check_completes_on_lessons(app, campaign, make_module, make_user):
    module = make_module(questions=False)
    officer = make_user("officer")
    for lesson in module.lessons:
        study.mark_done(officer, lesson)
    assert modules.completion(officer.id, module.id).score is None
    [p] = modules.progress(officer, [module])
    assert (p.done, p.total, p.completed, p.resume) == (2, 2, True, None)


def test_progress_resumes_at_first_unfinished_lesson(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    study.mark_done(officer, module.lessons[0])
    [p] = modules.progress(officer, [module])
    assert p.resume.id == module.lessons[1].id and p.done == 1
