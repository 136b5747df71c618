"""Record-writing exercises and submissions: drafts, the one final submission and its pre-grade."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from casestudies.errors import CaseError, Conflict, TooLarge
from casestudies.exercises.models import Exercise, Submission
from casestudies.exercises.records import MAX_RECORD_CHARS, Draft, parse_record, render_text
from casestudies.rubrics import campaigns as campaign_rubrics
from casestudies.rubrics import checks
from casestudies.rubrics.models import Rubric
from casestudies.rubrics.services import compiled, rubric_data
from lianbing.host import (
    User,
    active_campaign,
    db,
    declare_expected,
    log_event,
    utcnow,
    withdraw_expected,
    write_audit,
)


@dataclass(frozen=True)
class ExerciseData:
    title: str
    record_type: str
    scenario: str
    people: str
    known_facts: str
    due_at: datetime
    rubric_id: int
    is_published: bool = False
    needs_second_marker: bool = False
    margin: float = 2.0
    regrade_days: int = 7
    attachment_id: int | None = None


def save_exercise(
    exercise: Exercise | None,
    data: ExerciseData,
    *,
    actor_id: int,
    owner_bureau_id: int | None = None,
) -> Exercise:
    """Create or update an exercise; its rubric must fit the record type and add up.

    A new exercise belongs to ``owner_bureau_id`` (a county, for its own officers) or the city,
    and to the active campaign; it is graded by that campaign's version of the rubric family
    picked (``rubrics/campaigns.py``), whichever version was picked.
    """
    campaign_id = exercise.campaign_id if exercise else _active_id()
    rubric = _campaign_rubric(exercise, campaign_id, data)
    if exercise is not None and exercise.rubric_id != rubric.id and _has_submissions(exercise):
        raise Conflict("已有人员提交笔录，不能更换评分量表。")
    created = exercise is None
    exercise = exercise or Exercise(
        created_by=actor_id, owner_bureau_id=owner_bureau_id, campaign_id=campaign_id
    )
    for name in ExerciseData.__dataclass_fields__:
        if name != "attachment_id" or data.attachment_id is not None:
            setattr(exercise, name, getattr(data, name))
    exercise.rubric_id = rubric.id
    campaign_rubrics.record_use(campaign_id, rubric)
    db.session.add(exercise)
    db.session.flush()
    write_audit(
        "casestudies.exercise." + ("create" if created else "update"),
        "cs_exercise",
        exercise.id,
        actor_id=actor_id,
        new={"title": exercise.title, "rubric_id": rubric.id},
    )
    _expect(exercise, rubric, actor_id)
    return exercise


def rubric_choices(exercise: Exercise | None) -> list[Rubric]:
    """The rubrics the exercise's editor offers: of a family its campaign records, only that
    campaign's version (and the exercise's own)."""
    campaign_id = exercise.campaign_id if exercise else _active_id()
    every = list(db.session.scalars(select(Rubric).order_by(Rubric.family, Rubric.version)))
    allowed = {r.id for r in campaign_rubrics.offered(campaign_id, every)}
    if exercise is not None:
        allowed.add(exercise.rubric_id)
    return [r for r in every if r.id in allowed]


def _active_id() -> int | None:
    campaign = active_campaign()
    return campaign.id if campaign else None


def _campaign_rubric(
    exercise: Exercise | None, campaign_id: int | None, data: ExerciseData
) -> Rubric:
    """The campaign's version of the picked rubric (an exercise may keep its own), checked to
    fit the record type and add up."""
    rubric = db.session.get(Rubric, data.rubric_id)
    if rubric is not None and (exercise is None or rubric.id != exercise.rubric_id):
        rubric = campaign_rubrics.version_for(campaign_id, rubric)
    if rubric is None or rubric.record_type != data.record_type:
        raise CaseError("请选择与笔录类型相同的评分量表。")
    try:
        checks.compile_rubric(rubric_data(rubric), complete=True)
    except checks.RubricError as exc:
        raise CaseError(f"量表“{rubric.title}”尚不完整：{exc}") from exc
    return rubric


def _expect(exercise: Exercise, rubric: Rubric, actor_id: int) -> None:
    """A published exercise is expected by its due date of every officer (a county's: of its
    own officers); unpublished, of nobody."""
    campaign, ref = active_campaign(), f"exercise:{exercise.id}"
    if campaign is None:
        return
    if exercise.is_published:
        declare_expected(
            campaign.id,
            "record_exercise",
            ref,
            exercise.title,
            rubric.total_points,
            exercise.due_at,
            *_audience(exercise),
            actor_id=actor_id,
        )
    else:
        withdraw_expected(campaign.id, "record_exercise", ref, actor_id=actor_id)


def _audience(exercise: Exercise) -> tuple[str, list[int]]:
    if exercise.owner_bureau_id is None:
        return "all", []
    return "bureaus", [exercise.owner_bureau_id]


def _has_submissions(exercise: Exercise) -> bool:
    return (
        db.session.scalar(
            select(Submission.id)
            .where(Submission.exercise_id == exercise.id, Submission.status != "draft")
            .limit(1)
        )
        is not None
    )


def exercises(published_only: bool, bureau_id: int | None = None) -> list[Exercise]:
    """All exercises, or only the published ones, latest due first; with ``bureau_id``, only
    the city's and that bureau's own."""
    stmt = select(Exercise).order_by(Exercise.due_at.desc(), Exercise.id.desc())
    if published_only:
        stmt = stmt.where(Exercise.is_published.is_(True))
    if bureau_id is not None:
        stmt = stmt.where(
            or_(Exercise.owner_bureau_id.is_(None), Exercise.owner_bureau_id == bureau_id)
        )
    return list(db.session.scalars(stmt))


def submission_for(exercise: Exercise, user_id: int) -> Submission | None:
    """The officer's draft or submission for an exercise, if any."""
    return db.session.scalar(
        select(Submission).where(
            Submission.exercise_id == exercise.id, Submission.user_id == user_id
        )
    )


def draft_of(sub: Submission) -> Draft:
    """The record's fields as a Draft (for the form, the print view and exports)."""
    return Draft(
        header=dict(sub.header or {}),
        body=sub.body or "",
        qa=list(sub.qa or []),
        confirmation=sub.confirmation or "",
    )


def save_draft(exercise: Exercise, user: User, draft: Draft) -> Submission:
    """Keep the officer's draft (created on first save); refused once submitted."""
    if draft.char_count() > MAX_RECORD_CHARS:
        raise TooLarge(f"笔录内容过长（{draft.char_count()} 字），上限 {MAX_RECORD_CHARS} 字。")
    if draft.binary():
        raise CaseError("笔录含有二进制或控制字符，不是纯文本，请删除后再保存。")
    sub = submission_for(exercise, user.id)
    if sub is None:
        sub = Submission(exercise_id=exercise.id, user_id=user.id, status="draft")
        db.session.add(sub)
    if sub.status != "draft":
        raise Conflict("笔录已经提交，不能再修改。")
    sub.header, sub.body, sub.qa = draft.header, draft.body, draft.qa
    sub.confirmation, sub.saved_at = draft.confirmation, utcnow()
    db.session.flush()
    return sub


def submit(exercise: Exercise, user: User, draft: Draft, now: datetime | None = None) -> Submission:
    """The one final submission: fix the text, pre-grade it, lock the rubric."""
    now = now or utcnow()
    if draft.is_empty():
        raise CaseError("笔录正文为空，不能提交。")
    if now > exercise.due_at:
        raise Conflict("已过截止时间，不能再提交。")
    sub = save_draft(exercise, user, draft)
    sub.text = render_text(exercise.record_type, draft)
    sub.status, sub.submitted_at = "submitted", now
    _pregrade(sub, exercise)
    db.session.flush()
    write_audit(
        "casestudies.submission.submit",
        "cs_submission",
        sub.id,
        actor_id=user.id,
        bureau_id=user.bureau_id,
        new={"pregrade_total": sub.pregrade["total"]},
    )
    log_event(
        "casestudies",
        "submission %s for exercise %s submitted by user %s",
        sub.id,
        exercise.id,
        user.id,
        actor_id=user.id,
        target=f"cs_submission:{sub.id}",
    )
    return sub


def _pregrade(sub: Submission, exercise: Exercise) -> None:
    """Apply the rubric's automatic checks to the fixed text; the rubric is locked from now on."""
    sub.pregrade = checks.pregrade(compiled(exercise.rubric), parse_record(sub.text))
    exercise.rubric.is_locked = True
    log_event(
        "casestudies",
        "submission %s pre-graded: %g/%g%s",
        sub.id,
        sub.pregrade["total"],
        sub.pregrade["max"],
        " (vetoed)" if sub.pregrade["vetoed"] else "",
        target=f"cs_submission:{sub.id}",
    )
