"""Grading: markers' grades from the pre-grade, the second marker and reconciliation, release,
the comment bank and the grading queue."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from sqlalchemy import select

from casestudies.errors import CaseError, Conflict, NotAllowed
from casestudies.exercises.models import Exercise, Submission
from casestudies.grading.models import Comment, Grade, GradeChange
from casestudies.rubrics import checks
from casestudies.rubrics.models import Rubric
from casestudies.rubrics.services import criteria
from lianbing.host import User, db, log_event, record_score, signals, utcnow, write_audit


def grade_of(sub: Submission, role: str) -> Grade | None:
    """The first or second marker's grade of a submission, if given."""
    return next((g for g in sub.grades if g.marker_role == role), None)


def verdicts(sub: Submission, grade: Grade | None) -> dict[str, dict]:
    """The person's verdict per criterion: points, a mark that follows them, the comment.

    ✓ full points (or a veto item not triggered), △ part, ✗ none (or the veto triggered).
    """
    if grade is None:
        return {}
    out = {}
    for crit in criteria(sub.exercise.rubric):
        s = grade.scores.get(crit["key"]) or {}
        if crit.get("veto"):
            full, mark = not s.get("vetoed"), "✗" if s.get("vetoed") else "✓"
        else:
            points = float(s.get("points") or 0.0)
            full = points >= float(crit["max_points"])
            mark = "✓" if full else ("✗" if points <= 0 else "△")
        out[crit["key"]] = {"mark": mark, "full": full, "comment": s.get("comment") or ""}
    return out


def starting_scores(sub: Submission, role: str) -> dict:
    """What the grading form starts from: the marker's grade, else the pre-grade."""
    grade = grade_of(sub, role)
    if grade:
        return deepcopy(grade.scores)
    pre = (sub.pregrade or {}).get("criteria", {})
    return {
        k: {"points": v["points"], "comment": "", "vetoed": v["vetoed"]} for k, v in pre.items()
    }


def _check_marker(sub: Submission, marker: User, role: str, why: str) -> None:
    if marker.id == sub.user_id:
        raise NotAllowed("不能评阅自己提交的笔录。")
    if sub.status not in ("submitted", "graded"):
        raise Conflict("该笔录已发布或尚未提交；发布后的修改请通过复评申请。")
    other = grade_of(sub, "second" if role == "first" else "first")
    if why != "reconcile" and other and other.marker_id == marker.id:
        raise NotAllowed("第一评分人与第二评分人不能是同一人。")
    if role == "second" and not sub.exercise.needs_second_marker:
        raise CaseError("本练习不需要第二评分人。")


def _clean_scores(rubric: Rubric, scores: dict) -> dict:
    """Every criterion given points within its range (veto items: vetoed or not)."""
    out = {}
    for crit in criteria(rubric):
        given = scores.get(crit["key"]) or {}
        points = given.get("points")
        if not crit.get("veto") and (
            points is None or not 0 <= float(points) <= crit["max_points"]
        ):
            raise CaseError(
                f"评分标准“{crit['title']}”的得分须在 0 到 {crit['max_points']:g} 之间。"
            )
        out[crit["key"]] = {
            "points": 0.0 if crit.get("veto") else float(points),
            "comment": str(given.get("comment") or "")[:2000],
            "vetoed": bool(given.get("vetoed")) and bool(crit.get("veto")),
        }
    return out


def total_of(scores: dict) -> float:
    """The grade's total: the sum of the points, or 0 when a veto item failed."""
    if any(s.get("vetoed") for s in scores.values()):
        return 0.0
    return round(sum(s.get("points") or 0.0 for s in scores.values()), 2)


def save_grade(
    sub: Submission, marker: User, role: str, scores: dict, comment: str, *, why: str = "grade"
) -> Grade:
    """Store a marker's grade, keeping every changed criterion with the grader's name."""
    _check_marker(sub, marker, role, why)
    clean = _clean_scores(sub.exercise.rubric, scores)
    grade = grade_of(sub, role)
    before = grade.scores if grade else starting_scores(sub, role)
    if grade is None:
        grade = Grade(submission_id=sub.id, marker_id=marker.id, marker_role=role)
        db.session.add(grade)
        db.session.flush()
    log_changes(grade, before, clean, marker.id, why)
    grade.scores, grade.comment, grade.total = clean, comment[:5000], total_of(clean)
    grade.updated_at = utcnow()
    if why != "reconcile":  # the reconciler's name is kept in the change log, not as the marker
        grade.marker_id = marker.id
    sub.status = "graded"
    db.session.flush()
    db.session.refresh(sub)
    write_audit(
        "casestudies.grade.save",
        "cs_submission",
        sub.id,
        actor_id=marker.id,
        bureau_id=sub.user.bureau_id,
        new={"role": role, "total": grade.total},
    )
    log_event(
        "casestudies",
        "submission %s graded (%s marker, %s) by user %s: %g",
        sub.id,
        role,
        why,
        marker.id,
        grade.total,
        actor_id=marker.id,
        target=f"cs_submission:{sub.id}",
    )
    return grade


def log_changes(grade: Grade, before: dict, after: dict, grader_id: int, why: str) -> None:
    """One GradeChange row per criterion whose points, veto or comment changed."""
    for key, new in after.items():
        old = before.get(key) or {}
        if (old.get("points"), old.get("vetoed", False), old.get("comment") or "") == (
            new["points"],
            new["vetoed"],
            new["comment"],
        ):
            continue
        db.session.add(
            GradeChange(
                grade_id=grade.id,
                criterion=key,
                old_points=old.get("points"),
                new_points=new["points"],
                comment=new["comment"],
                grader_id=grader_id,
                reason=why,
                at=utcnow(),
            )
        )


def history(sub: Submission) -> list[GradeChange]:
    """Every change of the submission's grades, oldest first."""
    ids = [g.id for g in sub.grades]
    return (
        list(
            db.session.scalars(
                select(GradeChange)
                .where(GradeChange.grade_id.in_(ids))
                .order_by(GradeChange.at, GradeChange.id)
            )
        )
        if ids
        else []
    )


def differences(sub: Submission) -> list[dict]:
    """Criteria where the two markers differ by more than the exercise's margin."""
    first, second = grade_of(sub, "first"), grade_of(sub, "second")
    if not first or not second:
        return []
    out = []
    for crit in criteria(sub.exercise.rubric):
        a, b = first.scores.get(crit["key"], {}), second.scores.get(crit["key"], {})
        gap = abs((a.get("points") or 0) - (b.get("points") or 0))
        if gap > sub.exercise.margin or a.get("vetoed") != b.get("vetoed"):
            out.append({"criterion": crit, "first": a, "second": b, "gap": gap})
    return out


def reconcile(sub: Submission, actor: User, agreed: dict) -> Grade:
    """Agreed points for the differing criteria, written onto the first grade."""
    first = grade_of(sub, "first")
    if first is None:
        raise CaseError("还没有第一评分人的评分。")
    scores = deepcopy(first.scores)
    for key, value in agreed.items():
        scores.setdefault(key, {}).update(value)
    grade = save_grade(sub, actor, "first", scores, first.comment, why="reconcile")
    sub.is_reconciled = True
    db.session.flush()
    return grade


def release(sub: Submission, actor: User, campaign_id: int | None) -> Submission:
    """Release the grade to the officer and write the ledger."""
    first = grade_of(sub, "first")
    _check_release(sub, first, actor)
    need_campaign(campaign_id)
    sub.final_points, sub.status, sub.released_at = first.total, "released", utcnow()
    db.session.flush()
    to_ledger(sub, actor, campaign_id, "发布笔录评分")
    write_audit(
        "casestudies.grade.release",
        "cs_submission",
        sub.id,
        actor_id=actor.id,
        bureau_id=sub.user.bureau_id,
        new={"points": sub.final_points},
    )
    log_event(
        "casestudies",
        "submission %s released by user %s: %g/%g",
        sub.id,
        actor.id,
        sub.final_points,
        sub.exercise.rubric.total_points,
        actor_id=actor.id,
        target=f"cs_submission:{sub.id}",
    )
    signals.record_released.send(
        "casestudies",
        user_id=sub.user_id,
        exercise_id=sub.exercise_id,
        submission_id=sub.id,
        points=sub.final_points,
        max_points=sub.exercise.rubric.total_points,
    )
    return sub


def _check_release(sub: Submission, first: Grade | None, actor: User) -> None:
    if sub.status != "graded" or first is None:
        raise Conflict("笔录尚未评分，不能发布。")
    if actor.id == sub.user_id:
        raise NotAllowed("不能发布自己提交的笔录的成绩。")
    if sub.exercise.needs_second_marker:
        if grade_of(sub, "second") is None:
            raise Conflict("本练习需要第二评分人评分后才能发布。")
        if differences(sub) and not sub.is_reconciled:
            raise Conflict("两位评分人的分差超过允许范围，请先核定分数。")


def need_campaign(campaign_id: int | None) -> None:
    """Marks go to the active campaign's ledger; without one nothing may change."""
    if campaign_id is None:
        raise Conflict("当前没有进行中的练兵活动，无法记入成绩。")


def to_ledger(sub: Submission, actor: User, campaign_id: int, reason: str) -> None:
    """Write the released mark to the score ledger."""
    record_score(
        sub.user_id,
        campaign_id,
        "record_exercise",
        f"exercise:{sub.exercise_id}",
        sub.final_points,
        sub.exercise.rubric.total_points,
        sub.submitted_at,
        {"submission_id": sub.id},
        title=sub.exercise.title,
        actor_id=actor.id,
        reason=reason,
    )


def add_comment(owner: User, text: str, standard: str = "") -> Comment:
    """Add a reusable comment to the bank."""
    if not text.strip() or len(text) > 500:
        raise CaseError("评语须为 1 到 500 字。")
    row = Comment(
        owner_id=owner.id,
        text=text.strip(),
        standard=standard if standard in checks.STANDARDS else "",
    )
    db.session.add(row)
    db.session.flush()
    return row


def comment_bank() -> list[Comment]:
    """The comment bank, grouped by standard."""
    return list(db.session.scalars(select(Comment).order_by(Comment.standard, Comment.id)))


@dataclass(frozen=True)
class QueueFilter:
    exercise_id: int | None = None
    bureau_id: int | None = None
    status: str = ""
    #: a county marker's queue holds only its own bureau's exercises
    owner_bureau_id: int | None = None


def queue(f: QueueFilter) -> list[Submission]:
    """Submitted records for the grading queue, oldest first."""
    stmt = (
        select(Submission)
        .join(User, User.id == Submission.user_id)
        .where(Submission.status != "draft")
        .order_by(Submission.submitted_at, Submission.id)
    )
    if f.exercise_id:
        stmt = stmt.where(Submission.exercise_id == f.exercise_id)
    if f.bureau_id:
        stmt = stmt.where(User.bureau_id == f.bureau_id)
    if f.status:
        stmt = stmt.where(Submission.status == f.status)
    if f.owner_bureau_id is not None:
        owned = select(Exercise.id).where(Exercise.owner_bureau_id == f.owner_bureau_id)
        stmt = stmt.where(Submission.exercise_id.in_(owned))
    return list(db.session.scalars(stmt))
