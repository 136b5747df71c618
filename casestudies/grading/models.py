"""Markers' grades, their change log, the comment bank and regrade requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casestudies.exercises.models import Submission
from lianbing.host import User, UTCDateTime, db, utcnow


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
        return (
            f"<GradeChange g{self.grade_id} {self.criterion} {self.old_points}->{self.new_points}>"
        )


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
        UniqueConstraint(
            "submission_id", "criterion", name="uq_cs_regrade_requests_submission_criterion"
        ),
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
