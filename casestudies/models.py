"""Case lessons, record-writing exercises, rubrics, submissions, grades and regrades."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import User
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

RECORD_TYPES = {"inspection": "现场检查（勘察）笔录", "inquiry": "调查询问笔录"}
STATUSES = {"draft": "草稿", "submitted": "待评分", "graded": "已评分", "released": "已发布"}


class CaseLesson(db.Model):
    """A case explained by law (以案释法), told in stages."""

    __tablename__ = "cs_case_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(100), default="")
    violation_type: Mapped[str] = mapped_column(String(100), default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    interpretation: Mapped[str] = mapped_column(Text, default="")
    mistakes: Mapped[str] = mapped_column(Text, default="")
    #: law reference keys of the training library, e.g. ["EPL2014:24"] (no import of training)
    citations: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list["CaseQuestion"]] = relationship(
        back_populates="lesson", order_by="CaseQuestion.position", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<CaseLesson {self.id} {self.title}>"


class CaseQuestion(db.Model):
    """A question the officer answers after reading the facts."""

    __tablename__ = "cs_case_questions"
    __table_args__ = (CheckConstraint("kind IN ('choice', 'text')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("cs_case_lessons.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: choice: index of the right option as a string; text: the reference answer
    answer: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")

    lesson: Mapped[CaseLesson] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<CaseQuestion {self.id} {self.kind}>"


class CaseAttempt(db.Model):
    """An officer's answers to one lesson; one per officer and lesson."""

    __tablename__ = "cs_case_attempts"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id", name="uq_cs_case_attempts_lesson_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("cs_case_lessons.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: {question_id (str): answer (str)}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    points: Mapped[float] = mapped_column(Float, default=0.0)
    max_points: Mapped[float] = mapped_column(Float, default=0.0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CaseAttempt {self.id} lesson {self.lesson_id} u{self.user_id}>"


class Rubric(db.Model):
    """A versioned rubric; its criteria live in ``data`` (the JSON export format)."""

    __tablename__ = "cs_rubrics"
    __table_args__ = (
        UniqueConstraint("family", "version", name="uq_cs_rubrics_family_version"),
        CheckConstraint("record_type IN ('inspection', 'inquiry')", name="record_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: versions of one rubric share a family key
    family: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(20))
    total_points: Mapped[float] = mapped_column(Float)
    #: {"criteria": [...]} as validated by checks.validate_rubric
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: set when the first record is graded against it; edits then need a new version
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Rubric {self.id} {self.family} v{self.version}>"


class Exercise(db.Model):
    """A record-writing exercise: a scenario, a record type, a due time and a rubric."""

    __tablename__ = "cs_exercises"
    __table_args__ = (
        CheckConstraint("record_type IN ('inspection', 'inquiry')", name="record_type"),
        CheckConstraint("regrade_days >= 0", name="regrade_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(20))
    scenario: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(Text, default="")
    known_facts: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("cs_rubrics.id"))
    #: an optional photo or document shown with the scenario
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_second_marker: Mapped[bool] = mapped_column(Boolean, default=False)
    #: markers differing by more than this many points on a criterion must reconcile
    margin: Mapped[float] = mapped_column(Float, default=2.0)
    #: days after release during which the officer may ask for a regrade
    regrade_days: Mapped[int] = mapped_column(Integer, default=7)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rubric: Mapped[Rubric] = relationship()

    def __repr__(self) -> str:
        return f"<Exercise {self.id} {self.record_type} {self.title}>"


class Submission(db.Model):
    """One officer's record for one exercise: a draft, then one final submission."""

    __tablename__ = "cs_submissions"
    __table_args__ = (
        UniqueConstraint("exercise_id", "user_id", name="uq_cs_submissions_exercise_user"),
        CheckConstraint("status IN ('draft', 'submitted', 'graded', 'released')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("cs_exercises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    #: header fields, keyed as in records.FIELDS
    header: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")
    #: inquiry records: [{"q": ..., "a": ...}, ...]
    qa: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    confirmation: Mapped[str] = mapped_column(Text, default="")
    #: the canonical plain text graded (fixed at submission so evidence spans stay valid)
    text: Mapped[str] = mapped_column(Text, default="")
    #: the automatic pre-grade: {"criteria": {key: {...}}, "total": .., "vetoed": ..}
    pregrade: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    final_points: Mapped[float | None] = mapped_column(Float)
    is_reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exercise: Mapped[Exercise] = relationship()
    user: Mapped[User] = relationship()
    grades: Mapped[list["Grade"]] = relationship(back_populates="submission", order_by="Grade.marker_role")

    def __repr__(self) -> str:
        return f"<Submission {self.id} ex{self.exercise_id} u{self.user_id} {self.status}>"


class Grade(db.Model):
    """One marker's grade of a submission (first marker, optional second marker)."""

    __tablename__ = "cs_grades"
    __table_args__ = (
        UniqueConstraint("submission_id", "marker_role", name="uq_cs_grades_submission_role"),
        CheckConstraint("marker_role IN ('first', 'second')", name="marker_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("cs_submissions.id"), index=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marker_role: Mapped[str] = mapped_column(String(10))
    #: {criterion key: {"points": float, "comment": str, "vetoed": bool}}
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="grades")
    marker: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Grade {self.id} s{self.submission_id} {self.marker_role} {self.total}>"


class GradeChange(db.Model):
    """Every change of a criterion's points or comment, with who made it."""

    __tablename__ = "cs_grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("cs_grades.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    old_points: Mapped[float | None] = mapped_column(Float)
    new_points: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: "grade", "reconcile" or "regrade"
    reason: Mapped[str] = mapped_column(String(20), default="grade")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grader: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<GradeChange g{self.grade_id} {self.criterion} {self.old_points}->{self.new_points}>"


class Comment(db.Model):
    """A reusable comment in a trainer's comment bank."""

    __tablename__ = "cs_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    standard: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.text[:10]}>"


class RegradeRequest(db.Model):
    """An officer's request to regrade one criterion, and the trainer's answer."""

    __tablename__ = "cs_regrade_requests"
    __table_args__ = (
        UniqueConstraint("submission_id", "criterion", name="uq_cs_regrade_requests_submission_criterion"),
        CheckConstraint("status IN ('open', 'answered')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("cs_submissions.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    old_points: Mapped[float | None] = mapped_column(Float)
    new_points: Mapped[float | None] = mapped_column(Float)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()

    def __repr__(self) -> str:
        return f"<RegradeRequest {self.id} s{self.submission_id} {self.criterion} {self.status}>"
