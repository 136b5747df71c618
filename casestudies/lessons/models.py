"""Case lessons (以案释法), their questions and the officers' attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow


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
    #: when set, the published lesson is expected of every officer by then (a miss counts 0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the county bureau that runs it, for its own officers only; None = a city-wide lesson
    owner_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list["CaseQuestion"]] = relationship(
        back_populates="lesson", order_by="CaseQuestion.position", cascade="all, delete-orphan"
    )

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
    __table_args__ = (
        UniqueConstraint("lesson_id", "user_id", name="uq_cs_case_attempts_lesson_user"),
    )

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
