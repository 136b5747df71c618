"""Case lessons: authoring, the officers' one attempt and its report to the score ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from casestudies.errors import CaseError, Conflict
from casestudies.lessons.models import CaseAttempt, CaseLesson, CaseQuestion
from lianbing.host import (
    ScoreNotCounted,
    User,
    active_campaign,
    db,
    declare_expected,
    log_event,
    record_score,
    utcnow,
    withdraw_expected,
    write_audit,
)

CITATION_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}:[0-9]+[A-Za-z0-9-]*$")


@dataclass(frozen=True)
class LessonData:
    title: str
    industry: str = ""
    violation_type: str = ""
    facts: str = ""
    evidence: str = ""
    decision: str = ""
    interpretation: str = ""
    mistakes: str = ""
    citations: tuple[str, ...] = ()
    is_published: bool = False
    #: when set, the published lesson is expected of every officer by then
    due_at: datetime | None = None


@dataclass(frozen=True)
class QuestionData:
    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    answer: str = ""
    explanation: str = ""


def parse_citations(text: str) -> tuple[str, ...]:
    """Law reference keys, one per line or comma separated, e.g. 'EPL2014:24'."""
    keys = tuple(k.strip() for k in re.split(r"[\s,，、;；]+", text or "") if k.strip())
    bad = [k for k in keys if not CITATION_RE.match(k)]
    if bad:
        raise CaseError(f"法条引用“{bad[0]}”格式不对，应如 EPL2014:24（法律代码:条号）。")
    return keys


def save_lesson(
    lesson: CaseLesson | None,
    data: LessonData,
    *,
    actor_id: int,
    owner_bureau_id: int | None = None,
) -> CaseLesson:
    """Create or update a case lesson (a new one belongs to ``owner_bureau_id`` or the city)."""
    if not data.title.strip():
        raise CaseError("案例标题不能为空。")
    created = lesson is None
    lesson = lesson or CaseLesson(created_by=actor_id, owner_bureau_id=owner_bureau_id)
    for name in LessonData.__dataclass_fields__:
        value = getattr(data, name)
        setattr(lesson, name, list(value) if name == "citations" else value)
    db.session.add(lesson)
    db.session.flush()
    write_audit(
        "casestudies.lesson." + ("create" if created else "update"),
        "cs_case_lesson",
        lesson.id,
        actor_id=actor_id,
        new={"title": lesson.title},
    )
    expect(lesson, actor_id)
    return lesson


def expect(lesson: CaseLesson, actor_id: int | None = None) -> None:
    """A published lesson with a due date and questions is expected of every officer by then
    (worth one point a question, as its results are); otherwise it is withdrawn."""
    campaign, ref = active_campaign(), f"case:{lesson.id}"
    if campaign is None:
        return
    if lesson.is_published and lesson.due_at is not None and lesson.questions:
        points = float(len(lesson.questions))
        declare_expected(
            campaign.id, "case_lesson", ref, lesson.title, points, lesson.due_at, actor_id=actor_id
        )
    else:
        withdraw_expected(campaign.id, "case_lesson", ref, actor_id=actor_id)


def add_question(
    lesson: CaseLesson, data: QuestionData, *, actor_id: int | None = None
) -> CaseQuestion:
    """Add a choice or short-text question at the end of a lesson (one more point expected)."""
    if data.kind not in ("choice", "text") or not data.prompt.strip():
        raise CaseError("请填写题目，并选择题型（选择题或简答题）。")
    if data.kind == "choice":
        _check_choice(data)
    q = CaseQuestion(
        lesson_id=lesson.id,
        kind=data.kind,
        prompt=data.prompt,
        options=list(data.options),
        answer=data.answer.strip(),
        explanation=data.explanation,
        position=len(lesson.questions),
    )
    db.session.add(q)
    db.session.flush()
    db.session.refresh(lesson)
    expect(lesson, actor_id)
    return q


def _check_choice(data: QuestionData) -> None:
    if len(data.options) < 2:
        raise CaseError("选择题至少需要两个选项。")
    if not data.answer.strip().isdigit() or not 1 <= int(data.answer) <= len(data.options):
        raise CaseError(f"正确选项须为 1 到 {len(data.options)} 之间的序号。")


def delete_question(question: CaseQuestion, *, actor_id: int | None = None) -> None:
    """Remove a question, unless officers have already answered the lesson."""
    if db.session.scalar(
        select(CaseAttempt.id).where(CaseAttempt.lesson_id == question.lesson_id).limit(1)
    ):
        raise Conflict("已有人员作答，不能删除题目。")
    lesson = question.lesson
    db.session.delete(question)
    db.session.flush()
    db.session.refresh(lesson)
    expect(lesson, actor_id)


def lessons(published_only: bool, bureau_id: int | None = None) -> list[CaseLesson]:
    """All lessons, or only the published ones, in creation order; with ``bureau_id``, only
    the city's and that bureau's own."""
    stmt = select(CaseLesson).order_by(CaseLesson.id)
    if published_only:
        stmt = stmt.where(CaseLesson.is_published.is_(True))
    if bureau_id is not None:
        stmt = stmt.where(
            or_(CaseLesson.owner_bureau_id.is_(None), CaseLesson.owner_bureau_id == bureau_id)
        )
    return list(db.session.scalars(stmt))


def attempt_for(lesson_id: int, user_id: int) -> CaseAttempt | None:
    """The officer's attempt at a lesson, if any."""
    return db.session.scalar(
        select(CaseAttempt).where(
            CaseAttempt.lesson_id == lesson_id, CaseAttempt.user_id == user_id
        )
    )


def submit_lesson(
    lesson: CaseLesson, user: User, answers: dict[str, str], campaign_id: int | None
) -> CaseAttempt:
    """Keep an officer's answers once, mark the choice questions, report to the ledger."""
    if attempt_for(lesson.id, user.id):
        raise Conflict("您已经完成本案例，不能重复作答。")
    clean = {str(q.id): (answers.get(str(q.id)) or "").strip()[:2000] for q in lesson.questions}
    if not any(clean.values()):
        raise CaseError("请至少回答一道题后再提交。")
    points = sum(1.0 for q in lesson.questions if question_credit(q, clean[str(q.id)]))
    attempt = CaseAttempt(
        lesson_id=lesson.id,
        user_id=user.id,
        answers=clean,
        points=points,
        max_points=float(len(lesson.questions)),
        submitted_at=utcnow(),
    )
    db.session.add(attempt)
    db.session.flush()
    _report_attempt(lesson, user, attempt, points, campaign_id)
    return attempt


def _report_attempt(
    lesson: CaseLesson, user: User, attempt: CaseAttempt, points: float, campaign_id: int | None
) -> None:
    """Send a kept attempt to the ledger (inside a campaign) and the event log.

    A result the ledger does not count (campaign closed, outside its dates) keeps the attempt;
    ``attempt.not_counted`` says why, for the page.
    """
    attempt.not_counted = None
    if campaign_id and lesson.questions:
        try:
            _lesson_ledger(lesson, user, attempt, points, campaign_id)
        except ScoreNotCounted as refusal:
            attempt.not_counted = refusal.message
    log_event(
        "casestudies",
        "lesson %s answered by user %s: %g/%g",
        lesson.id,
        user.id,
        points,
        attempt.max_points,
        actor_id=user.id,
        target=f"cs_case_lesson:{lesson.id}",
    )


def _lesson_ledger(
    lesson: CaseLesson, user: User, attempt: CaseAttempt, points: float, campaign_id: int
) -> None:
    record_score(
        user.id,
        campaign_id,
        "case_lesson",
        f"case:{lesson.id}",
        points,
        float(len(lesson.questions)),
        attempt.submitted_at,
        {"attempt_id": attempt.id},
        title=lesson.title,
        actor_id=user.id,
    )


def question_credit(question: CaseQuestion, answer: str) -> bool:
    """A choice is right or wrong; a short answer earns credit for being written (self-checked)."""
    if question.kind == "choice":
        return answer == question.answer
    return len(answer) >= 2
