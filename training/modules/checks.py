"""The end-of-module check: start or resume an attempt, submit it once, grade it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from lianbing.host import Conflict, NotFound, db, log_event, utcnow
from training.modules.models import CheckAttempt, CheckQuestion, Module
from training.modules.services import maybe_complete, passed_attempt, require_study


def start_check(user, module: Module) -> CheckAttempt:
    """The open attempt at a module's check, or a new one (refused once passed)."""
    require_study(user, module)
    if not module.questions:
        raise NotFound("这个模块没有结业测验。")
    if passed_attempt(user.id, module.id):
        raise Conflict("你已通过这个模块的测验。")
    attempts = list(
        db.session.scalars(
            select(CheckAttempt)
            .where(CheckAttempt.user_id == user.id, CheckAttempt.module_id == module.id)
            .order_by(CheckAttempt.number)
        )
    )
    if attempts and attempts[-1].submitted_at is None:
        return attempts[-1]
    attempt = CheckAttempt(
        module_id=module.id, user_id=user.id, number=len(attempts) + 1, responses={}
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


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
    if not _claim(attempt, now or utcnow()):
        _refuse_submission(user, attempt_id, "already submitted")
        raise Conflict("这份答卷已经提交过，不能重复提交。")
    earned = sum(grade(q, responses.get(q.id, [])) for q in module.questions)
    total = sum(q.points for q in module.questions) or 1
    attempt.responses = {str(q.id): sorted(set(responses.get(q.id, []))) for q in module.questions}
    attempt.score = earned / total
    attempt.is_passed = attempt.score * 100 >= module.pass_mark
    db.session.flush()
    if attempt.is_passed:
        maybe_complete(user, module, now)
    return attempt


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
