"""The end-of-module check: start or resume an attempt, submit it once, grade it.

Each attempt draws its own paper from the module's question pool (``Module.check_size``
questions, options of choice questions shuffled) and stores it; the right answers are shown only
after passing or after the last allowed attempt; attempts are limited and spaced by a cool-down
set per module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from lianbing.host import Conflict, Invalid, NotFound, db, log_event, to_local, utcnow
from training.modules.models import CheckAttempt, CheckQuestion, Module
from training.modules.services import maybe_complete, passed_attempt, require_study

SHUFFLED = ("single", "multiple")


def attempts_of(user_id: int, module_id: int) -> list[CheckAttempt]:
    return list(
        db.session.scalars(
            select(CheckAttempt)
            .where(CheckAttempt.user_id == user_id, CheckAttempt.module_id == module_id)
            .order_by(CheckAttempt.number)
        )
    )


def start_check(user, module: Module, now: datetime | None = None) -> CheckAttempt:
    """The open attempt at a module's check, or a new one with its own paper.

    Refused once passed, when the attempts allowed are used up, or during the cool-down after
    a failed attempt.
    """
    require_study(user, module)
    if not module.questions:
        raise NotFound("这个模块没有结业测验。")
    if passed_attempt(user.id, module.id):
        raise Conflict("你已通过这个模块的测验。")
    attempts = attempts_of(user.id, module.id)
    if attempts and attempts[-1].submitted_at is None:
        return attempts[-1]
    _refuse_retake(module, attempts, now or utcnow())
    attempt = CheckAttempt(
        module_id=module.id,
        user_id=user.id,
        number=len(attempts) + 1,
        responses={},
        paper=draw_paper(module),
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def _refuse_retake(module: Module, attempts: list[CheckAttempt], now: datetime) -> None:
    if module.check_attempts and len(attempts) >= module.check_attempts:
        raise Conflict(f"这个模块的测验最多可参加 {module.check_attempts} 次，你已用完。")
    if attempts and module.check_cooldown_minutes:
        ready = attempts[-1].submitted_at + timedelta(minutes=module.check_cooldown_minutes)
        if now < ready:
            raise Conflict(
                f"请复习后再试：下一次测验可在 {to_local(ready).strftime('%H:%M')} 之后开始。"
            )


def draw_paper(module: Module, rng: random.Random | None = None) -> list[dict]:
    """The questions of one attempt, drawn from the pool, each with its options' shown order."""
    rng = rng or random.SystemRandom()
    pool = list(module.questions)
    size = module.check_size if 0 < module.check_size < len(pool) else len(pool)
    chosen = sorted(rng.sample(pool, size), key=lambda q: (q.position, q.id))
    paper = []
    for q in chosen:
        order = list(range(len(q.options)))
        if q.kind in SHUFFLED:
            rng.shuffle(order)
        paper.append({"q": q.id, "order": order})
    return paper


@dataclass
class PaperItem:
    """A question of an attempt's paper with its options in the order shown."""

    question: CheckQuestion
    order: list[int]

    @property
    def shown(self) -> list[tuple[int, str]]:
        """(stored index, text) in the order shown."""
        return [(i, self.question.options[i]) for i in self.order]

    def letters(self, stored: list[int]) -> str:
        return "".join("ABCDEFGH"[p] for p, i in enumerate(self.order) if i in set(stored))


def paper_items(module: Module, attempt: CheckAttempt) -> list[PaperItem]:
    """The attempt's paper (attempts without a stored paper: every question, stored order)."""
    questions = {q.id: q for q in module.questions}
    if attempt.paper is None:
        return [PaperItem(q, list(range(len(q.options)))) for q in module.questions]
    return [PaperItem(questions[p["q"]], p["order"]) for p in attempt.paper if p["q"] in questions]


def keys_visible(module: Module, attempt: CheckAttempt) -> bool:
    """Right answers only after passing or after the last allowed attempt."""
    if attempt.is_passed:
        return True
    return bool(module.check_attempts) and attempt.number >= module.check_attempts


def attempts_left(module: Module, user_id: int) -> int | None:
    """Attempts still allowed (None = unlimited)."""
    if not module.check_attempts:
        return None
    return max(0, module.check_attempts - len(attempts_of(user_id, module.id)))


def _claim(attempt: CheckAttempt, now: datetime) -> bool:
    """Mark the attempt submitted unless a concurrent request already did (one UPDATE, no race)."""
    result = db.session.execute(
        update(CheckAttempt)
        .where(CheckAttempt.id == attempt.id, CheckAttempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    return result.rowcount == 1


def grade(question: CheckQuestion, chosen: list[int]) -> int:
    """Points for one answer: all or nothing."""
    return question.points if sorted(set(chosen)) == sorted(question.answer) else 0


def submit_check(
    user, attempt_id: int, responses: dict[int, list[int]], now: datetime | None = None
) -> CheckAttempt:
    """Mark an attempt once; a second submission is refused with nothing changed."""
    attempt = db.session.get(CheckAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        _refuse_submission(user, attempt_id, "not the user's")
        raise NotFound("测验答卷不存在。")
    module = db.session.get(Module, attempt.module_id)
    require_study(user, module)
    items = paper_items(module, attempt)
    _check_responses(user, attempt_id, items, responses)
    if not _claim(attempt, now or utcnow()):
        _refuse_submission(user, attempt_id, "already submitted")
        raise Conflict("这份答卷已经提交过，不能重复提交。")
    questions = [i.question for i in items]
    earned = sum(grade(q, responses.get(q.id, [])) for q in questions)
    total = sum(q.points for q in questions) or 1
    attempt.responses = {str(q.id): sorted(set(responses.get(q.id, []))) for q in questions}
    attempt.score = earned / total
    attempt.is_passed = attempt.score * 100 >= module.pass_mark
    db.session.flush()
    done = maybe_complete(user, module, now) if attempt.is_passed else None
    attempt.not_counted = done.not_counted if done else None
    return attempt


def _check_responses(user, attempt_id: int, items: list[PaperItem], responses: dict) -> None:
    """A question outside the paper or an option it does not have: refused, nothing changed."""
    options = {i.question.id: len(i.question.options) for i in items}
    for question_id, chosen in responses.items():
        if question_id not in options:
            _refuse_submission(user, attempt_id, f"question {question_id} not on the paper")
            raise Invalid("答卷中有不属于本次试卷的题目，未提交。")
        if any(not 0 <= c < options[question_id] for c in chosen):
            _refuse_submission(user, attempt_id, f"option out of range for {question_id}")
            raise Invalid("答卷中有不存在的选项，未提交。")


def _refuse_submission(user, attempt_id: int, reason: str) -> None:
    log_event(
        "training",
        "check submission refused: attempt %s by user %s (%s)",
        attempt_id,
        user.id,
        reason,
        actor_id=user.id,
        target=f"training_check_attempt:{attempt_id}",
    )
