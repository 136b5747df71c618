"""Sealed questions: what practice, the daily set and 错题本 must not show (nor any route's key).

A question is sealed when its bank is not a practice bank (草稿 or 仅考试), or when it is in the
pool of a competition that has not closed for everyone: a fixed question of it, or a question a
random line of it may draw. A competition closes for everyone when its close time has passed and
no attempt of it is still open; without a close time it stays sealed while it exists.
Unpublished competitions seal too: a trainer preparing one does not want its keys practised.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from lianbing.host import db, utcnow
from quizzes import services as bank
from quizzes.models import Bank, Question
from quizzes.play.models import Attempt, Quiz, QuizSlot


def sealed_banks_statement():
    """Ids of questions whose bank is not a practice bank."""
    return (
        select(Question.id)
        .join(Bank, Bank.id == Question.bank_id)
        .where(Bank.visibility != "practice")
    )


def _unclosed_competitions(now: datetime) -> list[int]:
    still_open = exists().where(Attempt.quiz_id == Quiz.id, Attempt.status == "open")
    return list(
        db.session.scalars(
            select(Quiz.id).where(
                Quiz.mode == "competition",
                (Quiz.closes_at.is_(None)) | (Quiz.closes_at > now) | still_open,
            )
        )
    )


def _slot_pool(slot: QuizSlot) -> set[int]:
    if slot.question_id:
        return {slot.question_id}
    stmt = select(Question.id).where(
        Question.category_id.in_(bank.category_ids(slot.category_id)),
        Question.difficulty.between(slot.min_difficulty, slot.max_difficulty),
    )
    if slot.qtype:
        stmt = stmt.where(Question.qtype == slot.qtype)
    return set(db.session.scalars(stmt))


def competition_pool(now: datetime | None = None) -> set[int]:
    """Questions in the pool of a competition not yet closed for everyone."""
    quiz_ids = _unclosed_competitions(now or utcnow())
    if not quiz_ids:
        return set()
    slots = db.session.scalars(select(QuizSlot).where(QuizSlot.quiz_id.in_(quiz_ids)))
    out: set[int] = set()
    for slot in slots:
        out |= _slot_pool(slot)
    return out


def sealed_ids(now: datetime | None = None) -> set[int]:
    """Every sealed question id (non-practice banks and unclosed competitions' pools)."""
    return set(db.session.scalars(sealed_banks_statement())) | competition_pool(now)


def is_sealed(question_id: int, now: datetime | None = None) -> bool:
    return question_id in sealed_ids(now)
