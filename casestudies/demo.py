"""Demo content for `flask demo`: lessons, exercises with their rubrics, graded records, the
case-file review (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from casestudies.casefiles import demo as casefiles_demo
from casestudies.exercises import demo as exercises_demo
from casestudies.grading import demo as grading_demo
from casestudies.lessons import demo as lessons_demo
from casestudies.lessons.models import CaseLesson
from lianbing.host import User, db


def load(campaign_id: int) -> None:
    """Lessons, rubrics, exercises and graded records from officers of two bureaus; then the
    case-file review (its records are pre-graded with the exercises' rubrics)."""
    _load_practice(campaign_id)
    casefiles_demo.load(campaign_id)


def _load_practice(campaign_id: int) -> None:
    trainer = db.session.scalar(select(User).where(User.username == "trainer"))
    if trainer is None or db.session.scalar(select(CaseLesson.id).limit(1)):
        return
    lessons_demo.load(trainer, campaign_id)
    for spec in exercises_demo.EXERCISES:
        exercise = exercises_demo.create(spec, trainer)
        grading_demo.grade_samples(exercise, trainer, campaign_id)
