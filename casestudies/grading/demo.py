"""Demo content: records from officers of two bureaus, graded by the trainer, most released."""

from __future__ import annotations

from sqlalchemy import select

from casestudies.exercises.demo import inquiry_draft, inspection_draft
from casestudies.exercises.models import Exercise
from casestudies.exercises.services import submit
from casestudies.grading.services import release, save_grade, starting_scores
from casestudies.rubrics.services import criteria
from lianbing.host import User, db

BUREAUS = ("441402", "441403")


def grade_samples(exercise: Exercise, trainer: User, campaign_id: int) -> None:
    """Three records per bureau; the third of each is graded but not released."""
    for code in BUREAUS:
        for n in (1, 2, 3):
            _graded(exercise, f"officer_{code}_{n}", n, trainer, campaign_id)


def _graded(exercise: Exercise, username: str, n: int, trainer: User, campaign_id: int) -> None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        return
    draft = (inspection_draft if exercise.record_type == "inspection" else inquiry_draft)(user, n)
    sub = submit(exercise, user, draft)
    scores = starting_scores(sub, "first")
    for crit in criteria(exercise.rubric):
        if scores[crit["key"]]["points"] is None and not crit.get("veto"):
            scores[crit["key"]]["points"] = crit["max_points"]
    save_grade(sub, trainer, "first", scores, "按量表评分。注意笔录用语客观。")
    if n != 3:
        release(sub, trainer, campaign_id)
