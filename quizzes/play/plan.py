"""A quiz's draw plan: what a start needs to know of the quiz and its bank, kept per version.

A start checks the quiz's settings (published, audience, times, attempts) and draws a paper
from its slots: fixed questions and random draws from category pools, each question's current
version (its id, type, number of options and whether it is frozen). All of that changes only
when someone edits a quiz, a slot, a category or a question, so each worker keeps the plan of
the quizzes it has started, keyed by the named version ``quiz-plans`` (lianbing/counters).
Every ORM change of those models bumps it (``watch_version``), as does the bulk question insert;
a start reads the version with its own first statement and rebuilds the plan only when it
moved. A start that freezes versions marks them frozen in this worker's plan once it commits
(a version is never unfrozen; another worker's plan freezes them again, a no-op, once).
Plans hold plain data, never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, event, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from lianbing.host import db, watch_version
from quizzes import services as bank
from quizzes.models import Category, Question, QuestionVersion
from quizzes.play.models import Quiz, QuizSlot

#: the version every plan is keyed by
VERSION = bank.PLANS_VERSION
#: plans a worker keeps (beyond this it forgets them all and starts again)
KEEP_AT_MOST = 500
CHOICE_TYPES = ("single", "multiple")

for _model in (Quiz, QuizSlot, Category, Question, QuestionVersion):
    watch_version(_model, lambda row: [VERSION])


@dataclass(frozen=True)
class Settings:
    """The quiz's fields a start reads (duck-types ``Quiz`` for the schedule and audience)."""

    id: int
    is_published: bool
    owner_bureau_id: int | None
    audience: str
    audience_ids: tuple[int, ...]
    opens_at: datetime | None
    closes_at: datetime | None
    attempts_allowed: int
    time_limit_minutes: int | None
    mode: str
    staggered_start: bool
    shuffle_questions: bool
    shuffle_options: bool


@dataclass(frozen=True)
class Current:
    """A question's current version as a draw needs it."""

    id: int
    qtype: str
    #: options of a choice question (None for other types)
    options: int | None
    is_frozen: bool


@dataclass(frozen=True)
class Draw:
    """A random slot: ``count`` questions from ``pool`` (ids in id order), ``points`` each."""

    pool: tuple[int, ...]
    count: int
    points: float


@dataclass(frozen=True)
class Plan:
    quiz: Settings
    #: fixed questions (question id, points), in slot order
    fixed: tuple[tuple[int, float], ...]
    draws: tuple[Draw, ...]
    #: current version of every question the plan may draw, by question id
    versions: dict[int, Current]

    @property
    def chooses(self) -> bool:
        """A random slot's pool holds more than it draws: the officer's seen questions can
        change the paper (otherwise every pool is drawn whole)."""
        return any(len(d.pool) > d.count for d in self.draws)


def _subtree():
    """A subquery of a category and every category below it (same bank, path prefix + '/')."""
    top = aliased(Category)
    below = (Category.bank_id == top.bank_id) & (
        func.substr(Category.path, 1, func.length(top.path) + 1) == top.path + "/"
    )
    return (
        select(Category.id)
        .join(top, top.id == bindparam("category_id"))
        .where(or_(Category.id == top.id, below))
    )


#: a random slot's pool in one prebuilt query (the category subtree inline); with and without a type
_POOL = (
    select(Question.id)
    .where(
        Question.category_id.in_(_subtree()),
        Question.is_active.is_(True),
        Question.difficulty.between(bindparam("low"), bindparam("high")),
    )
    .order_by(Question.id)
)
_POOL_OF_TYPE = _POOL.where(Question.qtype == bindparam("qtype"))
_VERSIONS = QuestionVersion.__table__
_CURRENT = (
    select(
        _VERSIONS.c.question_id,
        _VERSIONS.c.id,
        _VERSIONS.c.qtype,
        _VERSIONS.c.content,
        _VERSIONS.c.is_frozen,
    )
    .join(
        Question.__table__,
        (Question.id == _VERSIONS.c.question_id) & (Question.version == _VERSIONS.c.version),
    )
    .where(Question.id.in_(bindparam("ids", expanding=True)))
)


def candidates(slot: QuizSlot) -> list[int]:
    """Ids of the active questions a random slot may draw."""
    params = {
        "category_id": slot.category_id,
        "low": slot.min_difficulty,
        "high": slot.max_difficulty,
    }
    if slot.qtype:
        return list(db.session.scalars(_POOL_OF_TYPE, {**params, "qtype": slot.qtype}))
    return list(db.session.scalars(_POOL, params))


def current_versions(question_ids) -> dict[int, Current]:
    """The current version of each question, by question id (one query)."""
    rows = db.session.connection().execute(_CURRENT, {"ids": sorted(set(question_ids))})
    return {
        row.question_id: Current(
            row.id,
            row.qtype,
            len(row.content["options"]) if row.qtype in CHOICE_TYPES else None,
            row.is_frozen,
        )
        for row in rows
    }


def build(quiz: Quiz) -> Plan:
    """The plan of a quiz as it stands in this session (its slots, pools and versions)."""
    fixed = tuple((s.question_id, s.points) for s in quiz.slots if not s.is_random)
    draws = tuple(Draw(tuple(candidates(s)), s.count, s.points) for s in quiz.slots if s.is_random)
    ids = [q for q, _ in fixed] + [q for d in draws for q in d.pool]
    return Plan(_settings(quiz), fixed, draws, current_versions(ids))


def _settings(quiz: Quiz) -> Settings:
    return Settings(
        quiz.id,
        quiz.is_published,
        quiz.owner_bureau_id,
        quiz.audience,
        tuple(quiz.audience_ids or ()),
        quiz.opens_at,
        quiz.closes_at,
        quiz.attempts_allowed,
        quiz.time_limit_minutes,
        quiz.mode,
        quiz.staggered_start,
        quiz.shuffle_questions,
        quiz.shuffle_options,
    )


def cached(quiz_id: int, version: int) -> Plan | None:
    """The quiz's plan at ``version`` (read before this call), built when this worker has none
    at that version; None when there is no such quiz."""
    kept = current_app.extensions.setdefault("quiz_plans", {})
    found = kept.get(quiz_id)
    if found is not None and found[0] == version:
        return found[1]
    quiz = db.session.get(Quiz, quiz_id, options=[selectinload(Quiz.slots)])
    if quiz is None:
        return None
    if len(kept) >= KEEP_AT_MOST:
        kept.clear()
    plan = build(quiz)
    kept[quiz_id] = (version, plan)
    return plan


def kept_chooses(quiz_id: int) -> bool:
    """Whether this worker's plan of the quiz, at whatever version, chooses (True with none
    kept): read before the plan's version is known, to read the seen questions only when they
    may count (a start whose plan changed meanwhile reads them on its own)."""
    found = current_app.extensions.get("quiz_plans", {}).get(quiz_id)
    return found is None or found[1].chooses


_FROZEN_KEY = "quiz_plans_frozen"


def note_frozen(drawn: Plan, question_ids: list[int]) -> None:
    """This transaction froze these questions' current versions: the plan says so at commit."""
    db.session().info.setdefault(_FROZEN_KEY, []).append((drawn, question_ids))


@event.listens_for(Session, "after_commit")
def _mark_frozen(session: Session) -> None:
    for drawn, question_ids in session.info.pop(_FROZEN_KEY, ()):
        for qid in question_ids:
            drawn.versions[qid] = replace(drawn.versions[qid], is_frozen=True)


@event.listens_for(Session, "after_rollback")
def _forget_frozen(session: Session) -> None:
    session.info.pop(_FROZEN_KEY, None)
