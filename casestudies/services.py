"""Behaviour of the casestudies part: lessons, rubrics, exercises, submissions, grading, regrades."""
from __future__ import annotations

import json
import re
import uuid
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lianbing import signals
from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger import services as scoring

from casestudies import checks
from casestudies.models import (CaseAttempt, CaseLesson, CaseQuestion, Comment, Exercise, Grade,
                                GradeChange, RegradeRequest, Rubric, Submission)
from casestudies.records import MAX_RECORD_CHARS, Draft, parse_record, render_text

CITATION_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}:[0-9]+[A-Za-z0-9-]*$")
MAX_IMPORT_BYTES = 512 * 1024


class CaseError(ValueError):
    """A request the part refuses; the message is for people, ``status`` for HTTP."""

    status = 400


class Conflict(CaseError):
    status = 409


class TooLarge(CaseError):
    status = 413


class NotAllowed(CaseError):
    status = 403


# --- case lessons -------------------------------------------------------------

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


def save_lesson(lesson: CaseLesson | None, data: LessonData, *, actor_id: int) -> CaseLesson:
    """Create or update a case lesson."""
    if not data.title.strip():
        raise CaseError("案例标题不能为空。")
    created = lesson is None
    lesson = lesson or CaseLesson(created_by=actor_id)
    for name in LessonData.__dataclass_fields__:
        value = getattr(data, name)
        setattr(lesson, name, list(value) if name == "citations" else value)
    db.session.add(lesson)
    db.session.flush()
    audit.write("casestudies.lesson." + ("create" if created else "update"), "cs_case_lesson",
                lesson.id, actor_id=actor_id, new={"title": lesson.title})
    return lesson


def add_question(lesson: CaseLesson, data: QuestionData) -> CaseQuestion:
    """Add a choice or short-text question at the end of a lesson."""
    if data.kind not in ("choice", "text") or not data.prompt.strip():
        raise CaseError("请填写题目，并选择题型（选择题或简答题）。")
    if data.kind == "choice":
        _check_choice(data)
    q = CaseQuestion(lesson_id=lesson.id, kind=data.kind, prompt=data.prompt, options=list(data.options),
                     answer=data.answer.strip(), explanation=data.explanation,
                     position=len(lesson.questions))
    db.session.add(q)
    db.session.flush()
    db.session.refresh(lesson)
    return q


def _check_choice(data: QuestionData) -> None:
    if len(data.options) < 2:
        raise CaseError("选择题至少需要两个选项。")
    if not data.answer.strip().isdigit() or not 1 <= int(data.answer) <= len(data.options):
        raise CaseError(f"正确选项须为 1 到 {len(data.options)} 之间的序号。")


def delete_question(question: CaseQuestion) -> None:
    if db.session.scalar(select(CaseAttempt.id).where(CaseAttempt.lesson_id == question.lesson_id).limit(1)):
        raise Conflict("已有人员作答，不能删除题目。")
    db.session.delete(question)
    db.session.flush()


def lessons(published_only: bool) -> list[CaseLesson]:
    stmt = select(CaseLesson).order_by(CaseLesson.id)
    if published_only:
        stmt = stmt.where(CaseLesson.is_published.is_(True))
    return list(db.session.scalars(stmt))


def attempt_for(lesson_id: int, user_id: int) -> CaseAttempt | None:
    return db.session.scalar(select(CaseAttempt).where(
        CaseAttempt.lesson_id == lesson_id, CaseAttempt.user_id == user_id))


def submit_lesson(lesson: CaseLesson, user: User, answers: dict[str, str], campaign_id: int | None) -> CaseAttempt:
    """Keep an officer's answers once, mark the choice questions, report to the ledger."""
    if attempt_for(lesson.id, user.id):
        raise Conflict("您已经完成本案例，不能重复作答。")
    clean = {str(q.id): (answers.get(str(q.id)) or "").strip()[:2000] for q in lesson.questions}
    if not any(clean.values()):
        raise CaseError("请至少回答一道题后再提交。")
    points = sum(1.0 for q in lesson.questions if question_credit(q, clean[str(q.id)]))
    attempt = CaseAttempt(lesson_id=lesson.id, user_id=user.id, answers=clean, points=points,
                          max_points=float(len(lesson.questions)), submitted_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    if campaign_id and lesson.questions:
        scoring.record(user.id, campaign_id, "case_lesson", f"case:{lesson.id}", points,
                       float(len(lesson.questions)), attempt.submitted_at, {"attempt_id": attempt.id},
                       title=lesson.title, actor_id=user.id)
    return attempt


def question_credit(question: CaseQuestion, answer: str) -> bool:
    """A choice is right or wrong; a short answer earns credit for being written (self-checked)."""
    if question.kind == "choice":
        return answer == question.answer
    return len(answer) >= 2


# --- rubrics ------------------------------------------------------------------

def rubric_data(rubric: Rubric) -> dict:
    """The rubric in its JSON export format."""
    return {"title": rubric.title, "record_type": rubric.record_type, "total_points": rubric.total_points,
            "version": rubric.version, "criteria": deepcopy((rubric.data or {}).get("criteria", []))}


def compiled(rubric: Rubric) -> checks.CompiledRubric:
    return checks.compile_rubric(rubric_data(rubric), complete=False)


def create_rubric(data: dict, *, actor_id: int, complete: bool = False, family: str | None = None,
                  version: int = 1) -> Rubric:
    """Validate and store a rubric (a new family unless given)."""
    checks.compile_rubric(data, complete=complete)
    rubric = Rubric(family=family or uuid.uuid4().hex[:12], version=version, title=data["title"].strip(),
                    record_type=data["record_type"], total_points=float(data["total_points"]),
                    data={"criteria": deepcopy(data.get("criteria", []))}, created_by=actor_id)
    db.session.add(rubric)
    db.session.flush()
    audit.write("casestudies.rubric.create", "cs_rubric", rubric.id, actor_id=actor_id,
                new={"title": rubric.title, "family": rubric.family, "version": version})
    return rubric


def _replace(rubric: Rubric, new: dict, actor_id: int, action: str) -> None:
    """Validate a changed rubric and store it, unless grading has started."""
    if rubric.is_locked:
        raise Conflict(f"量表“{rubric.title}”第 {rubric.version} 版已开始使用，已锁定；请另存为新版本后再修改。")
    checks.compile_rubric(new, complete=False)
    old = rubric_data(rubric)
    rubric.title, rubric.record_type = new["title"].strip(), new["record_type"]
    rubric.total_points = float(new["total_points"])
    rubric.data = {"criteria": deepcopy(new["criteria"])}
    db.session.flush()
    audit.write(f"casestudies.rubric.{action}", "cs_rubric", rubric.id, actor_id=actor_id,
                old={"total": old["total_points"], "n": len(old["criteria"])},
                new={"total": rubric.total_points, "n": len(new["criteria"])})


def update_rubric_head(rubric: Rubric, title: str, record_type: str, total_points: float, *, actor_id: int) -> None:
    new = rubric_data(rubric) | {"title": title, "record_type": record_type, "total_points": total_points}
    _replace(rubric, new, actor_id, "update")


def save_criterion(rubric: Rubric, criterion: dict, *, actor_id: int, replace_key: str | None = None) -> None:
    """Add a criterion, or replace the one keyed ``replace_key``; the whole rubric is re-validated."""
    new = rubric_data(rubric)
    items = new["criteria"]
    index = next((i for i, c in enumerate(items) if c.get("key") == replace_key), None)
    if replace_key and index is None:
        raise CaseError(f"找不到评分标准 {replace_key}。")
    if index is None:
        items.append(criterion)
    else:
        items[index] = criterion
    items.sort(key=lambda c: checks.STANDARDS.index(c["standard"]) if c.get("standard") in checks.STANDARDS else 9)
    _replace(rubric, new, actor_id, "criterion")


def delete_criterion(rubric: Rubric, key: str, *, actor_id: int) -> None:
    new = rubric_data(rubric)
    new["criteria"] = [c for c in new["criteria"] if c.get("key") != key]
    _replace(rubric, new, actor_id, "criterion")


def copy_rubric(rubric: Rubric, *, actor_id: int, as_version: bool) -> Rubric:
    """A copy: the next version of the same rubric, or a new rubric of its own."""
    data = rubric_data(rubric)
    if as_version:
        top = db.session.scalar(select(func.max(Rubric.version)).where(Rubric.family == rubric.family))
        return create_rubric(data, actor_id=actor_id, family=rubric.family, version=(top or 0) + 1)
    return create_rubric(data | {"title": data["title"] + "（副本）"}, actor_id=actor_id)


def import_rubric(raw: bytes, *, actor_id: int) -> Rubric:
    """A rubric from its JSON export; refused whole, naming the failing criterion."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise TooLarge("量表文件超过 512 KB。")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseError(f"不是有效的 JSON 文件：{exc}") from exc
    try:
        return create_rubric(data, actor_id=actor_id, complete=True)
    except checks.RubricError as exc:
        raise CaseError(str(exc)) from exc


def trial(rubric: Rubric, text: str) -> dict:
    """Pre-grade a pasted plain-text record against a rubric, storing nothing."""
    if not text.strip():
        raise CaseError("请粘贴一份笔录文本再试评。")
    if len(text) > MAX_RECORD_CHARS:
        raise TooLarge(f"笔录内容过长（{len(text)} 字），上限 {MAX_RECORD_CHARS} 字。")
    return checks.pregrade(compiled(rubric), parse_record(text))


def rubrics() -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).order_by(Rubric.family, Rubric.version)))


# --- exercises ----------------------------------------------------------------

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


def save_exercise(exercise: Exercise | None, data: ExerciseData, *, actor_id: int) -> Exercise:
    """Create or update an exercise; its rubric must fit the record type and add up."""
    rubric = db.session.get(Rubric, data.rubric_id)
    if rubric is None or rubric.record_type != data.record_type:
        raise CaseError("请选择与笔录类型相同的评分量表。")
    try:
        checks.compile_rubric(rubric_data(rubric), complete=True)
    except checks.RubricError as exc:
        raise CaseError(f"量表“{rubric.title}”尚不完整：{exc}") from exc
    if exercise is not None and exercise.rubric_id != rubric.id and _has_submissions(exercise):
        raise Conflict("已有人员提交笔录，不能更换评分量表。")
    created = exercise is None
    exercise = exercise or Exercise(created_by=actor_id)
    for name in ExerciseData.__dataclass_fields__:
        if name != "attachment_id" or data.attachment_id is not None:
            setattr(exercise, name, getattr(data, name))
    db.session.add(exercise)
    db.session.flush()
    audit.write("casestudies.exercise." + ("create" if created else "update"), "cs_exercise",
                exercise.id, actor_id=actor_id, new={"title": exercise.title, "rubric_id": rubric.id})
    return exercise


def _has_submissions(exercise: Exercise) -> bool:
    return db.session.scalar(select(Submission.id).where(
        Submission.exercise_id == exercise.id, Submission.status != "draft").limit(1)) is not None


def exercises(published_only: bool) -> list[Exercise]:
    stmt = select(Exercise).order_by(Exercise.due_at.desc(), Exercise.id.desc())
    if published_only:
        stmt = stmt.where(Exercise.is_published.is_(True))
    return list(db.session.scalars(stmt))


# --- submissions --------------------------------------------------------------

def submission_for(exercise: Exercise, user_id: int) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.exercise_id == exercise.id, Submission.user_id == user_id))


def draft_of(sub: Submission) -> Draft:
    return Draft(header=dict(sub.header or {}), body=sub.body or "", qa=list(sub.qa or []),
                 confirmation=sub.confirmation or "")


def save_draft(exercise: Exercise, user: User, draft: Draft) -> Submission:
    """Keep the officer's draft (created on first save); refused once submitted."""
    if draft.char_count() > MAX_RECORD_CHARS:
        raise TooLarge(f"笔录内容过长（{draft.char_count()} 字），上限 {MAX_RECORD_CHARS} 字。")
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
    sub.pregrade = checks.pregrade(compiled(exercise.rubric), parse_record(sub.text))
    sub.status, sub.submitted_at = "submitted", now
    exercise.rubric.is_locked = True
    db.session.flush()
    audit.write("casestudies.submission.submit", "cs_submission", sub.id, actor_id=user.id,
                bureau_id=user.bureau_id, new={"pregrade_total": sub.pregrade["total"]})
    return sub


# --- grading ------------------------------------------------------------------

def grade_of(sub: Submission, role: str) -> Grade | None:
    return next((g for g in sub.grades if g.marker_role == role), None)


def starting_scores(sub: Submission, role: str) -> dict:
    """What the grading form starts from: the marker's grade, else the pre-grade."""
    grade = grade_of(sub, role)
    if grade:
        return deepcopy(grade.scores)
    pre = (sub.pregrade or {}).get("criteria", {})
    return {k: {"points": v["points"], "comment": "", "vetoed": v["vetoed"]} for k, v in pre.items()}


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
    for crit in rubric_data(rubric)["criteria"]:
        given = scores.get(crit["key"]) or {}
        points = given.get("points")
        if not crit.get("veto") and (points is None or not 0 <= float(points) <= crit["max_points"]):
            raise CaseError(f"评分标准“{crit['title']}”的得分须在 0 到 {crit['max_points']:g} 之间。")
        out[crit["key"]] = {"points": 0.0 if crit.get("veto") else float(points),
                            "comment": str(given.get("comment") or "")[:2000],
                            "vetoed": bool(given.get("vetoed")) and bool(crit.get("veto"))}
    return out


def total_of(scores: dict) -> float:
    if any(s.get("vetoed") for s in scores.values()):
        return 0.0
    return round(sum(s.get("points") or 0.0 for s in scores.values()), 2)


def save_grade(sub: Submission, marker: User, role: str, scores: dict, comment: str, *, why: str = "grade") -> Grade:
    """Store a marker's grade, keeping every changed criterion with the grader's name."""
    _check_marker(sub, marker, role, why)
    clean = _clean_scores(sub.exercise.rubric, scores)
    grade = grade_of(sub, role)
    before = grade.scores if grade else starting_scores(sub, role)
    if grade is None:
        grade = Grade(submission_id=sub.id, marker_id=marker.id, marker_role=role)
        db.session.add(grade)
        db.session.flush()
    _log_changes(grade, before, clean, marker.id, why)
    grade.scores, grade.comment, grade.total = clean, comment[:5000], total_of(clean)
    grade.updated_at = utcnow()
    if why != "reconcile":  # the reconciler's name is kept in the change log, not as the marker
        grade.marker_id = marker.id
    sub.status = "graded"
    db.session.flush()
    db.session.refresh(sub)
    audit.write("casestudies.grade.save", "cs_submission", sub.id, actor_id=marker.id,
                bureau_id=sub.user.bureau_id, new={"role": role, "total": grade.total})
    return grade


def _log_changes(grade: Grade, before: dict, after: dict, grader_id: int, why: str) -> None:
    """One GradeChange row per criterion whose points, veto or comment changed."""
    for key, new in after.items():
        old = before.get(key) or {}
        if (old.get("points"), old.get("vetoed", False), old.get("comment") or "") == \
                (new["points"], new["vetoed"], new["comment"]):
            continue
        db.session.add(GradeChange(grade_id=grade.id, criterion=key, old_points=old.get("points"),
                                   new_points=new["points"], comment=new["comment"],
                                   grader_id=grader_id, reason=why, at=utcnow()))


def history(sub: Submission) -> list[GradeChange]:
    ids = [g.id for g in sub.grades]
    return list(db.session.scalars(select(GradeChange).where(GradeChange.grade_id.in_(ids))
                                   .order_by(GradeChange.at, GradeChange.id))) if ids else []


def differences(sub: Submission) -> list[dict]:
    """Criteria where the two markers differ by more than the exercise's margin."""
    first, second = grade_of(sub, "first"), grade_of(sub, "second")
    if not first or not second:
        return []
    out = []
    for crit in rubric_data(sub.exercise.rubric)["criteria"]:
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
    if sub.status != "graded" or first is None:
        raise Conflict("笔录尚未评分，不能发布。")
    if actor.id == sub.user_id:
        raise NotAllowed("不能发布自己提交的笔录的成绩。")
    if sub.exercise.needs_second_marker:
        if grade_of(sub, "second") is None:
            raise Conflict("本练习需要第二评分人评分后才能发布。")
        if differences(sub) and not sub.is_reconciled:
            raise Conflict("两位评分人的分差超过允许范围，请先核定分数。")
    sub.final_points, sub.status, sub.released_at = first.total, "released", utcnow()
    db.session.flush()
    _to_ledger(sub, actor, campaign_id, "发布笔录评分")
    audit.write("casestudies.grade.release", "cs_submission", sub.id, actor_id=actor.id,
                bureau_id=sub.user.bureau_id, new={"points": sub.final_points})
    signals.record_released.send("casestudies", user_id=sub.user_id, exercise_id=sub.exercise_id,
                                 submission_id=sub.id, points=sub.final_points,
                                 max_points=sub.exercise.rubric.total_points)
    return sub


def _to_ledger(sub: Submission, actor: User, campaign_id: int | None, reason: str) -> None:
    if campaign_id is None:
        raise Conflict("当前没有进行中的练兵活动，无法记入成绩。")
    scoring.record(sub.user_id, campaign_id, "record_exercise", f"exercise:{sub.exercise_id}",
                   sub.final_points, sub.exercise.rubric.total_points, sub.submitted_at,
                   {"submission_id": sub.id}, title=sub.exercise.title, actor_id=actor.id, reason=reason)


# --- regrades -----------------------------------------------------------------

def regrade_deadline(sub: Submission) -> datetime | None:
    if sub.released_at is None:
        return None
    return sub.released_at + timedelta(days=sub.exercise.regrade_days)


def request_regrade(sub: Submission, user: User, criterion: str, reason: str,
                    now: datetime | None = None) -> RegradeRequest:
    """The officer asks for one criterion to be looked at again, within the window."""
    _check_regrade_request(sub, user, criterion, reason, now or utcnow())
    req = RegradeRequest(submission_id=sub.id, criterion=criterion, reason=reason.strip()[:2000],
                         old_points=(grade_of(sub, "first").scores.get(criterion) or {}).get("points"),
                         created_at=now or utcnow())
    db.session.add(req)
    db.session.flush()
    audit.write("casestudies.regrade.request", "cs_submission", sub.id, actor_id=user.id,
                bureau_id=user.bureau_id, new={"criterion": criterion}, reason=req.reason)
    return req


def _check_regrade_request(sub: Submission, user: User, criterion: str, reason: str, now: datetime) -> None:
    if sub.user_id != user.id:
        raise NotAllowed("只能对自己的笔录申请复评。")
    if sub.status != "released":
        raise Conflict("成绩发布后才能申请复评。")
    if now > regrade_deadline(sub):
        raise Conflict(f"复评申请期限（发布后 {sub.exercise.regrade_days} 天）已过。")
    if criterion not in {c["key"] for c in rubric_data(sub.exercise.rubric)["criteria"]}:
        raise CaseError("请选择要复评的评分标准。")
    if not reason.strip():
        raise CaseError("请说明申请复评的理由。")
    if db.session.scalar(select(RegradeRequest.id).where(RegradeRequest.submission_id == sub.id,
                                                         RegradeRequest.criterion == criterion)):
        raise Conflict("该评分标准已申请过复评。")


def answer_regrade(req: RegradeRequest, actor: User, new_points: float, answer: str,
                   campaign_id: int | None) -> RegradeRequest:
    """The trainer answers; changed points flow to the grade, the ledger and the audit log."""
    sub = req.submission
    if req.status != "open":
        raise Conflict("该复评申请已答复。")
    if actor.id == sub.user_id:
        raise NotAllowed("不能答复自己的复评申请。")
    if not answer.strip():
        raise CaseError("请填写答复意见。")
    first = grade_of(sub, "first")
    scores = _regraded(sub, first, req.criterion, new_points)
    _apply_regrade(sub, first, scores, actor, answer)
    req.status, req.answer, req.new_points = "answered", answer.strip()[:2000], scores[req.criterion]["points"]
    req.answered_by, req.answered_at = actor.id, utcnow()
    sub.final_points = first.total
    db.session.flush()
    _to_ledger(sub, actor, campaign_id, f"复评：{req.answer}")
    audit.write("casestudies.regrade.answer", "cs_submission", sub.id, actor_id=actor.id,
                bureau_id=sub.user.bureau_id, old={"points": req.old_points},
                new={"points": req.new_points, "criterion": req.criterion}, reason=req.answer)
    return req


def _regraded(sub: Submission, grade: Grade, key: str, new_points: float) -> dict:
    """The grade's scores with one criterion's points replaced (checked against its range)."""
    crit = next(c for c in rubric_data(sub.exercise.rubric)["criteria"] if c["key"] == key)
    if not crit.get("veto") and not 0 <= new_points <= crit["max_points"]:
        raise CaseError(f"评分标准“{crit['title']}”的得分须在 0 到 {crit['max_points']:g} 之间。")
    scores = deepcopy(grade.scores)
    scores.setdefault(key, {"comment": "", "vetoed": False})["points"] = 0.0 if crit.get("veto") else float(new_points)
    return scores


def _apply_regrade(sub: Submission, grade: Grade, scores: dict, actor: User, answer: str) -> None:
    _log_changes(grade, grade.scores, scores, actor.id, "regrade")
    grade.scores, grade.total, grade.updated_at = scores, total_of(scores), utcnow()


def regrade_requests(sub: Submission) -> list[RegradeRequest]:
    return list(db.session.scalars(select(RegradeRequest).where(RegradeRequest.submission_id == sub.id)
                                   .order_by(RegradeRequest.id)))


def open_regrades() -> list[RegradeRequest]:
    return list(db.session.scalars(select(RegradeRequest).where(RegradeRequest.status == "open")
                                   .order_by(RegradeRequest.created_at)))


# --- comment bank, queue, statistics -------------------------------------------

def add_comment(owner: User, text: str, standard: str = "") -> Comment:
    if not text.strip() or len(text) > 500:
        raise CaseError("评语须为 1 到 500 字。")
    row = Comment(owner_id=owner.id, text=text.strip(), standard=standard if standard in checks.STANDARDS else "")
    db.session.add(row)
    db.session.flush()
    return row


def comment_bank() -> list[Comment]:
    return list(db.session.scalars(select(Comment).order_by(Comment.standard, Comment.id)))


@dataclass(frozen=True)
class QueueFilter:
    exercise_id: int | None = None
    bureau_id: int | None = None
    status: str = ""


def queue(f: QueueFilter) -> list[Submission]:
    """Submitted records for the grading queue, oldest first."""
    stmt = (select(Submission).join(User, User.id == Submission.user_id)
            .where(Submission.status != "draft").order_by(Submission.submitted_at, Submission.id))
    if f.exercise_id:
        stmt = stmt.where(Submission.exercise_id == f.exercise_id)
    if f.bureau_id:
        stmt = stmt.where(User.bureau_id == f.bureau_id)
    if f.status:
        stmt = stmt.where(Submission.status == f.status)
    return list(db.session.scalars(stmt))


def criterion_stats(exercise: Exercise) -> dict:
    """Average share of points per criterion (graded, else pre-graded), overall and by bureau."""
    crits = [c for c in rubric_data(exercise.rubric)["criteria"] if not c.get("veto")]
    subs = queue(QueueFilter(exercise_id=exercise.id))
    overall, by_bureau = {c["key"]: [] for c in crits}, {}
    for sub in subs:
        scores = _scores_for_stats(sub)
        bureau = by_bureau.setdefault(sub.user.bureau.short_name, {c["key"]: [] for c in crits})
        for c in crits:
            points = (scores.get(c["key"]) or {}).get("points")
            if points is not None:
                share = 100.0 * points / c["max_points"]
                overall[c["key"]].append(share)
                bureau[c["key"]].append(share)
    return {"criteria": crits, "count": len(subs), "bureau_totals": _bureau_totals(subs),
            "missed": _missed(subs),
            "overall": {k: _avg(v) for k, v in overall.items()},
            "by_bureau": {b: {k: _avg(v) for k, v in d.items()} for b, d in sorted(by_bureau.items())}}


def _missed(subs: list[Submission], top: int = 10) -> list[tuple[str, int]]:
    """The automatic checks' findings ("未记载：…", "出现不应使用的用语：…") by how many records had them."""
    counts: dict[str, int] = {}
    for sub in subs:
        found = {f"{key} {m.split('：')[0] if '用语' in m else m}"
                 for key, crit in ((sub.pregrade or {}).get("criteria") or {}).items()
                 for check in crit["checks"] for m in check["messages"]}
        for item in found:
            counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _avg(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _bureau_totals(subs: list[Submission]) -> list[tuple[str, float]]:
    """Average released mark per bureau."""
    totals: dict[str, list[float]] = {}
    for sub in subs:
        if sub.final_points is not None:
            totals.setdefault(sub.user.bureau.short_name, []).append(sub.final_points)
    return [(b, _avg(v)) for b, v in sorted(totals.items())]


def _scores_for_stats(sub: Submission) -> dict:
    grade = grade_of(sub, "first")
    if grade:
        return grade.scores
    return (sub.pregrade or {}).get("criteria", {})
