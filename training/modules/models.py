"""Models of law-study modules: lessons and their attachments, the end-of-module check,
study records and completions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow


class Module(db.Model):
    """A law-study module: an ordered list of lessons and an optional check."""

    __tablename__ = "training_modules"
    __table_args__ = (CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: law codes covered, comma separated (e.g. "EPL2014,APL2021")
    law_codes: Mapped[str] = mapped_column(String(200), default="")
    #: roles the module is meant for, comma separated
    target_roles: Mapped[str] = mapped_column(String(100), default="officer")
    is_required: Mapped[bool] = mapped_column(default=True)
    is_published: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    #: percentage of the check's points needed to pass
    pass_mark: Mapped[int] = mapped_column(default=60)
    #: questions drawn per check attempt from the module's pool (0 = all of them)
    check_size: Mapped[int] = mapped_column(default=0, server_default="0")
    #: check attempts allowed (0 = unlimited); the key is shown after passing or the last one
    check_attempts: Mapped[int] = mapped_column(default=3, server_default="3")
    #: minutes to wait after a failed attempt before the next one (0 = none)
    check_cooldown_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position, Lesson.id", cascade="all, delete-orphan"
    )
    questions: Mapped[list["CheckQuestion"]] = relationship(
        back_populates="module",
        order_by="CheckQuestion.position, CheckQuestion.id",
        cascade="all, delete-orphan",
    )

    @property
    def roles(self) -> set[str]:
        return {r for r in self.target_roles.split(",") if r}

    def __repr__(self) -> str:
        return f"<Module {self.id} {self.title}>"


class Lesson(db.Model):
    """A lesson: Markdown body, cited articles written inline as [[EPL2014:24]]."""

    __tablename__ = "training_lessons"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: estimated reading minutes; study time counted on the lesson is capped from it
    minutes: Mapped[int] = mapped_column(default=10)
    is_required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="lessons")
    attachments: Mapped[list["LessonAttachment"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonAttachment.id"
    )

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.title}>"


class LessonAttachment(db.Model):
    __tablename__ = "training_lesson_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("training_lessons.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    lesson: Mapped[Lesson] = relationship(back_populates="attachments")
    file = relationship("StoredFile")

    def __repr__(self) -> str:
        return f"<LessonAttachment {self.id} lesson={self.lesson_id}>"


class CheckQuestion(db.Model):
    """A question of a module's end-of-module check (owned by training)."""

    __tablename__ = "training_check_questions"
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'multiple', 'truefalse')", name="kind"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    #: list of option texts
    options: Mapped[list] = mapped_column(JSON)
    #: sorted list of correct option indexes; never sent before submission
    answer: Mapped[list] = mapped_column(JSON)
    points: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<CheckQuestion {self.id} {self.kind}>"


class CheckAttempt(db.Model):
    """One attempt at a module check; submitted once, never again."""

    __tablename__ = "training_check_attempts"
    __table_args__ = (
        UniqueConstraint(
            "module_id", "user_id", "number", name="uq_training_check_attempts_number"
        ),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: fraction of points earned (0..1)
    score: Mapped[float | None]
    is_passed: Mapped[bool] = mapped_column(default=False)
    responses: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the paper drawn at start: [{"q": question id, "order": [option indexes as shown]}, …];
    #: None for attempts made before papers were drawn (every question, options unshuffled)
    paper: Mapped[list | None] = mapped_column(JSON(none_as_null=True))

    def __repr__(self) -> str:
        return f"<CheckAttempt {self.id} module={self.module_id} user={self.user_id}>"


class StudyRecord(db.Model):
    """An officer's time and progress on one lesson, counted from server-side heartbeats."""

    __tablename__ = "training_study_records"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", name="uq_training_study_records_user_lesson"),
        CheckConstraint("seconds >= 0", name="seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("training_lessons.id", ondelete="CASCADE"), index=True
    )
    seconds: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: previous visible heartbeat; None after the page was hidden (time then is not counted)
    last_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<StudyRecord user={self.user_id} lesson={self.lesson_id} {self.seconds}s>"


class ModuleCompletion(db.Model):
    __tablename__ = "training_module_completions"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", name="uq_training_module_completions_user_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the check score (0..1), None for a module without a check
    score: Mapped[float | None]

    def __repr__(self) -> str:
        return f"<ModuleCompletion user={self.user_id} module={self.module_id}>"
