"""The part's overview page and its home-page cards."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from casestudies.exercises import services as exercises
from casestudies.exercises.models import RECORD_TYPES, STATUSES
from casestudies.grading import regrades
from casestudies.grading.services import QueueFilter, queue
from casestudies.lessons import services as lessons
from casestudies.web import EXERCISE_AUTHORS, MANAGE, bp, is_manager
from lianbing.host import OFFICER, any_user, authoring_bureau


@bp.route("/")
@any_user
def index():
    mine = is_manager()
    lesson_list = _lessons(mine)
    exercise_list = _exercises(mine)
    attempts = {x.id: a for x in lesson_list if (a := lessons.attempt_for(x.id, current_user.id))}
    subs = {e.id: exercises.submission_for(e, current_user.id) for e in exercise_list}
    return render_template(
        "casestudies/index.html",
        lessons=lesson_list,
        exercises=exercise_list,
        attempts=attempts,
        subs=subs,
        manager=mine,
        exercise_author=current_user.role in EXERCISE_AUTHORS,
        STATUSES=STATUSES,
        RECORD_TYPES=RECORD_TYPES,
        regrades=regrades.open_regrades() if mine else [],
    )


def _lessons(mine: bool) -> list:
    """The lessons listed, by the same rule as the exercises."""
    scope = authoring_bureau(current_user) if mine else current_user.bureau_id
    found = lessons.lessons(published_only=False, bureau_id=scope)
    own = authoring_bureau(current_user)
    author = mine or current_user.role in EXERCISE_AUTHORS
    return [x for x in found if x.is_published or (author and own in (None, x.owner_bureau_id))]


def _exercises(mine: bool) -> list:
    """The exercises listed: a county's to its own people and authors, the city's to all;
    drafts only to the authors who may manage them."""
    scope = authoring_bureau(current_user) if mine else current_user.bureau_id
    found = exercises.exercises(published_only=False, bureau_id=scope)
    own = authoring_bureau(current_user)
    author = mine or current_user.role in EXERCISE_AUTHORS
    return [e for e in found if e.is_published or (author and own in (None, e.owner_bureau_id))]


def dashboard(user) -> list[dict]:
    """Home cards: open exercises for writers, the grading queue for trainers."""
    if user.role in MANAGE:
        waiting = len(queue(QueueFilter(status="submitted")))
        unreleased = len(queue(QueueFilter(status="graded")))
        return [
            {
                "title": "笔录评分",
                "url": "/casestudies/grading",
                "detail": f"待评分 {waiting} 份，已评待发布 {unreleased} 份",
            }
        ]
    if user.role == OFFICER:
        todo = [
            e
            for e in exercises.exercises(True, user.bureau_id)
            if (sub := exercises.submission_for(e, user.id)) is None or sub.status == "draft"
        ]
        return [{"title": "笔录练习", "url": "/casestudies/", "detail": f"待完成 {len(todo)} 项"}]
    return []
