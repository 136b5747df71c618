"""Regrade requests: the officer asks for one criterion to be reviewed, the trainer answers."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime, timedelta

from sqlalchemy import select

from casestudies.errors import CaseError, Conflict, NotAllowed
from casestudies.exercises.models import Submission
from casestudies.grading.models import Grade, RegradeRequest
from casestudies.grading.services import grade_of, log_changes, need_campaign, to_ledger, total_of
from casestudies.rubrics.services import criteria
from lianbing.host import User, db, log_event, utcnow, write_audit


def regrade_deadline(sub: Submission) -> datetime | None:
    """The end of the regrade window, counted from release."""
    if sub.released_at is None:
        return None
    return sub.released_at + timedelta(days=sub.exercise.regrade_days)


def request_regrade(
    sub: Submission, user: User, criterion: str, reason: str, now: datetime | None = None
) -> RegradeRequest:
    """The officer asks for one criterion to be looked at again, within the window."""
    _check_request(sub, user, criterion, reason, now or utcnow())
    req = RegradeRequest(
        submission_id=sub.id,
        criterion=criterion,
        reason=reason.strip()[:2000],
        old_points=(grade_of(sub, "first").scores.get(criterion) or {}).get("points"),
        created_at=now or utcnow(),
    )
    db.session.add(req)
    db.session.flush()
    write_audit(
        "casestudies.regrade.request",
        "cs_submission",
        sub.id,
        actor_id=user.id,
        bureau_id=user.bureau_id,
        new={"criterion": criterion},
        reason=req.reason,
    )
    log_event(
        "casestudies",
        "regrade of submission %s criterion %s requested by user %s",
        sub.id,
        criterion,
        user.id,
        actor_id=user.id,
        target=f"cs_submission:{sub.id}",
    )
    return req


def _check_request(sub: Submission, user: User, criterion: str, reason: str, now: datetime) -> None:
    if sub.user_id != user.id:
        raise NotAllowed("只能对自己的笔录申请复评。")
    if sub.status != "released":
        raise Conflict("成绩发布后才能申请复评。")
    if now > regrade_deadline(sub):
        raise Conflict(f"复评申请期限（发布后 {sub.exercise.regrade_days} 天）已过。")
    if criterion not in {c["key"] for c in criteria(sub.exercise.rubric)}:
        raise CaseError("请选择要复评的评分标准。")
    if not reason.strip():
        raise CaseError("请说明申请复评的理由。")
    if db.session.scalar(
        select(RegradeRequest.id).where(
            RegradeRequest.submission_id == sub.id, RegradeRequest.criterion == criterion
        )
    ):
        raise Conflict("该评分标准已申请过复评。")


def answer_regrade(
    req: RegradeRequest, actor: User, new_points: float, answer: str, campaign_id: int | None
) -> RegradeRequest:
    """The trainer answers; changed points flow to the grade, the ledger and the audit log."""
    sub = req.submission
    _check_answer(req, sub, actor, answer)
    first = grade_of(sub, "first")
    scores = _regraded(sub, first, req.criterion, new_points)
    need_campaign(campaign_id)
    log_changes(first, first.scores, scores, actor.id, "regrade")
    first.scores, first.total, first.updated_at = scores, total_of(scores), utcnow()
    req.status, req.answer, req.new_points = (
        "answered",
        answer.strip()[:2000],
        scores[req.criterion]["points"],
    )
    req.answered_by, req.answered_at = actor.id, utcnow()
    sub.final_points = first.total
    db.session.flush()
    to_ledger(sub, actor, campaign_id, f"复评：{req.answer}")
    _record_answer(req, sub, actor)
    return req


def _record_answer(req: RegradeRequest, sub: Submission, actor: User) -> None:
    """Write the answered regrade to the audit trail and the event log."""
    write_audit(
        "casestudies.regrade.answer",
        "cs_submission",
        sub.id,
        actor_id=actor.id,
        bureau_id=sub.user.bureau_id,
        old={"points": req.old_points},
        new={"points": req.new_points, "criterion": req.criterion},
        reason=req.answer,
    )
    log_event(
        "casestudies",
        "regrade %s of submission %s answered by user %s: %s -> %s",
        req.id,
        sub.id,
        actor.id,
        req.old_points,
        req.new_points,
        actor_id=actor.id,
        target=f"cs_submission:{sub.id}",
    )


def _check_answer(req: RegradeRequest, sub: Submission, actor: User, answer: str) -> None:
    if req.status != "open":
        raise Conflict("该复评申请已答复。")
    if actor.id == sub.user_id:
        raise NotAllowed("不能答复自己的复评申请。")
    if not answer.strip():
        raise CaseError("请填写答复意见。")


def _regraded(sub: Submission, grade: Grade, key: str, new_points: float) -> dict:
    """The grade's scores with one criterion's points replaced (checked against its range)."""
    crit = next(c for c in criteria(sub.exercise.rubric) if c["key"] == key)
    if not crit.get("veto") and not 0 <= new_points <= crit["max_points"]:
        raise CaseError(f"评分标准“{crit['title']}”的得分须在 0 到 {crit['max_points']:g} 之间。")
    scores = deepcopy(grade.scores)
    scores.setdefault(key, {"comment": "", "vetoed": False})["points"] = (
        0.0 if crit.get("veto") else float(new_points)
    )
    return scores


def regrade_requests(sub: Submission) -> list[RegradeRequest]:
    """The submission's regrade requests, oldest first."""
    return list(
        db.session.scalars(
            select(RegradeRequest)
            .where(RegradeRequest.submission_id == sub.id)
            .order_by(RegradeRequest.id)
        )
    )


def open_regrades() -> list[RegradeRequest]:
    """Requests still waiting for an answer, oldest first."""
    return list(
        db.session.scalars(
            select(RegradeRequest)
            .where(RegradeRequest.status == "open")
            .order_by(RegradeRequest.created_at)
        )
    )
